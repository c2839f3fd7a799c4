// The shapes every package shares: a commit as git reports it, and the contribution records built from it.

export interface Person {
  name: string;
  email: string;
}

export interface Signature extends Person {
  /** ISO 8601 with the original offset, exactly as git printed it. */
  date: string;
}

export interface FileChange {
  path: string;
  /** Set when git detected a rename or copy: the path before the change. */
  previousPath?: string;
  /** Lines added; 0 for binary files, whose line counts git does not report. */
  linesAdded: number;
  linesDeleted: number;
  binary: boolean;
}

export interface GitCommit {
  hash: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  subject: string;
  /** The full message, subject included. */
  message: string;
  files: FileChange[];
}

export type ContributionRole = 'author' | 'co-author';

/** A person credited for a commit, after mailmap, normalisation and bot filtering. */
export interface Contributor {
  name: string;
  /** Normalised: trimmed and lower-cased. */
  email: string;
  /** GitHub login, when the address is a GitHub noreply address. */
  login?: string;
}
