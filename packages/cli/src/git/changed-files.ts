// How many files each of a few commits changes, from git's tree diff alone: no file is read and no
// rename is looked for. Shards use it to estimate where along a range the work lies.

import { spawn } from 'node:child_process';
import { errors } from '../errors.js';
import { gitEnvironment } from './git-environment.js';
import type { GitRepository } from './repository.js';
import { gitError } from './run-git.js';

const COMMAND = 'diff-tree';
const STDERR_LIMIT = 8192;

/** Files changed by each commit, in the order given (merges against their first parent, as they are read). */
export function countChangedFiles(repo: GitRepository, hashes: readonly string[], options: { includeMerges: boolean }): Promise<number[]> {
  if (hashes.length === 0) return Promise.resolve([]);
  const args = [
    '-C',
    repo.root,
    'diff-tree',
    '--stdin',
    '-r',
    '--root',
    '--raw',
    '--no-renames',
    // One header line per commit, even when its diff is empty.
    '--always',
    '--no-ext-diff',
    ...(options.includeMerges ? ['--diff-merges=first-parent'] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { env: gitEnvironment(), windowsHide: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const counts: number[] = [];
    let stderr = '';
    let rest = '';
    // A raw diff line starts with ':'; paths are quoted, so any other line is the next commit's header.
    const take = (text: string) => {
      const lines = (rest + text).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith(':')) {
          if (counts.length > 0) counts[counts.length - 1]! += 1;
        } else if (line !== '') {
          counts.push(0);
        }
      }
    };
    child.on('error', (error) => reject(gitError(error, COMMAND)));
    child.stdin.on('error', () => {});
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < STDERR_LIMIT) stderr += chunk;
    });
    child.stdout.setEncoding('utf8').on('data', take);
    child.on('close', (code, signal) => {
      take('\n');
      if (code !== 0) return reject(errors.gitFailed(COMMAND, stderr.trim() || `exited with ${signal ?? code}`));
      if (counts.length !== hashes.length) return reject(errors.gitFailed(COMMAND, stderr.trim() || `printed ${counts.length} of ${hashes.length} commits`));
      resolve(counts);
    });
    child.stdin.end(`${hashes.join('\n')}\n`);
  });
}
