// The shared test helper for building real git repositories: import everything from here.

export { createFixture, DEFAULT_AUTHOR, GitFixture, runFixtureGit } from './fixture-repository.js';
export type { CommitSpec, FileContent, Identity, MergeSpec } from './fixture-repository.js';
export { buildStandardRepo, ODD_PATHS, STANDARD_MAILMAP, STANDARD_PEOPLE } from './standard-repo.js';
export type { StandardCommit, StandardRepo } from './standard-repo.js';
export { buildLongHistory } from './long-history.js';
export type { LongHistoryOptions } from './long-history.js';
export { gitNumstatTotals } from './numstat-totals.js';
export type { NumstatTotals } from './numstat-totals.js';
