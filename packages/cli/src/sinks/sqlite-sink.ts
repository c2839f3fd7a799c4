// Writes contributions straight into a local SQLite file, in large transactions.

import type { ContributionRecord } from '@coherence/core';
import type { Backfill, SqliteStore } from '@coherence/api/sqlite';
import type { MergedPerson } from '@coherence/api/store';
import { errors } from '../errors.js';
import type { ContributionSink, SinkCounts } from './sink.js';

// 10,000-row transactions measured ~2× the rows/s of 1,000-row ones here (fewer WAL checkpoint stalls).
const SQLITE_TRANSACTION_ROWS = 10_000;
/**
 * Rows per write within a transaction. Each write holds the event loop (~15 ms for 500 rows); git's
 * readers stall once their pipes fill, so writing 10,000 rows at once cost a pause of both readers.
 */
const WRITE_ROWS = 500;

/**
 * A backfill's page cache: SQLite's own default, 2 MiB. Measured on 80,000 commits: the server's 32 MiB
 * cache let the process grow to 252 MB and took 45 s, 8 MiB 178 MB and 40 s, 2 MiB 128 MB and 36 s:
 * the resident size grew far past the cache itself, and the larger cache bought no speed.
 */
const BACKFILL_CACHE_KIB = 2 * 1024;

/** COHERENCE_BATCH_ROWS tunes the transaction size (smaller: less work lost to a kill; larger: faster). */
function transactionRows(): number {
  const configured = Number(process.env.COHERENCE_BATCH_ROWS);
  return Number.isSafeInteger(configured) && configured > 0 ? configured : SQLITE_TRANSACTION_ROWS;
}

export async function openSqliteSink(path: string): Promise<SqliteSink> {
  // Loaded on demand so bundles that only post (the Action) never carry the native driver.
  const { openSqliteStore } = await import('@coherence/api/sqlite');
  try {
    return new SqliteSink(openSqliteStore(path, { cacheKiB: BACKFILL_CACHE_KIB }), path);
  } catch (error) {
    throw errors.databaseUnwritable(path, describe(error));
  }
}

export class SqliteSink implements ContributionSink {
  readonly transactionRows = transactionRows();
  readonly batchSize = Math.min(WRITE_ROWS, this.transactionRows);
  readonly target: string;
  readonly #backfill: Backfill;
  #uncommittedRows = 0;

  constructor(readonly store: SqliteStore, path: string) {
    this.target = `sqlite:${path}`;
    this.#backfill = store.backfill();
  }

  async knownCommits(repository: string, settings: string): Promise<Set<string>> {
    return this.store.trackedCommits(repository, settings);
  }

  async mergedPeople(): Promise<MergedPerson[]> {
    return this.store.mergedPeople();
  }

  async write(
    records: readonly ContributionRecord[],
    batch: { repository: string; commits: readonly string[]; settings: string },
  ): Promise<SinkCounts> {
    try {
      const counts = this.#backfill.add(records, { repository: batch.repository, hashes: batch.commits, settings: batch.settings });
      // Batches are whole commits, so every commit point is a consistent place to resume from.
      this.#uncommittedRows += records.length;
      if (this.#uncommittedRows >= this.transactionRows) this.#commit();
      return { ...counts, pending: 0 };
    } catch (error) {
      throw errors.databaseUnwritable(this.store.path, describe(error));
    }
  }

  /** Commits what was written (a failed run keeps its whole batches, for the next run to skip). */
  async close(): Promise<void> {
    try {
      this.#commit();
    } catch (error) {
      throw errors.databaseUnwritable(this.store.path, describe(error));
    } finally {
      this.store.closeSync();
    }
  }

  #commit(): void {
    this.#uncommittedRows = 0;
    this.#backfill.commit();
  }
}

export function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^SqliteError:\s*/, '');
}
