// One streaming `git log` child for a share of the commit list: hashes go in on stdin, and commits come
// out as soon as their bytes are parsed, so output of any size is never held whole.

import { spawn } from 'node:child_process';
import type { GitCommit } from '@coherence/core';
import { errors } from '../errors.js';
import { gitEnvironment } from './git-environment.js';
import { logCommandArgs } from './log-command.js';
import { LogStreamParser } from './parse-log.js';
import { gitError } from './run-git.js';

export interface LogProcessHandlers {
  onCommits(commits: GitCommit[]): void;
  /** Called once, after every requested commit was delivered. */
  onEnd(): void;
  /** Called once instead of onEnd. */
  onError(error: unknown): void;
}

export interface LogProcess {
  pause(): void;
  resume(): void;
  /** Kills the child and silences its handlers; for consumers that stop early. */
  stop(): void;
}

/** Enough stderr to explain a failure without holding a runaway warning stream. */
const STDERR_LIMIT = 8192;

export function startLogProcess(
  root: string,
  hashes: readonly string[],
  options: { includeMerges: boolean },
  handlers: LogProcessHandlers,
): LogProcess {
  // GIT_FLUSH=0: git otherwise flushes after every commit when writing to a pipe, which costs a
  // write (and a 'data' event) per commit and about a fifth of the run time.
  const child = spawn('git', logCommandArgs(root, options), { env: { ...gitEnvironment(), GIT_FLUSH: '0' }, windowsHide: true });
  const parser = new LogStreamParser();
  let stderr = '';
  let delivered = 0;
  let settled = false;

  const settle = (error?: unknown) => {
    if (settled) return;
    settled = true;
    if (error === undefined) handlers.onEnd();
    else handlers.onError(error);
  };
  const deliver = (commits: GitCommit[]) => {
    delivered += commits.length;
    if (commits.length > 0) handlers.onCommits(commits);
  };

  child.on('error', (error) => settle(gitError(error, 'log')));
  // git closes stdin early when it fails; its exit status says why, so the EPIPE itself is noise.
  child.stdin.on('error', () => {});
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < STDERR_LIMIT) stderr += chunk.toString('utf8');
  });
  child.stdout.on('data', (chunk: Buffer) => {
    if (settled) return;
    try {
      deliver(parser.push(chunk));
    } catch (error) {
      settle(error);
      child.kill();
    }
  });
  child.on('close', (code, signal) => {
    if (settled) return;
    if (code !== 0) return settle(errors.gitFailed('log', stderr.trim() || `exited with ${signal ?? code}`));
    try {
      deliver(parser.end());
    } catch (error) {
      return settle(error);
    }
    // --no-walk prints each listed commit once; anything else means output we did not understand.
    if (delivered !== hashes.length) return settle(errors.gitFailed('log', `printed ${delivered} of ${hashes.length} requested commits`));
    settle();
  });

  child.stdin.end(hashes.length === 0 ? '' : `${hashes.join('\n')}\n`);

  return {
    pause: () => child.stdout.pause(),
    resume: () => child.stdout.resume(),
    stop: () => {
      settled = true;
      child.stdout.destroy();
      child.kill();
    },
  };
}
