// Commits of named people for the store contract tests: one source file and its test each, an hour
// apart, optionally with a co-author; and the contributions `coherence track` would record for them.

import { contributionsForCommit, type ContributionRecord, type GitCommit } from '../../packages/core/src/index.js';
import { hashFor } from '../../packages/api/test/harness.js';

export interface Person {
  name: string;
  email: string;
}

let clock = Date.parse('2024-03-01T00:00:00Z');

export function personCommit(label: string, author: Person, options: { coAuthor?: Person; lines?: number } = {}): GitCommit {
  const date = new Date((clock += 3_600_000)).toISOString();
  return {
    hash: hashFor(label),
    parents: [],
    author: { ...author, date },
    committer: { ...author, date },
    subject: label,
    message: options.coAuthor ? `${label}\n\nCo-authored-by: ${options.coAuthor.name} <${options.coAuthor.email}>\n` : label,
    files: [
      { path: `src/${label}.ts`, linesAdded: options.lines ?? 20, linesDeleted: 2, binary: false },
      { path: `test/${label}.test.ts`, linesAdded: 5, linesDeleted: 0, binary: false },
    ],
  };
}

/** The contributions of the commits, in repository octo/hello. */
export const helloRecords = (...commits: GitCommit[]): ContributionRecord[] => commits.flatMap((each) => contributionsForCommit(each, 'octo/hello'));
