// Reading full commits (header and numstat) for a list of hashes, fast: one long-lived git process per
// core, each fed small batches of neighbouring commits, streamed and parsed as it prints, with
// backpressure from the consumer.

import { availableParallelism } from 'node:os';
import type { GitCommit } from '@coherence/core';
import { BatchQueue } from './batch-queue.js';
import { startDiffTree, type DiffTreeProcess } from './diff-tree-process.js';
import type { GitRepository } from './repository.js';
import { WorkRanges } from './work-ranges.js';

export interface ReadCommitsOptions {
  includeMerges: boolean;
  /** Parallel git processes; by default one per core (at most 8), and one for short lists. */
  jobs?: number;
  /** Queued commits plus file changes at which git output is paused; tests lower it. */
  highWaterMark?: number;
}

const MAX_DEFAULT_JOBS = 8;
/** Below this, a second process costs more than it saves. */
const PARALLEL_THRESHOLD = 2000;
const DEFAULT_HIGH_WATER_MARK = 4_000;
/** Batches handed to the consumer hold at most this many commits, unless git printed more at once. */
const MAX_BATCH_COMMITS = 500;
/**
 * Commits handed to a git process at a time. Each process holds two batches, so it never waits for
 * the next; small batches keep the readers' finishing times within a few dozen milliseconds.
 */
const FEED_COMMITS = 64;
const BATCHES_IN_FLIGHT = 2;

/**
 * Yields batches of parsed commits, each requested commit exactly once, in no particular order across
 * batches. Children start on the first read and are killed if the consumer stops early.
 */
export async function* readCommits(repo: GitRepository, hashes: string[], options: ReadCommitsOptions): AsyncIterable<GitCommit[]> {
  const unique = [...new Set(hashes)];
  if (unique.length === 0) return;
  const workers = Math.min(jobCount(unique.length, options.jobs), unique.length);
  const ranges = new WorkRanges(unique.length, workers);
  const children: DiffTreeProcess[] = [];
  const queue = new BatchQueue<GitCommit>({
    producers: workers,
    highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
    weigh: (commit) => 1 + commit.files.length,
    maxBatchItems: MAX_BATCH_COMMITS,
    pause: () => children.forEach((child) => child.pause()),
    resume: () => children.forEach((child) => child.resume()),
  });

  const startWorker = (worker: number) => {
    let inFlight = 0;
    // Tops the process up to BATCHES_IN_FLIGHT batches; once nothing is left anywhere, lets it exit.
    const feed = () => {
      while (inFlight < BATCHES_IN_FLIGHT) {
        const span = ranges.take(worker, FEED_COMMITS);
        if (span === undefined) break;
        child.feed(unique.slice(span.start, span.end));
        inFlight += 1;
      }
      if (inFlight === 0) child.finish();
    };
    const child: DiffTreeProcess = startDiffTree(repo.root, options, {
      onCommits: (commits) => queue.push(commits),
      onBatchDone: () => {
        inFlight -= 1;
        feed();
      },
      onEnd: () => queue.producerDone(),
      onError: (error) => queue.fail(error),
    });
    children.push(child);
    feed();
  };

  try {
    for (let worker = 0; worker < workers; worker += 1) startWorker(worker);
    yield* queue.drain();
  } finally {
    children.forEach((child) => child.stop());
  }
}

function jobCount(commits: number, requested: number | undefined): number {
  if (requested !== undefined) return Math.max(1, Math.floor(requested));
  if (commits < PARALLEL_THRESHOLD) return 1;
  return Math.max(1, Math.min(MAX_DEFAULT_JOBS, availableParallelism()));
}
