// Per-commit file and line totals straight from git, for tests to check our parser against.

import { runFixtureGit } from './fixture-repository.js';

export interface NumstatTotals {
  files: number;
  added: number;
  deleted: number;
  binary: number;
}

/**
 * Totals from `git log --numstat -M` in its line format rather than -z: every file is exactly one line
 * (renames as "old => new", odd names quoted), so counting needs no knowledge of -z framing and shares
 * nothing with the parser under test. `args` selects the commits, e.g. ['--no-merges', 'main'].
 */
export function gitNumstatTotals(dir: string, args: string[] = []): Map<string, NumstatTotals> {
  const output = runFixtureGit(dir, ['log', '--numstat', '-M', '--root', '--format=%x01%H', ...args]);
  const totals = new Map<string, NumstatTotals>();
  let current: NumstatTotals | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith('\x01')) {
      current = { files: 0, added: 0, deleted: 0, binary: 0 };
      totals.set(line.slice(1), current);
      continue;
    }
    const entry = /^(\d+|-)\t(\d+|-)\t/.exec(line);
    if (!entry || !current) continue;
    current.files += 1;
    if (entry[1] === '-') current.binary += 1;
    else {
      current.added += Number(entry[1]);
      current.deleted += Number(entry[2]);
    }
  }
  return totals;
}
