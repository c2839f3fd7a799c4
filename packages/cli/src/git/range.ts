// Turning --since, --until and --branch into `git rev-list` arguments, plus a description for humans.
// A value that names a commit is a ref first; otherwise it must be a date parseGitDate accepts.

import { CoherenceError, errors } from '../errors.js';
import { parseGitDate } from './parse-date.js';
import type { GitRepository } from './repository.js';
import { runGit } from './run-git.js';

export interface RangeOptions {
  since?: string;
  until?: string;
  branch?: string;
  includeMerges: boolean;
}

export interface CommitRange {
  /** Options and revisions for `git rev-list`, with refs already resolved to hashes. */
  revListArgs: string[];
  /** e.g. "a1b2c3d..main", "main since 2024-01-01", "the whole history of main". */
  description: string;
}

type Bound = { kind: 'commit'; hash: string; label: string } | { kind: 'date'; seconds: number; label: string };

interface Tip {
  hash: string;
  label: string;
}

export async function resolveRange(repo: GitRepository, options: RangeOptions, now: Date = new Date()): Promise<CommitRange> {
  const branch = options.branch === undefined ? undefined : await resolveBranch(repo, options.branch);
  const until = options.until === undefined ? undefined : await resolveBound(repo, '--until', options.until, now);
  const since = options.since === undefined ? undefined : await resolveBound(repo, '--since', options.since, now);
  // A commit given as --until is where history is read back from, instead of HEAD or --branch.
  const tip = until?.kind === 'commit' ? until : (branch ?? (await resolveHead(repo)));
  const untilDate = until?.kind === 'date' ? until : undefined;
  if (since?.kind === 'date' && untilDate && since.seconds > untilDate.seconds) {
    throw errors.badOption('--since', `${since.label} is later than --until ${untilDate.label}`);
  }
  return {
    revListArgs: [
      ...(since?.kind === 'date' ? [await sinceDateArg(repo, since.seconds)] : []),
      // Clamped: git reads --min-age=-1 as "no limit".
      ...(untilDate ? [`--min-age=${Math.max(0, untilDate.seconds)}`] : []),
      tip.hash,
      ...(since?.kind === 'commit' ? [`^${since.hash}`] : []),
    ],
    description: describeRange(tip.label, since, untilDate),
  };
}

/**
 * --max-age stops the walk at the first commit older than the date, so a commit made on a machine with
 * a wrong clock hides every newer commit behind it. git 2.37+ has --since-as-filter, which looks at all.
 */
async function sinceDateArg(repo: GitRepository, seconds: number): Promise<string> {
  const [major, minor] = await repo.gitVersion();
  const clamped = Math.max(0, seconds);
  return major > 2 || (major === 2 && minor >= 37) ? `--since-as-filter=@${clamped}` : `--max-age=${clamped}`;
}

async function resolveBranch(repo: GitRepository, branch: string): Promise<Tip> {
  const hash = await commitHash(repo, branch);
  if (hash !== undefined) return { hash, label: branch };
  if (!(await hasAnyCommit(repo))) throw emptyRepository(repo);
  throw errors.unknownRef('--branch', branch);
}

async function resolveHead(repo: GitRepository): Promise<Tip> {
  const hash = await commitHash(repo, 'HEAD');
  if (hash === undefined) {
    if (!(await hasAnyCommit(repo))) throw emptyRepository(repo);
    throw new CoherenceError(
      'environment',
      'EEMPTYREPO',
      `the current branch of ${repo.root} has no commits yet: commit something first, or pass --branch to read another branch`,
    );
  }
  const branch = (await runGit(repo.git, ['symbolic-ref', '--short', '--quiet', 'HEAD'])).trim();
  return { hash, label: branch || 'HEAD' };
}

async function resolveBound(repo: GitRepository, option: string, text: string, now: Date): Promise<Bound> {
  if (text.trim() === '') throw errors.badOption(option, 'needs a date or a commit');
  const hash = await commitHash(repo, text);
  if (hash !== undefined) return { kind: 'commit', hash, label: refLabel(text) };
  const seconds = parseGitDate(text, now);
  if (seconds === undefined) throw looksLikeDate(text) ? errors.badDate(option, text) : errors.unknownRef(option, text);
  // "--until 2024-01-31" means through that day, not up to its first second.
  if (option === '--until' && DATE_ONLY.test(text.trim())) return { kind: 'date', seconds: seconds + 86_399, label: text.trim() };
  return { kind: 'date', seconds, label: dateLabel(text, seconds) };
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The full hash of the commit `text` names, or undefined when it names none. */
async function commitHash(repo: GitRepository, text: string): Promise<string | undefined> {
  // Leading dashes would be read as options, and no ref can contain a newline.
  if (text === '' || text.startsWith('-') || /[\0\n]/.test(text)) return undefined;
  try {
    const output = await runGit(repo.git, ['rev-parse', '--verify', '--quiet', `${text}^{commit}`]);
    return output.trim() || undefined;
  } catch (error) {
    // Revision syntax git cannot parse at all is simply not a commit; a missing git still surfaces.
    if (error instanceof CoherenceError && error.code === 'EGIT') return undefined;
    throw error;
  }
}

async function hasAnyCommit(repo: GitRepository): Promise<boolean> {
  return (await runGit(repo.git, ['rev-list', '-n', '1', '--all'])).trim() !== '';
}

function emptyRepository(repo: GitRepository): CoherenceError {
  return new CoherenceError('environment', 'EEMPTYREPO', `${repo.root} has no commits yet, so there is no history to track`);
}

/** Garbage that was meant as a date gets the date help; anything else is reported as an unknown ref. */
function looksLikeDate(text: string): boolean {
  const value = text.trim();
  return /^\d{4}-\d/.test(value) || /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(value) || /^@/.test(value) || /^\d+[ .]+[a-z]/i.test(value) || /ago$/i.test(value);
}

function refLabel(text: string): string {
  return /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i.test(text) ? text.slice(0, 7) : text;
}

function dateLabel(text: string, seconds: number): string {
  const absolute = formatTimestamp(seconds);
  return /^\d{4}-|^@/.test(text.trim()) ? absolute : `${text.trim()} (${absolute})`;
}

/** "2024-01-01" at midnight UTC, else "2024-01-01T12:30:00Z". */
function formatTimestamp(seconds: number): string {
  const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return iso.endsWith('T00:00:00Z') ? iso.slice(0, -10) : iso;
}

function describeRange(tipLabel: string, since: Bound | undefined, untilDate: Bound | undefined): string {
  if (since === undefined && untilDate === undefined) return `the whole history of ${tipLabel}`;
  const start = since?.kind === 'commit' ? `${since.label}..${tipLabel}` : tipLabel;
  const sinceText = since?.kind === 'date' ? [`since ${since.label}`] : [];
  const untilText = untilDate ? [`until ${untilDate.label}`] : [];
  return [start, ...sinceText, ...untilText].join(' ');
}
