// The Coherence API and its contribution stores.
export * from './store/index.js';
export { openSqliteStore, SqliteStore, type SqliteStoreOptions, type TrackedCommits } from './store/sqlite.js';
export { SQLITE_MIGRATIONS, type Migration } from './store/sqlite-migrations.js';
