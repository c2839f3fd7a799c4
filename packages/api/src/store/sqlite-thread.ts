// The SQLite store on a thread of its own, for the server. better-sqlite3 is synchronous: on the event
// loop a 1,000-row batch would hold up every other request for tens of milliseconds, and the request
// work (parsing, validation, core's rules) could not overlap the database's. Here it can. The dashboard's
// figures are read on a second thread with a read-only connection (WAL lets it read beside the writer), so
// folding every row (half a second per 100,000) never holds up a write.

import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { ContributionRecord, MergePlan, MergeRefusal, UnmergePlan } from '@coherence/core';
import type { IdentityOverview, MergedPerson, RescoreChunk, RescoreRequest } from './identities.js';
import { InvalidCursorError } from './cursor.js';
import { DatabaseUnavailableError, isDatabaseFault, type SerializedError } from './database-fault.js';
import type { GroupMember, SqliteStoreOptions } from './sqlite.js';
import type { InsightFigures, PoolStatus, RepositoryActivity } from './insight-types.js';
import { toStoreRow } from './store-row.js';
import { WriteGroups, type Settled, type WriteGroupStats } from './write-groups.js';
import type {
  ByIdOutcome,
  ContributionById,
  ContributionFilter,
  ContributionStore,
  IngestOutcome,
  IngestResult,
  Page,
  PageRequest,
  ReportGrouping,
  ReportRow,
  Stats,
  StoredAsset,
  StoredContribution,
  StoredContributor,
} from './types.js';

// Plain CommonJS, evaluated in the worker. It loads the built store (dist), as the server runs.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const describe = (error) => ({ name: error && error.name, message: error && error.message ? error.message : String(error), code: error && error.code });
import(pathToFileURL(workerData.module).href).then(({ openSqliteStore }) => {
  let store;
  try {
    store = openSqliteStore(workerData.path, workerData.options);
  } catch (error) {
    parentPort.postMessage({ id: 0, error: describe(error) });
    return;
  }
  parentPort.postMessage({ id: 0, value: null });
  parentPort.on('message', async ({ id, method, args }) => {
    try {
      parentPort.postMessage({ id, value: await store[method](...args) });
    } catch (error) {
      parentPort.postMessage({ id, error: describe(error) });
    }
    if (method === 'close') parentPort.close();
  });
}, (error) => parentPort.postMessage({ id: 0, error: describe(error) }));
`;

interface Reply {
  id: number;
  value?: unknown;
  error?: SerializedError;
}

// Writes of up to this many rows (single posts, small batches) are gathered into group commits while
// another write is on the thread; a larger batch is one transaction of many rows already, and goes alone.
const GROUPED_UP_TO = 64;
const GROUP_MAX_ROWS = 1_000;

/** The writer's connection; the background checkpointer moves WAL checkpoints off it. */
const WRITER_OPTIONS: SqliteStoreOptions = { backgroundCheckpoints: true };
/** The dashboard's reader: it keeps its folds, and needs less page cache than the writer. */
const READER_OPTIONS: SqliteStoreOptions = { readonly: true, keepInsightFolds: true, cacheKiB: 8 * 1024 };

/** Opens the SQLite file (applying migrations) on a new thread, then its reader; resolves once both are ready. */
export async function openThreadedSqliteStore(path: string): Promise<ThreadedSqliteStore> {
  const store = new ThreadedSqliteStore(path);
  try {
    await store.ready;
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return store;
}

/** One store on one worker thread: calls go in order, each answered by the store's own method. */
class StoreThread {
  readonly ready: Promise<void>;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  #stopped: Error | undefined;
  #closed: Promise<void> | undefined;

  constructor(path: string, options: SqliteStoreOptions) {
    // The package's own built store module, found the way Node finds it (the "default" export condition).
    const module = createRequire(import.meta.url).resolve('@coherence/api/sqlite');
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, module, options } });
    this.ready = new Promise((resolve, reject) => this.#pending.set(0, { resolve: () => resolve(), reject }));
    this.#worker.on('message', (reply: Reply) => this.#settle(reply));
    this.#worker.on('error', (error) => this.#stop(error));
    this.#worker.on('exit', () => this.#stop(new Error('the database thread has stopped')));
  }

  /** Calls outstanding, the opening excluded. */
  get outstanding(): number {
    return this.#pending.size - (this.#pending.has(0) ? 1 : 0);
  }

  call<T>(method: string, ...args: unknown[]): Promise<T> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ id, method, args });
    });
  }

  /** Closes the database (a last checkpoint included) and ends the thread. */
  close(): Promise<void> {
    return (this.#closed ??= (async () => {
      if (!this.#stopped) {
        const exited = once(this.#worker, 'exit');
        await this.call('close').catch(() => {});
        await exited.catch(() => {});
      }
      this.#stop(new Error('the store is closed'));
    })());
  }

  #settle(reply: Reply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.error) pending.reject(toError(reply.error));
    else pending.resolve(reply.value);
  }

  #stop(reason: Error): void {
    this.#stopped ??= reason;
    for (const { reject } of this.#pending.values()) reject(this.#stopped);
    this.#pending.clear();
  }
}

export class ThreadedSqliteStore implements ContributionStore {
  readonly dialect = 'sqlite' as const;
  readonly ready: Promise<void>;
  readonly #writer: StoreThread;
  /** Opened once the writer has migrated the file (a read-only connection cannot). */
  #reader: StoreThread | undefined;
  #closed: Promise<void> | undefined;
  readonly #groups = new WriteGroups<GroupMember, IngestOutcome[] | IngestResult[]>(
    async (members) => {
      const outcomes = await this.#call<Array<Settled<IngestOutcome[] | IngestResult[], SerializedError>>>('storeGroup', members);
      return outcomes.map((outcome) => (outcome.ok ? outcome : { ok: false, error: toError(outcome.error) }));
    },
    // One group on the thread at a time: what arrives meanwhile is the next group.
    { maxItems: GROUP_MAX_ROWS, concurrency: 1 },
  );
  /** Group-commit counters (a plain property, so that it reads the same through a proxy). */
  readonly writeGroups: WriteGroupStats = this.#groups.stats;

  constructor(readonly path: string) {
    this.#writer = new StoreThread(path, WRITER_OPTIONS);
    this.ready = this.#writer.ready.then(() => {
      if (this.#closed) return;
      this.#reader = new StoreThread(path, READER_OPTIONS);
      return this.#reader.ready;
    });
  }


  ingest(records: readonly ContributionRecord[]): Promise<IngestOutcome[]> {
    const rows = records.map(toStoreRow);
    if (rows.length > GROUPED_UP_TO) return this.#call('storeRowsReadBack', rows);
    return this.#groups.submit({ rows, full: true }, rows.length) as Promise<IngestOutcome[]>;
  }

  ingestIds(records: readonly ContributionRecord[]): Promise<IngestResult[]> {
    const rows = records.map(toStoreRow);
    if (rows.length > GROUPED_UP_TO) return this.#call('storeRows', rows);
    return this.#groups.submit({ rows, full: false }, rows.length) as Promise<IngestResult[]>;
  }

  createById(input: ContributionById): Promise<ByIdOutcome> {
    return this.#call('createById', input);
  }

  getContributor(id: string): Promise<StoredContributor | undefined> {
    return this.#call('getContributor', id);
  }

  listContributors(page: PageRequest): Promise<Page<StoredContributor>> {
    return this.#call('listContributors', page);
  }

  getAsset(id: string): Promise<StoredAsset | undefined> {
    return this.#call('getAsset', id);
  }

  listAssets(page: PageRequest): Promise<Page<StoredAsset>> {
    return this.#call('listAssets', page);
  }

  listContributions(filter: ContributionFilter, page: PageRequest): Promise<Page<StoredContribution>> {
    return this.#call('listContributions', filter, page);
  }

  contributionsForCommit(commitHash: string): Promise<StoredContribution[]> {
    return this.#call('contributionsForCommit', commitHash);
  }

  report(filter: ContributionFilter, by: ReportGrouping): Promise<ReportRow[]> {
    return this.#call('report', filter, by);
  }

  stats(filter: ContributionFilter, top?: number): Promise<Stats> {
    return this.#call('stats', filter, top);
  }

  insight(filter: ContributionFilter, latest: number): Promise<InsightFigures> {
    return this.#read('insight', filter, latest);
  }

  /** The reader's: every commit is another connection's to it, so its data_version moves with each. */
  dataVersion(): Promise<string> {
    return this.#read('dataVersion');
  }

  repositoryActivity(): Promise<RepositoryActivity[]> {
    return this.#call('repositoryActivity');
  }

  /** The writer's thread is a pool of one: busy while calls are outstanding, the rest of them waiting. */
  poolStatus(): PoolStatus[] {
    const outstanding = this.#writer.outstanding;
    return [{ name: 'sqlite', total: 1, idle: outstanding === 0 ? 1 : 0, waiting: Math.max(0, outstanding - 1) }];
  }

  identities(): Promise<IdentityOverview> {
    return this.#call('identities');
  }

  mergedPeople(): Promise<MergedPerson[]> {
    return this.#call('mergedPeople');
  }

  mergeIdentities(primary: string, aliases: readonly string[]): Promise<MergePlan | MergeRefusal> {
    return this.#call('mergeIdentities', primary, aliases);
  }

  unmergeIdentities(aliases: readonly string[]): Promise<UnmergePlan | MergeRefusal> {
    return this.#call('unmergeIdentities', aliases);
  }

  rescore(request: RescoreRequest): Promise<RescoreChunk> {
    return this.#call('rescore', request);
  }

  schemaVersion(): Promise<number> {
    return this.#call('schemaVersion');
  }

  ping(): Promise<void> {
    return this.#call('ping');
  }

  /** Closes the reader, then the database (a last checkpoint included), and ends both threads. */
  close(): Promise<void> {
    return (this.#closed ??= (async () => {
      await this.#reader?.close();
      await this.#writer.close();
    })());
  }

  #call<T>(method: string, ...args: unknown[]): Promise<T> {
    return this.#writer.call<T>(method, ...args);
  }

  #read<T>(method: string, ...args: unknown[]): Promise<T> {
    if (!this.#reader) return Promise.reject(new Error(this.#closed ? 'the store is closed' : 'the store is not open yet'));
    return this.#reader.call<T>(method, ...args);
  }
}

/** The store's own errors keep their type across the thread boundary; the error handler relies on it. */
function toError(error: SerializedError): Error {
  if (error.name === 'InvalidCursorError') return new InvalidCursorError();
  const plain = Object.assign(new Error(error.message), { name: error.name ?? 'Error', code: error.code });
  return isDatabaseFault(plain) ? new DatabaseUnavailableError(error.message, { cause: plain }) : plain;
}
