// Reading full commits (header and numstat) for a list of hashes, fast: several git processes in
// parallel, each streamed and parsed as it prints, with backpressure from the consumer.

import { availableParallelism } from 'node:os';
import type { GitCommit } from '@coherence/core';
import { BatchQueue } from './batch-queue.js';
import { startLogProcess, type LogProcess } from './log-process.js';
import { chunkHashes } from './chunk-hashes.js';
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
  const jobs = jobCount(unique.length, options.jobs);
  const chunks = chunkHashes(unique, jobs);
  const workers = Math.min(jobs, chunks.length);
  const running = new Set<LogProcess>();
  let nextChunk = 0;
  const queue = new BatchQueue<GitCommit>({
    producers: workers,
    highWaterMark: options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
    weigh: (commit) => 1 + commit.files.length,
    maxBatchItems: MAX_BATCH_COMMITS,
    pause: () => running.forEach((child) => child.pause()),
    resume: () => running.forEach((child) => child.resume()),
  });
  // Each worker reads one chunk at a time and takes the next when it is done, until none are left.
  const startNext = () => {
    const chunk = chunks[nextChunk];
    if (chunk === undefined) return queue.producerDone();
    nextChunk += 1;
    const child: LogProcess = startLogProcess(repo.root, chunk, options, {
      onCommits: (commits) => queue.push(commits),
      onEnd: () => {
        running.delete(child);
        startNext();
      },
      onError: (error) => queue.fail(error),
    });
    running.add(child);
    if (queue.paused) child.pause();
  };
  try {
    for (let worker = 0; worker < workers; worker += 1) startNext();
    yield* queue.drain();
  } finally {
    running.forEach((child) => child.stop());
  }
}

function jobCount(commits: number, requested: number | undefined): number {
  if (requested !== undefined) return Math.max(1, Math.floor(requested));
  if (commits < PARALLEL_THRESHOLD) return 1;
  return Math.max(1, Math.min(MAX_DEFAULT_JOBS, availableParallelism()));
}
