// Reading full commits (header and numstat) for a list of hashes, fast: several git processes in
// parallel, each streamed and parsed as it prints, with backpressure from the consumer.

import { availableParallelism } from 'node:os';
import type { GitCommit } from '@coherence/core';
import { BatchQueue } from './batch-queue.js';
import { startLogProcess, type LogProcess } from './log-process.js';
import { partitionHashes } from './partition-hashes.js';
import type { GitRepository } from './repository.js';

export interface ReadCommitsOptions {
  includeMerges: boolean;
  /** Parallel git processes; by default one per core (at most 8), and one for short lists. */
  jobs?: number;
  /** Queued commits plus file changes at which git output is paused; tests lower it. */
  highWaterMark?: number;
}

const MAX_DEFAULT_JOBS = 8;
/** Below this, starting more processes costs more than it saves. */
const PARALLEL_THRESHOLD = 2000;
const DEFAULT_HIGH_WATER_MARK = 4_000;
/** Batches handed to the consumer hold at most this many commits, unless git printed more at once. */
const MAX_BATCH_COMMITS = 500;

/**
 * Yields batches of parsed commits, each requested commit exactly once, in no particular order across
 * batches. Children start on the first read and are killed if the consumer stops early.
 */
export async function* readCommits(repo: GitRepository, hashes: string[], options: ReadCommitsOptions): AsyncIterable<GitCommit[]> {
  const unique = [...new Set(hashes)];
  if (unique.length === 0) return;
  const parts = partitionHashes(unique, jobCount(unique.length, options.jobs));
  const processes: LogProcess[] = [];
  const queue = new BatchQueue<GitCommit>({
    producers: parts.length,
    highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
    weigh: (commit) => 1 + commit.files.length,
    maxBatchItems: MAX_BATCH_COMMITS,
    pause: () => processes.forEach((child) => child.pause()),
    resume: () => processes.forEach((child) => child.resume()),
  });
  try {
    for (const part of parts) {
      processes.push(
        startLogProcess(repo.root, part, options, {
          onCommits: (commits) => queue.push(commits),
          onEnd: () => queue.producerDone(),
          onError: (error) => queue.fail(error),
        }),
      );
    }
    yield* queue.drain();
  } finally {
    processes.forEach((child) => child.stop());
  }
}

function jobCount(commits: number, requested: number | undefined): number {
  if (requested !== undefined) return Math.max(1, Math.floor(requested));
  if (commits < PARALLEL_THRESHOLD) return 1;
  return Math.max(1, Math.min(MAX_DEFAULT_JOBS, availableParallelism()));
}
