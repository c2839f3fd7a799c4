// The Coherence API: the Hono app, the server around it, and the contribution stores behind it.
export * from './store/index.js';
export { openSqliteStore, SqliteStore, type SqliteStoreOptions, type TrackedCommits } from './store/sqlite.js';
export { SQLITE_MIGRATIONS, type Migration } from './store/sqlite-migrations.js';
export { openThreadedSqliteStore, ThreadedSqliteStore } from './store/sqlite-thread.js';
export { toStoreRow, type StoreRow } from './store/store-row.js';
export { openPostgresStore, PostgresStore, type PostgresStoreOptions } from './store/postgres.js';
export { POSTGRES_MIGRATIONS } from './store/postgres-migrations.js';
export { createApp, type AppOptions, type CoherenceApp } from './app.js';
export type { Logger } from './app-env.js';
export { startServer, isLoopbackHost, type ServerOptions, type RunningServer } from './server.js';
export { openStoreFromEnv, redactUrl, type StoreEnvironment } from './open-store.js';
export { parseApiKeys } from './access.js';
export { ApiError, ConfigError, type ErrorCode, type FieldError } from './errors.js';
export { MAX_BODY_BYTES } from './json-body.js';
export { MAX_BATCH_ITEMS } from './schemas/contribution-payload.js';
export { buildInsight, githubRepositoryUrl, DEFAULT_LATEST, DEFAULT_TOP, type Insight, type InsightSelection, type InsightOptions } from './insight/insight.js';
export { LOG_FORMATS, type LogFormat } from './observability/server-log.js';
