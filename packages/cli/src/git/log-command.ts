// The one `git log` invocation LogStreamParser understands: numstat for the commits listed on stdin.

import { LOG_FORMAT } from './parse-log.js';

/** Arguments for `git`, reading commit hashes from stdin and printing them in the order given. */
export function logCommandArgs(root: string, options: { includeMerges: boolean }): string[] {
  return [
    '-C',
    root,
    // Settings a user's config could change and the parser depends on.
    '-c',
    'core.quotepath=off',
    '-c',
    'log.showSignature=false',
    '-c',
    'i18n.logOutputEncoding=UTF-8',
    // Line counts differ between diff algorithms; the same history must give the same figures everywhere.
    '-c',
    'diff.algorithm=myers',
    'log',
    '--no-walk=unsorted',
    '--stdin',
    '-z',
    '--numstat',
    '-M',
    // Root commits show their full contents even when log.showRoot=false.
    '--root',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    `--format=${LOG_FORMAT}`,
    ...(options.includeMerges ? ['--diff-merges=first-parent'] : []),
  ];
}
