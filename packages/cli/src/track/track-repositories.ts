// Tracking many repositories in one run, into one sink: each in turn, one failing repository reported
// and the rest still tracked. What fails for every repository alike (the database, the API, git
// itself missing) stops the run instead.

import { isCoherenceError } from '../errors.js';
import type { FoundRepository } from '../git/repositories-in.js';
import type { ContributionSink } from '../sinks/sink.js';
import { trackHistory, type TrackHooks, type TrackOptions, type TrackSummary } from './track-history.js';

export type RepositoryRun =
  | { dir: string; status: 'tracked'; summary: TrackSummary }
  /** Nothing in the range (e.g. no commits since the date given): not a failure. */
  | { dir: string; status: 'empty'; message: string }
  | { dir: string; status: 'failed'; message: string };

/** Errors about where records go, or about git itself: every other repository would fail the same way. */
const RUN_WIDE_ERRORS = new Set(['EDBWRITE', 'EDBREAD', 'EAPI', 'EAPIREJECT', 'ENOGIT']);

export interface RepositoriesHooks {
  /** Hooks for one repository's run (progress). */
  forRepository?: (dir: string) => TrackHooks;
  onDone?: (run: RepositoryRun) => void;
}

export async function trackRepositories(
  repositories: readonly FoundRepository[],
  options: Omit<TrackOptions, 'repoDir' | 'repository'>,
  sink: ContributionSink,
  hooks: RepositoriesHooks = {},
): Promise<RepositoryRun[]> {
  const runs: RepositoryRun[] = [];
  for (const { dir, problem } of repositories) {
    const run = problem !== undefined ? { dir, status: 'failed' as const, message: problem } : await trackOne(dir, options, sink, hooks.forRepository?.(dir) ?? {});
    runs.push(run);
    hooks.onDone?.(run);
  }
  return runs;
}

async function trackOne(dir: string, options: Omit<TrackOptions, 'repoDir'>, sink: ContributionSink, hooks: TrackHooks): Promise<RepositoryRun> {
  try {
    return { dir, status: 'tracked', summary: await trackHistory({ ...options, repoDir: dir }, sink, hooks) };
  } catch (error) {
    if (!isCoherenceError(error) || RUN_WIDE_ERRORS.has(error.code)) throw error;
    return { dir, status: error.code === 'EEMPTYRANGE' ? 'empty' : 'failed', message: error.message };
  }
}

export interface RunTotals {
  repositories: number;
  failed: number;
  commits: number;
  skipped_known: number;
  contributions: number;
  created: number;
  duplicates: number;
  pending: number;
  /** Distinct people credited, across all repositories. */
  contributors: number;
  total_cost_cents: number;
}

export function totalsOf(runs: readonly RepositoryRun[]): RunTotals {
  const totals: RunTotals = { repositories: runs.length, failed: 0, commits: 0, skipped_known: 0, contributions: 0, created: 0, duplicates: 0, pending: 0, contributors: 0, total_cost_cents: 0 };
  const people = new Set<string>();
  for (const run of runs) {
    if (run.status === 'failed') totals.failed += 1;
    if (run.status !== 'tracked') continue;
    const { summary } = run;
    totals.commits += summary.commits;
    totals.skipped_known += summary.skipped_known;
    totals.contributions += summary.contributions;
    totals.created += summary.created;
    totals.duplicates += summary.duplicates;
    totals.pending += summary.pending;
    totals.total_cost_cents += summary.total_cost_cents;
    for (const person of summary.by_contributor) people.add(person.email);
  }
  totals.contributors = people.size;
  return totals;
}
