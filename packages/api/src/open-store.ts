// Choosing the store from the environment: PostgreSQL when DATABASE_URL is a postgres:// URL, the
// SQLite file otherwise. Both apply their migrations on open.

import { ConfigError } from './errors.js';
import type { ContributionStore } from './store/types.js';

export interface StoreEnvironment {
  /** The SQLite file, used when there is no database URL. */
  dbPath: string;
  /** DATABASE_URL: postgres:// or postgresql://. */
  databaseUrl?: string | undefined;
  /** COHERENCE_PG_POOL_SIZE: connections this process may hold (PostgreSQL). */
  poolSize?: string | undefined;
  /** COHERENCE_PG_STATEMENT_TIMEOUT_MS: the bound on every statement (PostgreSQL). */
  statementTimeoutMs?: string | undefined;
}

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;

export async function openStoreFromEnv(environment: StoreEnvironment): Promise<ContributionStore> {
  const url = environment.databaseUrl?.trim();
  if (url) {
    if (!POSTGRES_URL.test(url)) {
      throw new ConfigError('bad_database_url', `DATABASE_URL must be a postgres:// URL (got ${redactUrl(url)}); unset it to use the SQLite file`);
    }
    // Loaded on demand, so a SQLite server never loads pg (and the reverse).
    const { openPostgresStore } = await import('./store/postgres.js');
    const maxConnections = positiveInteger('COHERENCE_PG_POOL_SIZE', environment.poolSize);
    const statementTimeoutMs = positiveInteger('COHERENCE_PG_STATEMENT_TIMEOUT_MS', environment.statementTimeoutMs);
    return openPostgresStore({
      connectionString: url,
      ...(maxConnections === undefined ? {} : { maxConnections }),
      ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }),
    });
  }
  // On a thread of its own (with checkpoints on another), so the event loop never waits on the database.
  const { openThreadedSqliteStore } = await import('./store/sqlite-thread.js');
  return openThreadedSqliteStore(environment.dbPath);
}

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || number < 1 || !Number.isSafeInteger(number)) {
    throw new ConfigError('bad_database_setting', `${name} must be a whole number above 0 (got ${JSON.stringify(value)})`);
  }
  return number;
}

/** A database URL fit for messages: the password replaced. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}
