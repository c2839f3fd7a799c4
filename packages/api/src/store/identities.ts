// The contract for one person under several addresses, and for rescoring stored rows: both stores keep
// it, over the same identity_links table (migration 6). Links key on normalised addresses, not on
// contributor ids, so a merge naming an address not seen yet applies to its contributions once they come.

import type { IdentityLink, KnownAddress, MergePlan, MergeRefusal, UnmergePlan } from '@coherence/core';

export interface IdentityOverview {
  /** Every stored address, with its recorded name and its number of contributions. */
  addresses: KnownAddress[];
  /** Every merge, sorted by primary then alias. */
  links: IdentityLink[];
}

export interface RescoreRequest {
  /** From a previous chunk's `next`; absent: from the start. */
  after?: string;
  /** Rows to examine in this chunk (one transaction). */
  limit: number;
  /** When the replaced values were replaced (UTC ISO); now by default. */
  at?: string;
}

export interface RescoreChunk {
  /** Rows not at the current model versions that this chunk looked at. */
  examined: number;
  rescored: number;
  /** Rows it could not move: a newer model version, or figures missing. */
  skipped: number;
  /** How much the rescored rows' cost changed in total, in cents (the repositories' totals moved with it). */
  cost_cents_change: number;
  /** Where the next chunk starts; null when the scan is complete. */
  next: string | null;
}

/** One person's merge: the address they count under, the name on its own commits (if any are stored), the addresses merged into it. */
export interface MergedPerson {
  primary: string;
  name: string | null;
  aliases: string[];
}

export interface IdentityStore {
  identities(): Promise<IdentityOverview>;
  /** Only the merges, without reading contributions: what a run's summary needs to count each person once. */
  mergedPeople(): Promise<MergedPerson[]>;
  /** Applies core's planMerge in one transaction; a refusal changes nothing. */
  mergeIdentities(primary: string, aliases: readonly string[]): Promise<MergePlan | MergeRefusal>;
  unmergeIdentities(aliases: readonly string[]): Promise<UnmergePlan | MergeRefusal>;
  /** Rescores one chunk of stored rows with the current model versions (core's rescoreContribution), totals included. */
  rescore(request: RescoreRequest): Promise<RescoreChunk>;
}

/** SQL shared by both stores for resolving an address to its person. */
export const IDENTITY_LINKS_JOIN = 'LEFT JOIN identity_links l ON l.alias_email = p.email';
/** The person a contributor row (alias p, joined with IDENTITY_LINKS_JOIN) counts under. */
export const PERSON_EMAIL = 'COALESCE(l.primary_email, p.email)';

/** Every contributor as a ContributorRow (insight-rollup.ts): its id, the person it counts under, its own address and name. */
export const CONTRIBUTOR_PEOPLE_SQL = `SELECT p.id, ${PERSON_EMAIL}, p.email, p.name FROM contributors p ${IDENTITY_LINKS_JOIN}`;
/**
 * Every link with the name on its primary's own commits: none before they are stored (a merge gives a new
 * primary a stand-in name, with no name time). Each store adds its ORDER BY (primary, alias).
 */
export const NAMED_LINKS_SQL = `SELECT l.alias_email AS alias, l.primary_email AS "primary", CASE WHEN p.name_at IS NOT NULL THEN p.name END AS name
  FROM identity_links l LEFT JOIN contributors p ON p.email = l.primary_email`;

/** Links sorted by primary, grouped into one entry per primary. */
export function groupMerges(links: ReadonlyArray<IdentityLink & { name: string | null }>): MergedPerson[] {
  const people = new Map<string, MergedPerson>();
  for (const link of links) {
    const person = people.get(link.primary);
    if (person) person.aliases.push(link.alias);
    else people.set(link.primary, { primary: link.primary, name: link.name, aliases: [link.alias] });
  }
  return [...people.values()];
}

/** The addresses others are merged into. */
export const MERGED_PRIMARIES_SQL = 'SELECT DISTINCT primary_email FROM identity_links';

/** Contributor ids of the person whose address (or one of whose addresses) the SQL expression yields. */
export function personContributorIds(address: string): string {
  const person = `COALESCE((SELECT primary_email FROM identity_links WHERE alias_email = ${address}), ${address})`;
  return `SELECT id FROM contributors WHERE email = ${person} OR email IN (SELECT alias_email FROM identity_links WHERE primary_email = ${person})`;
}

/** The name a person is reported under: their primary address's, else the name recorded with their rows. */
export function personName(key: string, fallback: string): string {
  return `COALESCE((SELECT name FROM contributors WHERE email = ${key}), ${fallback})`;
}

/**
 * The report per person: per (person, commit) first, so a commit a person holds under two of their
 * addresses counts once, then per person, named as personName says. `score` turns a row's coherence into
 * whole hundredths in the dialect; `order` is the dialect's ORDER BY.
 *
 * `bytes` (PostgreSQL: ' COLLATE "C"') groups on the keys' bytes: the same groups, found without the
 * locale's comparison rules, which made grouping 100,000 rows about twice as slow. The person's name is
 * then looked up in the column's own collation, so the address index still serves it.
 */
export function personReportSql(where: string, score: string, order: string, bytes = ''): string {
  const lookupKey = bytes === '' ? 'key' : 'key COLLATE "default"';
  return `SELECT key, ${personName(lookupKey, 'MIN(name)')} AS name, COUNT(*) AS commits, SUM(people) AS contributions,
      SUM(lines_added) AS lines_added, SUM(lines_deleted) AS lines_deleted, SUM(files_changed) AS files_changed,
      SUM(cost_cents) AS cost_cents, SUM(score) AS score_sum
    FROM (
      SELECT ${PERSON_EMAIL}${bytes} AS key, MIN(p.name) AS name, COUNT(*) AS people, MAX(c.lines_added) AS lines_added,
        MAX(c.lines_deleted) AS lines_deleted, MAX(c.files_changed) AS files_changed, SUM(c.cost_cents) AS cost_cents,
        MAX(${score}) AS score
      FROM contributions c JOIN contributors p ON p.id = c.contributor_id JOIN assets a ON a.id = c.asset_id ${IDENTITY_LINKS_JOIN}
      ${where}
      GROUP BY 1, c.asset_id${bytes}, c.commit_hash${bytes}
    ) per_commit
    GROUP BY key ORDER BY ${order}`;
}

/** Runs rescore chunks from the start until the scan is complete, adding their counts up. */
export async function rescoreToEnd(rescore: (request: RescoreRequest) => Promise<RescoreChunk>, limit: number): Promise<Omit<RescoreChunk, 'next'>> {
  const total = { examined: 0, rescored: 0, skipped: 0, cost_cents_change: 0 };
  let after: string | undefined;
  do {
    const chunk = await rescore({ limit, ...(after === undefined ? {} : { after }) });
    total.examined += chunk.examined;
    total.rescored += chunk.rescored;
    total.skipped += chunk.skipped;
    total.cost_cents_change += chunk.cost_cents_change;
    after = chunk.next ?? undefined;
  } while (after !== undefined);
  return total;
}

/** Name for a primary created by a merge before any of its own contributions: the busiest alias's name. */
export function nameForNewPrimary(primary: string, aliases: readonly string[], addresses: ReadonlyMap<string, KnownAddress>): string {
  const named = aliases
    .map((alias) => addresses.get(alias))
    .filter((address): address is KnownAddress => address !== undefined && address.name.trim() !== '')
    .sort((a, b) => b.contributions - a.contributions);
  return named[0]?.name ?? primary.slice(0, primary.lastIndexOf('@'));
}
