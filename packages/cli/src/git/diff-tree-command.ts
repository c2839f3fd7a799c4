// The one git invocation LogStreamParser understands: a header and numstat for each commit named on stdin.

import { LOG_FORMAT } from './parse-log.js';

/**
 * Arguments for `git diff-tree --stdin`: it prints exactly what `git log --no-walk --numstat` would for
 * each hash, but reads its input as it goes, so one long-lived process can be handed work in batches.
 */
export function diffTreeArgs(root: string, options: { includeMerges: boolean }): string[] {
  return [
    '-C',
    root,
    // Settings a user's config could change and the parser depends on.
    '-c',
    'core.quotepath=off',
    '-c',
    'i18n.logOutputEncoding=UTF-8',
    // Line counts differ between diff algorithms; the same history must give the same figures everywhere.
    '-c',
    'diff.algorithm=myers',
    'diff-tree',
    '--stdin',
    // A commit whose diff is empty (or all excluded by git) still gets its header.
    '--always',
    '-z',
    '--numstat',
    '-M',
    // Root commits show their full contents, as git log does.
    '--root',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    `--format=${LOG_FORMAT}`,
    ...(options.includeMerges ? ['--diff-merges=first-parent'] : []),
  ];
}
