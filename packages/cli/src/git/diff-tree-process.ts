// One long-lived `git diff-tree --stdin` child: hashes go in on stdin a batch at a time, and commits come
// out as soon as their bytes are parsed, so output of any size is never held whole.

import { spawn } from 'node:child_process';
import type { GitCommit } from '@coherence/core';
import { errors } from '../errors.js';
import { diffTreeArgs } from './diff-tree-command.js';
import { gitEnvironment, READER_MALLOC_ENVIRONMENT } from './git-environment.js';
import { BATCH_END_LINE, LogStreamParser } from './parse-log.js';
import { gitError } from './run-git.js';

export interface DiffTreeHandlers {
  onCommits(commits: GitCommit[]): void;
  /** Called once per batch fed, in order, after all of its commits were delivered. */
  onBatchDone(): void;
  /** Called once, after `finish()`, when every batch fed was delivered and git exited cleanly. */
  onEnd(): void;
  /** Called once instead of onEnd. */
  onError(error: unknown): void;
}

export interface DiffTreeProcess {
  /** Queues a batch of hashes; git reads it once it is through the batches before. */
  feed(hashes: readonly string[]): void;
  /** No more batches: git exits after printing the ones fed. */
  finish(): void;
  pause(): void;
  resume(): void;
  /** Kills the child and silences its handlers; for consumers that stop early. */
  stop(): void;
}

/** Enough stderr to explain a failure without holding a runaway warning stream. */
const STDERR_LIMIT = 8192;
const COMMAND = 'diff-tree';

export function startDiffTree(root: string, options: { includeMerges: boolean }, handlers: DiffTreeHandlers): DiffTreeProcess {
  // GIT_FLUSH=0: git otherwise flushes after every commit when writing to a pipe, which costs a write
  // (and a 'data' event) per commit and about a fifth of the run time. The batch-end line still flushes.
  const child = spawn('git', diffTreeArgs(root, options), { env: { ...gitEnvironment(), ...READER_MALLOC_ENVIRONMENT, GIT_FLUSH: '0' }, windowsHide: true });
  const parser = new LogStreamParser();
  /** The hashes of each batch fed and not yet confirmed, oldest first. */
  const batches: (readonly string[])[] = [];
  /** Hashes printed since the last batch end: the batch being printed. */
  let printed: string[] = [];
  let completed = 0;
  let stderr = '';
  let settled = false;

  const settle = (error?: unknown) => {
    if (settled) return;
    settled = true;
    if (error === undefined) handlers.onEnd();
    else handlers.onError(error);
  };
  // diff-tree skips a hash it cannot read as a commit with at most a warning, so each batch is checked.
  const confirmBatch = () => {
    const batch = batches.shift();
    if (batch === undefined) throw errors.gitFailed(COMMAND, 'printed output for a batch it was never given');
    if (printed.length !== batch.length) {
      const missing = batch.find((hash) => !printed.includes(hash));
      throw errors.gitFailed(COMMAND, stderr.trim() || `could not read commit ${missing ?? batch[0]}`);
    }
    printed = [];
  };
  /** Files each commit under the batch it belongs to, given the parser's running totals at batch ends. */
  const account = (commits: readonly GitCommit[], ends: readonly number[]) => {
    let index = 0;
    for (const end of ends) {
      for (; completed < end; completed += 1) printed.push(commits[index++]!.hash);
      confirmBatch();
    }
    for (; index < commits.length; completed += 1) printed.push(commits[index++]!.hash);
  };

  child.on('error', (error) => settle(gitError(error, COMMAND)));
  // git closes stdin early when it fails; its exit status says why, so the EPIPE itself is noise.
  child.stdin.on('error', () => {});
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < STDERR_LIMIT) stderr += chunk.toString('utf8');
  });
  child.stdout.on('data', (chunk: Buffer) => {
    if (settled) return;
    try {
      const commits = parser.push(chunk);
      const ends = parser.takeBatchEnds();
      account(commits, ends);
      if (commits.length > 0) handlers.onCommits(commits);
      for (let end = 0; end < ends.length && !settled; end += 1) handlers.onBatchDone();
    } catch (error) {
      settle(error);
      child.kill();
    }
  });
  child.on('close', (code, signal) => {
    if (settled) return;
    if (code !== 0) return settle(errors.gitFailed(COMMAND, stderr.trim() || `exited with ${signal ?? code}`));
    try {
      // Every batch ends with its marker line, so nothing may follow the last one.
      if (parser.end().length > 0 || batches.length > 0 || printed.length > 0) {
        throw errors.gitFailed(COMMAND, stderr.trim() || 'stopped before printing every requested commit');
      }
    } catch (error) {
      return settle(error);
    }
    settle();
  });

  return {
    feed: (hashes) => {
      if (hashes.length === 0) return;
      batches.push(hashes);
      child.stdin.write(`${hashes.join('\n')}\n${BATCH_END_LINE}`);
    },
    finish: () => child.stdin.end(),
    pause: () => child.stdout.pause(),
    resume: () => child.stdout.resume(),
    stop: () => {
      settled = true;
      child.stdout.destroy();
      child.kill();
    },
  };
}
