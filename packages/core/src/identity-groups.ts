// One person under several addresses: which stored addresses are likely one person (each group with its
// evidence), the rules a merge keeps, and the merges written back as .mailmap lines.
// A merge links an alias address to a primary address; links are one level deep (a primary is never an
// alias), so resolving an address is a single lookup and cycles cannot exist.

import { githubLoginFromEmail, isGitAddress, normalizeEmail } from './identity.js';

/** An address as the store knows it: the name recorded with it and how many contributions it has. */
export interface KnownAddress {
  email: string;
  name: string;
  contributions: number;
}

/** "alias is the person primary": every read counts the alias's contributions under the primary. */
export interface IdentityLink {
  alias: string;
  primary: string;
}

export type IdentityEvidenceKind = 'same_name' | 'noreply_login' | 'mailmap';

export interface IdentityEvidence {
  kind: IdentityEvidenceKind;
  /** The two addresses this evidence joins. */
  addresses: [string, string];
  /** What matched: the normalised name, the login, or the mailmap line's target. */
  detail: string;
}

export interface IdentityCandidateAddress extends KnownAddress {
  /** Set when this address is already merged into another one. */
  merged_into?: string;
}

export interface IdentityCandidate {
  /** The suggested primary: a real address over a noreply one, then the most contributions. */
  primary: string;
  /** The addresses to name in `identities merge PRIMARY ALIAS...` (people not yet merged into the primary). */
  aliases: string[];
  addresses: IdentityCandidateAddress[];
  evidence: IdentityEvidence[];
  contributions: number;
}

export interface CandidateOptions {
  /** Existing merges: addresses already one person are not proposed again. */
  links?: readonly IdentityLink[];
  /** Address pairs a .mailmap joins (commit address → proper address). */
  mailmap?: readonly IdentityLink[];
}

// Names that say nothing about who committed: machine defaults and placeholders.
const GENERIC_NAMES = new Set(['unknown', 'root', 'user', 'admin', 'administrator', 'ubuntu', 'runner', 'git', 'github', 'localhost', 'your name', 'none', 'test', 'dev', 'developer']);
// Local parts that many different people use: a login matching one of them proves nothing.
const GENERIC_LOCAL_PARTS = new Set(['info', 'admin', 'dev', 'me', 'mail', 'contact', 'hello', 'git', 'github', 'noreply', 'no-reply', 'root', 'user', 'support', 'team', 'office']);
const MIN_LOGIN_MATCH_LENGTH = 3;

/** "  Ånn   LEE-Smith " → "ann lee smith": accents, case, punctuation and spacing do not tell people apart. */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Letters and digits only, for comparing a login with a local part or a name: "ann.lee", "Ann Lee", "ann-lee". */
function compact(text: string): string {
  return normalizeName(text).replace(/ /g, '');
}

/**
 * An address a person could commit under, normalised; undefined when it is not one. As everywhere, an
 * address git records without a domain ("root") counts; one with spaces inside is taken for a typo.
 */
export function parseIdentityAddress(text: string): string | undefined {
  const email = normalizeEmail(text);
  return email !== '' && !/\s/.test(email) && isGitAddress(email) ? email : undefined;
}

/**
 * Groups of addresses that are likely one person: the same normalised name, a GitHub noreply login that
 * matches another address's local part or name (or another noreply address's login), or a .mailmap line
 * joining them. Groups whose addresses are all one person already are left out.
 */
export function identityCandidates(addresses: readonly KnownAddress[], options: CandidateOptions = {}): IdentityCandidate[] {
  const primaryOf = new Map((options.links ?? []).map((link) => [link.alias, link.primary]));
  const person = (email: string) => primaryOf.get(email) ?? email;
  const known = new Map<string, KnownAddress>();
  for (const address of addresses) known.set(address.email, address);
  const emails = [...known.keys()].sort();

  const parent = new Map(emails.map((email) => [email, email]));
  const find = (email: string): string => {
    let root = email;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(email, root);
    return root;
  };
  const union = (a: string, b: string) => {
    const [rootA, rootB] = [find(a), find(b)];
    if (rootA !== rootB) parent.set(rootA < rootB ? rootB : rootA, rootA < rootB ? rootA : rootB);
  };
  const evidence: IdentityEvidence[] = [];
  const seenEvidence = new Set<string>();
  const join = (kind: IdentityEvidenceKind, a: string, b: string, detail: string) => {
    if (a === b) return;
    const pair: [string, string] = a < b ? [a, b] : [b, a];
    const key = `${kind}\0${pair[0]}\0${pair[1]}`;
    if (seenEvidence.has(key)) return;
    seenEvidence.add(key);
    evidence.push({ kind, addresses: pair, detail });
    union(a, b);
  };

  // Addresses already merged are one person from the start.
  for (const email of emails) {
    const primary = person(email);
    if (primary !== email && known.has(primary)) union(email, primary);
  }

  const byName = new Map<string, string[]>();
  const byLocalPart = new Map<string, string[]>();
  const byLogin = new Map<string, string[]>();
  const byCompactName = new Map<string, string[]>();
  const add = (index: Map<string, string[]>, key: string, email: string) => {
    const list = index.get(key);
    if (list) list.push(email);
    else index.set(key, [email]);
  };
  for (const email of emails) {
    const name = normalizeName(known.get(email)!.name);
    if (name !== '' && !GENERIC_NAMES.has(name) && name !== normalizeName(email)) add(byName, name, email);
    const login = githubLoginFromEmail(email);
    if (login !== undefined) add(byLogin, compact(login), email);
    else {
      const localPart = email.slice(0, email.lastIndexOf('@'));
      if (!GENERIC_LOCAL_PARTS.has(localPart)) add(byLocalPart, compact(localPart), email);
      if (name !== '') add(byCompactName, name.replace(/ /g, ''), email);
    }
  }

  for (const [name, group] of byName) for (const other of group.slice(1)) join('same_name', group[0]!, other, name);
  for (const [login, group] of byLogin) {
    if (login.length < MIN_LOGIN_MATCH_LENGTH) continue;
    for (const other of group.slice(1)) join('noreply_login', group[0]!, other, login);
    for (const other of byCompactName.get(login) ?? []) join('noreply_login', group[0]!, other, login);
    // A local part such as "ann" may belong to several people: when the addresses it matches carry
    // different names, the login says nothing about which of them it is.
    const byLocal = byLocalPart.get(login) ?? [];
    const names = new Set(byLocal.map((email) => normalizeName(known.get(email)!.name)).filter((name) => name !== '' && compact(name) !== login));
    if (names.size <= 1) for (const other of byLocal) join('noreply_login', group[0]!, other, login);
  }
  for (const line of options.mailmap ?? []) {
    if (known.has(line.alias) && known.has(line.primary)) join('mailmap', line.primary, line.alias, line.primary);
  }

  const components = new Map<string, string[]>();
  for (const email of emails) add(components, find(email), email);
  const candidates: IdentityCandidate[] = [];
  for (const members of components.values()) {
    const people = [...new Set(members.map(person))];
    if (members.length < 2 || people.length < 2) continue;
    const contributionsOf = (primary: string) =>
      members.filter((email) => person(email) === primary).reduce((sum, email) => sum + known.get(email)!.contributions, 0);
    const primary = [...people].sort(
      (a, b) =>
        Number(githubLoginFromEmail(a) !== undefined) - Number(githubLoginFromEmail(b) !== undefined) ||
        contributionsOf(b) - contributionsOf(a) ||
        (a < b ? -1 : a > b ? 1 : 0),
    )[0]!;
    const inGroup = new Set(members);
    candidates.push({
      primary,
      aliases: people.filter((email) => email !== primary).sort(),
      addresses: members.map((email) => {
        const address = known.get(email)!;
        return person(email) === email ? { ...address } : { ...address, merged_into: person(email) };
      }),
      evidence: evidence.filter((item) => inGroup.has(item.addresses[0])),
      contributions: members.reduce((sum, email) => sum + known.get(email)!.contributions, 0),
    });
  }
  return candidates.sort((a, b) => b.contributions - a.contributions || (a.primary < b.primary ? -1 : 1));
}

export type MergeRefusal = { ok: false; field: 'primary' | 'aliases'; message: string };

export interface MergePlan {
  ok: true;
  primary: string;
  /** Links to write (new aliases, and the aliases of a merged primary, moved to the new primary). */
  links: IdentityLink[];
  merged: string[];
  /** Aliases already merged into this primary: nothing to do. */
  already: string[];
  /** Aliases of an address merged here, re-pointed so links stay one level deep. */
  moved: IdentityLink[];
}

/**
 * Plans `merge PRIMARY ALIAS...` against the existing links. Refused: an address that is not one, an
 * alias equal to the primary, a primary that is itself an alias (name its primary instead), an alias
 * already merged into someone else (unmerge it first). Merging an address that has aliases of its own
 * moves them too, so no chain ever forms. Merging again is a no-op.
 */
export function planMerge(links: readonly IdentityLink[], primaryText: string, aliasTexts: readonly string[]): MergePlan | MergeRefusal {
  const primary = parseIdentityAddress(primaryText);
  if (primary === undefined) return { ok: false, field: 'primary', message: `"${primaryText}" is not an address` };
  if (aliasTexts.length === 0) return { ok: false, field: 'aliases', message: 'name at least one address to merge' };
  const aliases: string[] = [];
  for (const text of aliasTexts) {
    const alias = parseIdentityAddress(text);
    if (alias === undefined) return { ok: false, field: 'aliases', message: `"${text}" is not an address` };
    if (alias === primary) return { ok: false, field: 'aliases', message: `${alias} is the primary; it cannot be its own alias` };
    if (!aliases.includes(alias)) aliases.push(alias);
  }
  const primaryOf = new Map(links.map((link) => [link.alias, link.primary]));
  const above = primaryOf.get(primary);
  if (above !== undefined) {
    return { ok: false, field: 'primary', message: `${primary} is merged into ${above}: name ${above} as the primary, or unmerge ${primary} first` };
  }
  const plan: MergePlan = { ok: true, primary, links: [], merged: [], already: [], moved: [] };
  for (const alias of aliases) {
    const current = primaryOf.get(alias);
    if (current === primary) plan.already.push(alias);
    else if (current !== undefined) {
      return { ok: false, field: 'aliases', message: `${alias} is already merged into ${current}; unmerge it first` };
    } else {
      plan.merged.push(alias);
      plan.links.push({ alias, primary });
      for (const link of links) if (link.primary === alias) plan.moved.push({ alias: link.alias, primary });
    }
  }
  plan.links.push(...plan.moved);
  return plan;
}

export interface UnmergePlan {
  ok: true;
  /** Links to delete. */
  unmerged: IdentityLink[];
  /** Addresses that were not aliases (nothing to do); primaries among them are listed in `primaries`. */
  notMerged: string[];
  primaries: string[];
}

/** Plans `unmerge ALIAS...`: each alias becomes its own person again. Unmerging again is a no-op. */
export function planUnmerge(links: readonly IdentityLink[], aliasTexts: readonly string[]): UnmergePlan | MergeRefusal {
  if (aliasTexts.length === 0) return { ok: false, field: 'aliases', message: 'name at least one address to unmerge' };
  const primaryOf = new Map(links.map((link) => [link.alias, link.primary]));
  const primaries = new Set(links.map((link) => link.primary));
  const plan: UnmergePlan = { ok: true, unmerged: [], notMerged: [], primaries: [] };
  for (const text of aliasTexts) {
    const alias = parseIdentityAddress(text);
    if (alias === undefined) return { ok: false, field: 'aliases', message: `"${text}" is not an address` };
    const primary = primaryOf.get(alias);
    if (primary !== undefined) {
      if (!plan.unmerged.some((link) => link.alias === alias)) plan.unmerged.push({ alias, primary });
    } else if (!plan.notMerged.includes(alias)) {
      plan.notMerged.push(alias);
      if (primaries.has(alias)) plan.primaries.push(alias);
    }
  }
  return plan;
}

/**
 * The merges as .mailmap lines ("Proper Name <primary> <alias>"), sorted, so a maintainer can fix the
 * identities upstream; git then credits the aliases' commits to the primary at the source.
 */
export function mailmapLines(links: readonly IdentityLink[], nameOf: (email: string) => string | undefined): string[] {
  return [...links]
    .sort((a, b) => (a.primary === b.primary ? (a.alias < b.alias ? -1 : 1) : a.primary < b.primary ? -1 : 1))
    .map((link) => {
      const name = nameOf(link.primary)?.replace(/[<>\n\r]/g, '').trim();
      return `${name ? `${name} ` : ''}<${link.primary}> <${link.alias}>`;
    });
}
