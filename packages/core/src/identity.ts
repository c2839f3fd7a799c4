// Who gets credit for a commit: normalised addresses, GitHub logins, bots, and co-author trailers.

import type { Contributor, Person } from './types.js';
import { parseTrailers } from './trailers.js';

/** Bot accounts recognised by name or address local part, besides anything ending in "[bot]". */
export const DEFAULT_BOTS: readonly string[] = [
  'dependabot',
  'dependabot-preview',
  'renovate',
  'renovate-bot',
  'github-actions',
  'greenkeeper',
  'snyk-bot',
  'pre-commit-ci',
  'mergify',
  'imgbot',
  'allcontributors',
  'semantic-release-bot',
  'codecov',
];

const NOREPLY = /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/;
const NAME_AND_EMAIL = /^(.*?)\s*<([^<>]*)>\s*$/;

// git never records these inside an address (it cuts an identity at "<", ">" and line ends).
const NOT_IN_A_GIT_ADDRESS = /[<>\n\u0000]/;
/** The longest address accepted from a client; git has no limit, but no real address comes near it. */
export const MAX_EMAIL_LENGTH = 320;

/** Trimmed and lower-cased: the one form every path (git history, API payloads, filters) compares by. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Whether git could have recorded this address for an author: anything it writes between "<" and ">",
 * so also an address without a domain ("root", "me@localhost") or none at all (""). The API accepts
 * exactly these, so what a local backfill credits, a client may post.
 */
export function isGitAddress(email: string): boolean {
  return email.length <= MAX_EMAIL_LENGTH && !NOT_IN_A_GIT_ADDRESS.test(email);
}

/** "12345+octocat@users.noreply.github.com" → "octocat". */
export function githubLoginFromEmail(email: string): string | undefined {
  return NOREPLY.exec(normalizeEmail(email))?.[1];
}

export interface BotOptions {
  /** Names, logins or addresses to treat as bots besides the defaults (case-insensitive). */
  extraBots?: readonly string[];
}

const DEFAULT_BOT_SET: ReadonlySet<string> = new Set(DEFAULT_BOTS);
/** Bot lists by the extraBots array they came from: a run checks every commit against the same one. */
const botSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function knownBots(extraBots: readonly string[] | undefined): ReadonlySet<string> {
  if (extraBots === undefined || extraBots.length === 0) return DEFAULT_BOT_SET;
  let known = botSets.get(extraBots);
  if (known === undefined) {
    known = new Set([...DEFAULT_BOTS, ...extraBots.map((bot) => bot.trim().toLowerCase())]);
    botSets.set(extraBots, known);
  }
  return known;
}

export function isBot(person: Person, options: BotOptions = {}): boolean {
  const name = person.name.trim().toLowerCase();
  const email = normalizeEmail(person.email);
  const login = githubLoginFromEmail(email);
  const localPart = email.split('@')[0] ?? '';
  if (name.endsWith('[bot]') || localPart.endsWith('[bot]') || login?.endsWith('[bot]')) return true;
  const known = knownBots(options.extraBots);
  return known.has(name) || known.has(email) || known.has(localPart) || (login !== undefined && known.has(login));
}

/** "Jane Doe <jane@example.com>" → { name, email }; undefined when it has no address. */
export function parsePerson(text: string): Person | undefined {
  const match = NAME_AND_EMAIL.exec(text.trim());
  if (!match) return undefined;
  const email = match[2]!.trim();
  if (email === '') return undefined;
  return { name: match[1]!.trim(), email };
}

/** The co-authors a commit message names in its Co-authored-by trailers, in order. */
export function coAuthorsFromMessage(message: string): Person[] {
  return parseTrailers(message)
    .filter((trailer) => trailer.key.toLowerCase() === 'co-authored-by')
    .map((trailer) => parsePerson(trailer.value))
    .filter((person): person is Person => person !== undefined);
}

export function toContributor(person: Person): Contributor {
  let email = normalizeEmail(person.email);
  const name = person.name.trim();
  // git allows an empty address; credit such commits to a stable, obviously synthetic one.
  if (email === '') email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.|\.$/g, '') || 'unknown'}@unknown.invalid`;
  const login = githubLoginFromEmail(email);
  return login === undefined ? { name: name || email, email } : { name: name || login, email, login };
}

export interface CreditOptions extends BotOptions {
  includeBots?: boolean;
  /** Maps an identity the way git's mailmap would; the author is expected to be mapped already. */
  resolveIdentity?: (person: Person) => Person;
}

export interface CreditedPerson extends Contributor {
  role: 'author' | 'co-author';
}

/**
 * The people credited for one commit: the author first, then each distinct co-author.
 * Bots are left out unless includeBots; a bot-authored commit still credits its human co-authors.
 */
export function creditedPeople(author: Person, message: string, options: CreditOptions = {}): CreditedPerson[] {
  const resolve = options.resolveIdentity ?? ((person: Person) => person);
  const credited: CreditedPerson[] = [];
  const seen = new Set<string>();
  const consider = (person: Person, role: CreditedPerson['role']) => {
    if (!options.includeBots && isBot(person, options)) return;
    const contributor = toContributor(person);
    if (seen.has(contributor.email)) return;
    seen.add(contributor.email);
    credited.push({ ...contributor, role });
  };
  consider(author, 'author');
  for (const coAuthor of coAuthorsFromMessage(message)) consider(resolve(coAuthor), 'co-author');
  return credited;
}
