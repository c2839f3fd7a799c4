// The main job: read a range of history, credit every commit, and hand the records to a sink in
// whole-commit batches. The CLI's `track` and the GitHub Action both run exactly this.

import { contributionsForCommit, createExcludeMatcher, formatShard, type ContributionRecord, type Person, type Shard } from '@coherence/core';
import { errors } from '../errors.js';
import { listCommits } from '../git/list-commits.js';
import { createMailmapResolver } from '../git/mailmap.js';
import { readCommits } from '../git/read-commits.js';
import { resolveRange } from '../git/range.js';
import { openRepository, type GitRepository } from '../git/repository.js';
import { addCounts, emptyCounts, type ContributionSink, type SinkCounts } from '../sinks/sink.js';
import { selectShard } from './select-shard.js';
import { PersonTotals, type ContributorTotals } from './person-totals.js';
import { settingsFingerprint, type CreditSettings } from './settings.js';

export interface TrackOptions extends CreditSettings {
  repoDir: string;
  since?: string;
  until?: string;
  branch?: string;
  /** Overrides the name taken from the origin remote. */
  repository?: string;
  /** Parallel git readers; defaults to the number of cores. */
  jobs?: number;
  /** Skips commits the sink already holds (default true). */
  skipKnown?: boolean;
  /** The moment relative dates ("2 weeks ago") count from; now by default. */
  now?: Date;
  /** Record only this part of the range: N runs, one per shard, record what one run would. */
  shard?: Shard;
}

export interface TrackProgress {
  total: number;
  done: number;
}

export interface TrackSummary {
  repository: string;
  range: string;
  target: string;
  /** "K/N" when the run recorded one shard of the range. */
  shard: string | undefined;
  /** Commits in the whole range, all shards together. */
  range_commits: number;
  /** Commits this run is to record: the range, or this shard of it. */
  commits: number;
  /** Of those, already recorded by an earlier run under the same settings, and not read again. */
  skipped_known: number;
  /** Read and credited to nobody (bot-only commits). */
  uncredited: number;
  contributions: number;
  created: number;
  duplicates: number;
  pending: number;
  contributors: number;
  total_cost_cents: number;
  elapsed_ms: number;
  /** Per person figures for this run (merged addresses under their primary), top cost first. */
  by_contributor: ContributorTotals[];
}

export interface TrackHooks {
  onProgress?: (progress: TrackProgress) => void;
  /** Sees each batch before it is stored (the Action's dry run prints them). */
  onRecords?: (records: readonly ContributionRecord[]) => void;
}

export async function trackHistory(options: TrackOptions, sink: ContributionSink, hooks: TrackHooks = {}): Promise<TrackSummary> {
  const started = Date.now();
  const repo = await openRepository(options.repoDir);
  const range = await resolveRange(repo, options, options.now);
  // Independent lookups, side by side: listing a long history is the slow one.
  const [hashes, repository, mailmap, shallow] = await Promise.all([
    listCommits(repo, range, { includeMerges: options.includeMerges }),
    options.repository ?? repo.repositoryName(),
    createMailmapResolver(repo),
    repo.isShallow(),
  ]);
  if (hashes.length === 0) throw errors.emptyRange(range.description);
  // The whole range is checked even for one shard: where the cuts fall depends on all of it.
  if (shallow) await assertHistoryComplete(repo, hashes);

  const settings = settingsFingerprint(options);
  // The sink opens (a database file, migrations) while git counts the shard's sample.
  const [mine, known, merges] = await Promise.all([
    options.shard === undefined ? hashes : selectShard(repo, hashes, options.shard, { includeMerges: options.includeMerges }),
    options.skipKnown === false ? new Set<string>() : sink.knownCommits(repository, settings),
    sink.mergedPeople(),
  ]);
  const toRead = known.size === 0 ? mine : mine.filter((hash) => !known.has(hash));

  const isExcluded = createExcludeMatcher({ globs: options.excludes, useDefaults: options.useDefaultExcludes });
  const credit = { includeBots: options.includeBots, extraBots: options.extraBots, resolveIdentity: mailmap.resolve, isExcluded };

  const totals = emptyCounts();
  const people = new PersonTotals(merges);
  let contributions = 0;
  let uncredited = 0;
  let totalCost = 0;
  let done = 0;
  let pending: ContributionRecord[] = [];
  let pendingCommits: string[] = [];

  const flush = async () => {
    if (pendingCommits.length === 0) return;
    const records = pending;
    const commits = pendingCommits;
    pending = [];
    pendingCommits = [];
    hooks.onRecords?.(records);
    const counts: SinkCounts = await sink.write(records, { repository, commits, settings });
    addCounts(totals, counts);
  };

  hooks.onProgress?.({ total: toRead.length, done });
  if (toRead.length > 0) {
    for await (const commits of readCommits(repo, toRead, { includeMerges: options.includeMerges, ...(options.jobs ? { jobs: options.jobs } : {}) })) {
      await mailmap.prefetch(coAuthorCandidates(commits.map((commit) => commit.message)));
      for (const commit of commits) {
        const records = contributionsForCommit(commit, repository, credit);
        if (records.length === 0) uncredited += 1;
        for (const record of records) {
          pending.push(record);
          contributions += 1;
          totalCost += record.costCents;
        }
        people.addCommit(records);
        pendingCommits.push(commit.hash);
        if (pending.length >= sink.batchSize) await flush();
      }
      done += commits.length;
      hooks.onProgress?.({ total: toRead.length, done });
    }
  }
  await flush();

  return {
    repository,
    range: range.description,
    target: sink.target,
    shard: options.shard === undefined ? undefined : formatShard(options.shard),
    range_commits: hashes.length,
    commits: mine.length,
    skipped_known: mine.length - toRead.length,
    uncredited,
    contributions,
    created: totals.created,
    duplicates: totals.duplicates,
    pending: totals.pending,
    contributors: people.size,
    total_cost_cents: totalCost,
    elapsed_ms: Date.now() - started,
    by_contributor: people.rows(),
  };
}

/** A shallow clone whose range runs into its cut-off would record a truncated history: refuse. */
async function assertHistoryComplete(repo: GitRepository, hashes: readonly string[]): Promise<void> {
  const boundary = await repo.shallowCommits();
  if (hashes.some((hash) => boundary.has(hash))) throw errors.shallowClone(repo.root);
}

const CO_AUTHOR_LINE = /^co-authored-by:\s*(.*?)\s*<([^<>]+)>\s*$/gim;

/** Every co-author identity named in the batch, for one mailmap lookup per batch. */
function coAuthorCandidates(messages: readonly string[]): Person[] {
  const people: Person[] = [];
  for (const message of messages) {
    for (const match of message.matchAll(CO_AUTHOR_LINE)) people.push({ name: match[1]!, email: match[2]! });
  }
  return people;
}
