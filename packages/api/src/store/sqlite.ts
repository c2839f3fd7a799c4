// The SQLite contribution store (better-sqlite3): the embedded default for the CLI and the API.
// Writes are synchronous and batched in transactions; WAL keeps readers unblocked while a backfill writes.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ContributionRecord, MergePlan, MergeRefusal, UnmergePlan } from '@coherence/core';
import { decodePageCursor, paginate } from './cursor.js';
import { commitLookup } from './commit-lookup.js';
import { assetId as derivedAssetId, contributionId, contributorId as derivedContributorId } from './ids.js';
import { incomingNameIsNewer, newestNamePerPerson } from './contributor-name.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import type { InsightFigures, RepositoryActivity } from './insight-types.js';
import { InsightFolds, sqliteInsight, sqliteRepositoryActivity } from './sqlite-insight.js';
import { IDENTITY_LINKS_JOIN, personContributorIds, personReportSql, type IdentityOverview, type MergedPerson, type RescoreChunk, type RescoreRequest } from './identities.js';
import { ensureIdentityLinksReadable, mergeIdentities, readIdentities, readMergedPeople, unmergeIdentities } from './sqlite-identities.js';
import { rescoreChunk } from './sqlite-rescore.js';
import { hasTable, INSIGHT_EPOCH_VERSION, SQLITE_MIGRATIONS, type Migration } from './sqlite-migrations.js';
import { meanHundredths, numberOr, toStoreRow, type StoreRow } from './store-row.js';
import { serializeError, type SerializedError } from './database-fault.js';
import type { Settled } from './write-groups.js';
import {
  CONTRIBUTION_COLUMNS,
  CONTRIBUTION_FROM,
  toStoredAsset,
  toStoredContribution,
  toStoredContributor,
  type AssetRow,
  type ContributionRow,
} from './stored-rows.js';
import {
  REPOSITORY_ASSET,
  type ByIdOutcome,
  type ContributionById,
  type ContributionFilter,
  type ContributionStore,
  type IngestCounts,
  type IngestOutcome,
  type IngestResult,
  type Page,
  type PageRequest,
  type ReportGrouping,
  type ReportRow,
  type Stats,
  type StoredAsset,
  type StoredContribution,
  type StoredContributor,
} from './types.js';

export interface SqliteStoreOptions {
  /** Open for reading only; the file must exist. */
  readonly?: boolean;
  migrations?: readonly Migration[];
  /**
   * Checkpoint the WAL from a worker thread instead of inside commits (for a long-running server, where
   * a commit that happens to checkpoint would stall every request behind it).
   */
  backgroundCheckpoints?: boolean;
  /** With background checkpoints: the WAL length at which it starts over (64 MiB). */
  walRestartBytes?: number;
  /** Page cache in KiB (SERVER_CACHE_KIB unless given). */
  cacheKiB?: number;
  /**
   * Keep the dashboard's folds on a read-only store too (the server's reader thread), where the file's
   * schema has their epoch; a read-only store otherwise computes each answer afresh.
   */
  keepInsightFolds?: boolean;
}

/**
 * The server's page cache: 32 MiB (SQLite's default is 2 MiB). A 1,000-row batch touches more index
 * pages than that, and pages spilled mid-transaction are written twice.
 */
export const SERVER_CACHE_KIB = 32 * 1024;

// New files get 16 KiB pages: a backfill dirties pages all over the unique-key index (commit hashes are
// random), and in 10,000-row batches 16 KiB pages measured ~1.3× the rows/s of 4 KiB ones. Larger
// pages gained little more and tripled the p99 of single writes (each commit writes whole pages).
const PAGE_SIZE = 16_384;
// With background checkpoints, a commit still checkpoints if the WAL ever grows past 1 GiB: a last
// resort, since that commit then copies the whole WAL while every request waits. At 128 MiB a burst of
// batches (50,000 rows write ~300 MiB of WAL) crossed it, and single posts behind it waited 1.1 s.
const WAL_BACKSTOP_PAGES = (1024 * 1024 * 1024) / PAGE_SIZE;
// With background checkpoints the WAL starts over once it holds this much (sqlite-checkpointer.ts).
const WAL_RESTART_BYTES = 64 * 1024 * 1024;

/** A write transaction held open across batches; see SqliteStore.backfill(). */
export interface Backfill {
  /** Stores records and marks their commits read; opens the transaction if none is open. */
  add(records: readonly ContributionRecord[], tracked: TrackedCommits): IngestCounts;
  /** Commits what was added since the last commit (nothing to do if nothing was). */
  commit(): void;
  rollback(): void;
}

/** The commits of one batch that a backfill read, so a later run can skip them. */
export interface TrackedCommits {
  repository: string;
  hashes: readonly string[];
  settings: string;
}

export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  return new SqliteStore(path, options);
}

export class SqliteStore implements ContributionStore {
  readonly dialect = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #contributorIdCache = new Map<string, string>();
  /** Per person, the newest (commit time, name) this store has written or seen written: older ones need no upsert. */
  readonly #contributorNames = new Map<string, string>();
  readonly #assetIds = new Map<string, string>();
  readonly #statements;
  readonly #checkpointer: SqliteCheckpointer | undefined;
  readonly #insightFolds: InsightFolds | undefined;

  constructor(readonly path: string, options: SqliteStoreOptions = {}) {
    if (!options.readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    this.#db.pragma('busy_timeout = 10000');
    this.#db.pragma(`cache_size = -${Math.max(1, Math.floor(options.cacheKiB ?? SERVER_CACHE_KIB))}`);
    if (options.readonly) {
      assertSchemaPresent(this.#db);
      ensureIdentityLinksReadable(this.#db);
    } else {
      // Only takes effect on a new, empty file (before WAL mode is set).
      this.#db.pragma(`page_size = ${PAGE_SIZE}`);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = NORMAL');
      this.#db.pragma('foreign_keys = ON');
      migrate(this.#db, options.migrations ?? SQLITE_MIGRATIONS);
    }
    this.#statements = options.readonly ? undefined : prepareWrites(this.#db);
    // Folds need the epoch (migration 8). A read-only store may be at an older schema, and asks once
    // anyway, unless it is the server's reader.
    const epoch = options.readonly
      ? options.keepInsightFolds === true && hasTable(this.#db, 'insight_epoch')
      : (options.migrations ?? SQLITE_MIGRATIONS).some((migration) => migration.version === INSIGHT_EPOCH_VERSION);
    this.#insightFolds = epoch ? new InsightFolds() : undefined;
    if (options.backgroundCheckpoints && !options.readonly && path !== ':memory:') {
      this.#db.pragma(`wal_autocheckpoint = ${WAL_BACKSTOP_PAGES}`);
      this.#checkpointer = new SqliteCheckpointer(path, options.walRestartBytes ?? WAL_RESTART_BYTES);
      this.#db.pragma(`journal_size_limit = ${this.#checkpointer.walFileLimit}`);
    }
  }

  /** The schema version this file is at. */
  schemaVersion(): number {
    const row = this.#db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
    return row.version ?? 0;
  }

  /**
   * The CLI's fast path: rows go in as they are read, inside one transaction the caller commits at a
   * whole-commit boundary. The event loop is free between additions (git's pipes keep draining), and
   * nothing waits in memory for a batch to fill; an interrupted backfill loses only the open transaction.
   */
  backfill(): Backfill {
    let batch: WriteBatch | undefined;
    const close = (end: (open: WriteBatch) => void) => {
      const open = batch;
      if (open === undefined) return;
      batch = undefined;
      end(open);
    };
    return {
      add: (records, tracked) => {
        if (batch === undefined) {
          this.#writes.begin.run();
          batch = this.#batch();
        }
        try {
          return this.#ingest(records, tracked, batch);
        } catch (error) {
          close(() => this.#rollback());
          throw error;
        }
      },
      commit: () =>
        close((open) => {
          try {
            this.#addTotals(open);
            this.#writes.commit.run();
          } catch (error) {
            this.#rollback();
            throw error;
          }
        }),
      rollback: () => close(() => this.#rollback()),
    };
  }

  #ingest(records: readonly ContributionRecord[], tracked: TrackedCommits, batch: WriteBatch): IngestCounts {
    const counts: IngestCounts = { created: 0, duplicates: 0 };
    for (const result of this.#writeRows(records.map(toStoreRow), batch)) {
      if (result.status === 'created') counts.created += 1;
      else counts.duplicates += 1;
    }
    const assetId = this.#assetId(tracked.repository, batch.createdAt);
    for (const hash of tracked.hashes) this.#writes.trackCommit.run(assetId, hash, tracked.settings);
    return counts;
  }

  /** Hashes of the repository's commits already read under these settings. */
  trackedCommits(repository: string, settings: string): Set<string> {
    const rows = this.#db
      .prepare(
        `SELECT t.commit_hash FROM tracked_commits t JOIN assets a ON a.id = t.asset_id
         WHERE a.asset_type = ? AND a.name = ? AND t.settings = ?`,
      )
      .pluck()
      .all(REPOSITORY_ASSET, repository, settings) as string[];
    return new Set(rows);
  }

  async ingest(records: readonly ContributionRecord[]): Promise<IngestOutcome[]> {
    return this.storeRowsReadBack(records.map(toStoreRow));
  }

  async ingestIds(records: readonly ContributionRecord[]): Promise<IngestResult[]> {
    return this.storeRows(records.map(toStoreRow));
  }

  /** ingestIds for rows already flattened (what the SQLite thread receives). */
  storeRows(rows: readonly StoreRow[]): IngestResult[] {
    return this.#inBatch((batch) => this.#writeRows(rows, batch));
  }

  /** ingest for rows already flattened: each outcome with the stored contribution. */
  storeRowsReadBack(rows: readonly StoreRow[]): IngestOutcome[] {
    return this.#inBatch((batch) => this.#readBack(this.#writeRows(rows, batch)));
  }

  /**
   * Group commit (the server's writes, gathered on the SQLite thread while one is in flight): every
   * member in one transaction. If that fails, each member runs in a transaction of its own, so a member
   * the database refuses fails alone. Errors come back as plain values, to cross the thread boundary.
   */
  storeGroup(members: readonly GroupMember[]): Array<Settled<IngestOutcome[] | IngestResult[], SerializedError>> {
    const write = (member: GroupMember, batch: WriteBatch) => {
      const results = this.#writeRows(member.rows, batch);
      return member.full ? this.#readBack(results) : results;
    };
    if (members.length > 1) {
      try {
        return this.#inBatch((batch) => members.map((member) => ({ ok: true as const, value: write(member, batch) })));
      } catch {
        // One member at a time, below.
      }
    }
    return members.map((member) => {
      try {
        return { ok: true as const, value: this.#inBatch((batch) => write(member, batch)) };
      } catch (error) {
        return { ok: false as const, error: serializeError(error) };
      }
    });
  }

  #writeRows(rows: readonly StoreRow[], batch: WriteBatch): IngestResult[] {
    const people = this.#contributorIds(rows, batch.createdAt);
    return rows.map((row) => this.#write(row, people.get(row.email)!, batch));
  }

  #readBack(results: readonly IngestResult[]): IngestOutcome[] {
    return results.map(({ status, id }) => ({ status, contribution: this.#contributionById(id)! }));
  }

  async createById(input: ContributionById): Promise<ByIdOutcome> {
    return this.#transaction((): ByIdOutcome => {
      if (!this.#db.prepare('SELECT 1 FROM contributors WHERE id = ?').get(input.contributor_id)) return { status: 'unknown_contributor' };
      if (!this.#db.prepare('SELECT 1 FROM assets WHERE id = ?').get(input.asset_id)) return { status: 'unknown_asset' };
      const id = contributionId({ assetId: input.asset_id, commitHash: input.commit_hash, contributorId: input.contributor_id }, input.timestamp);
      const meta = input.meta;
      const changes = this.#writes.insertContribution.run(
        id,
        input.contributor_id,
        input.asset_id,
        input.commit_hash,
        typeof meta.role === 'string' ? meta.role : 'author',
        input.cost_cents,
        input.coherence_score,
        numberOr(meta.files_changed, 0),
        numberOr(meta.lines_added, 0),
        numberOr(meta.lines_deleted, 0),
        input.timestamp,
        new Date().toISOString(),
        JSON.stringify(meta),
      ).changes;
      if (changes === 1) {
        this.#writes.addToTotal.run(input.cost_cents, input.asset_id);
        return { status: 'created', contribution: this.#contributionById(id)! };
      }
      const existing = this.#db
        .prepare(`SELECT ${CONTRIBUTION_COLUMNS} FROM ${CONTRIBUTION_FROM} WHERE c.asset_id = ? AND c.commit_hash = ? AND c.contributor_id = ?`)
        .get(input.asset_id, input.commit_hash, input.contributor_id) as ContributionRow<string>;
      return { status: 'duplicate', contribution: toContribution(existing) };
    });
  }

  async getContributor(id: string): Promise<StoredContributor | undefined> {
    const row = this.#db.prepare(`SELECT ${CONTRIBUTOR_COLUMNS} FROM contributors p ${IDENTITY_LINKS_JOIN} WHERE p.id = ?`).get(id) as
      | RawContributor
      | undefined;
    return row && toContributor(row);
  }

  /** One entry per person: addresses merged into another are listed under it (`aliases`), not on their own. */
  async listContributors(page: PageRequest): Promise<Page<StoredContributor>> {
    const after = page.cursor === undefined ? undefined : decodePageCursor(page.cursor);
    const rows = this.#db
      .prepare(
        `SELECT ${CONTRIBUTOR_COLUMNS} FROM contributors p ${IDENTITY_LINKS_JOIN}
         WHERE l.alias_email IS NULL ${after ? 'AND (p.created_at, p.id) > (@sortKey, @id)' : ''}
         ORDER BY p.created_at, p.id LIMIT @limit`,
      )
      .all({ ...after, limit: page.limit + 1 }) as RawContributor[];
    return paginate(rows.map(toContributor), page.limit, (row) => ({ sortKey: row.created_at, id: row.id }));
  }

  async getAsset(id: string): Promise<StoredAsset | undefined> {
    const row = this.#db.prepare('SELECT * FROM assets WHERE id = ?').get(id) as AssetRow<string> | undefined;
    return row && toAsset(row);
  }

  async listAssets(page: PageRequest): Promise<Page<StoredAsset>> {
    const after = page.cursor === undefined ? undefined : decodePageCursor(page.cursor);
    const rows = this.#db
      .prepare(`SELECT * FROM assets ${after ? 'WHERE (created_at, id) > (@sortKey, @id)' : ''} ORDER BY created_at, id LIMIT @limit`)
      .all({ ...after, limit: page.limit + 1 }) as AssetRow<string>[];
    return paginate(rows.map(toAsset), page.limit, (row) => ({ sortKey: row.created_at, id: row.id }));
  }

  async listContributions(filter: ContributionFilter, page: PageRequest): Promise<Page<StoredContribution>> {
    const { where, params } = filterClause(filter);
    const after = page.cursor === undefined ? undefined : decodePageCursor(page.cursor);
    if (after) where.push('(c.timestamp, c.id) > (@afterKey, @afterId)');
    const rows = this.#db
      .prepare(
        `SELECT ${CONTRIBUTION_COLUMNS} FROM ${CONTRIBUTION_FROM}
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.timestamp, c.id LIMIT @limit`,
      )
      .all({ ...params, afterKey: after?.sortKey, afterId: after?.id, limit: page.limit + 1 }) as ContributionRow<string>[];
    return paginate(rows.map(toContribution), page.limit, (row) => ({ sortKey: row.timestamp, id: row.id }));
  }

  async contributionsForCommit(commitHash: string): Promise<StoredContribution[]> {
    // Probes the unique (asset, commit, contributor) key per asset; there is no index on the hash alone.
    const lookup = commitLookup(commitHash);
    const perAsset = `SELECT ${CONTRIBUTION_COLUMNS}, c.role FROM ${CONTRIBUTION_FROM} WHERE c.asset_id IN (SELECT id FROM assets)`;
    const rows = this.#db
      .prepare(
        `${perAsset} AND c.commit_hash >= @from AND c.commit_hash < @to
         UNION ALL ${perAsset} AND c.commit_hash IN (SELECT value FROM json_each(@shorter))
         ORDER BY repository, commit_hash, role, contributor_email`,
      )
      .all({ from: lookup.from, to: lookup.to, shorter: JSON.stringify(lookup.shorter) }) as ContributionRow<string>[];
    return rows.map(toContribution);
  }

  async report(filter: ContributionFilter, by: ReportGrouping): Promise<ReportRow[]> {
    return this.reportSync(filter, by);
  }

  /** Aggregates per group; per-commit figures are counted once per commit, however many people share it. */
  reportSync(filter: ContributionFilter, by: ReportGrouping, limit?: number): ReportRow[] {
    const { where, params } = filterClause(filter);
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    let sql: string;
    if (by === 'contributor') {
      sql = personReportSql(whereSql, 'CAST(ROUND(c.coherence_score * 100) AS INTEGER)', 'cost_cents DESC, commits DESC, key');
    } else {
      const key = {
        day: 'substr(c.timestamp, 1, 10)',
        week: `date(substr(c.timestamp, 1, 10), '-' || ((CAST(strftime('%w', substr(c.timestamp, 1, 10)) AS INTEGER) + 6) % 7) || ' days')`,
        month: 'substr(c.timestamp, 1, 7)',
        repository: 'a.name',
      }[by];
      const order = by === 'repository' ? 'cost_cents DESC, commits DESC, key' : 'key';
      sql = `SELECT key, key AS name, COUNT(*) AS commits, SUM(people) AS contributions, SUM(lines_added) AS lines_added,
               SUM(lines_deleted) AS lines_deleted, SUM(files_changed) AS files_changed, SUM(cost_cents) AS cost_cents,
               SUM(score) AS score_sum
             FROM (
               SELECT ${key} AS key, COUNT(*) AS people, MAX(c.lines_added) AS lines_added, MAX(c.lines_deleted) AS lines_deleted,
                 MAX(c.files_changed) AS files_changed, SUM(c.cost_cents) AS cost_cents,
                 MAX(CAST(ROUND(c.coherence_score * 100) AS INTEGER)) AS score
               FROM ${CONTRIBUTION_FROM} ${whereSql}
               GROUP BY key, c.asset_id, c.commit_hash
             ) GROUP BY key ORDER BY ${order}`;
    }
    if (limit !== undefined) sql += ` LIMIT ${Math.trunc(limit)}`;
    const rows = this.#db.prepare(sql).all(params) as Array<Omit<ReportRow, 'mean_coherence'> & { score_sum: number }>;
    return rows.map(({ score_sum, ...row }) => ({ ...row, mean_coherence: meanHundredths(score_sum, row.commits) }));
  }

  async stats(filter: ContributionFilter, top = 10): Promise<Stats> {
    const perDay = this.reportSync(filter, 'day');
    return {
      per_day: perDay.map((row) => ({ day: row.key, commits: row.commits, contributions: row.contributions, cost_cents: row.cost_cents })),
      top_contributors: this.reportSync(filter, 'contributor', top),
    };
  }

  async insight(filter: ContributionFilter, latest: number): Promise<InsightFigures> {
    return this.#insightFolds ? this.#insightFolds.figures(this.#db, filter, latest) : sqliteInsight(this.#db, filter, latest);
  }

  async repositoryActivity(): Promise<RepositoryActivity[]> {
    return sqliteRepositoryActivity(this.#db);
  }

  /**
   * data_version moves when another connection commits (another process, the CLI); total_changes()
   * counts this connection's own changed rows, those made by triggers included. Both only grow while
   * the connection is open, and a cache keyed on them lives no longer than the connection.
   */
  async dataVersion(): Promise<string> {
    return `${this.#db.pragma('data_version', { simple: true })}.${this.#db.prepare('SELECT total_changes()').pluck().get()}`;
  }

  async identities(): Promise<IdentityOverview> {
    return readIdentities(this.#db);
  }

  async mergedPeople(): Promise<MergedPerson[]> {
    return readMergedPeople(this.#db);
  }

  async mergeIdentities(primary: string, aliases: readonly string[]): Promise<MergePlan | MergeRefusal> {
    return mergeIdentities(this.#writable(), primary, aliases);
  }

  async unmergeIdentities(aliases: readonly string[]): Promise<UnmergePlan | MergeRefusal> {
    return unmergeIdentities(this.#writable(), aliases);
  }

  async rescore(request: RescoreRequest): Promise<RescoreChunk> {
    return rescoreChunk(this.#writable(), request);
  }

  async ping(): Promise<void> {
    this.#db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.#checkpointer?.stop();
    this.closeSync();
  }

  closeSync(): void {
    this.#checkpointer?.terminate();
    if (this.#db.open) this.#db.close();
  }

  /**
   * An IMMEDIATE transaction (the write lock up front, so concurrent writers queue instead of failing).
   * Ids cached during a transaction that rolls back may name rows that no longer exist, so the caches go too.
   */
  #transaction<T>(work: () => T): T {
    const { begin, commit } = this.#writes;
    begin.run();
    let result: T;
    try {
      result = work();
      commit.run();
    } catch (error) {
      this.#rollback();
      throw error;
    }
    // After the try: the commit stands whatever happens here.
    this.#checkpointer?.afterCommit(this.#db);
    return result;
  }

  #rollback(): void {
    if (this.#db.inTransaction) this.#writes.rollback.run();
    this.#contributorIdCache.clear();
    this.#contributorNames.clear();
    this.#assetIds.clear();
  }

  /** The connection, for writes other than the prepared ones; refused on a read-only store. */
  #writable(): Database.Database {
    if (!this.#statements) throw new Error('this store was opened read-only');
    return this.#db;
  }

  get #writes() {
    if (!this.#statements) throw new Error('this store was opened read-only');
    return this.#statements;
  }

  /**
   * Per-transaction state: one creation time, and the cost each asset gained (written once, at the end;
   * updates and deletes of contributions move the totals through triggers, migration 4).
   */
  #batch(): WriteBatch {
    return { createdAt: new Date().toISOString(), addedCents: new Map() };
  }

  /** A write transaction of rows, the totals they add written at its end. */
  #inBatch<T>(work: (batch: WriteBatch) => T): T {
    return this.#transaction(() => {
      const batch = this.#batch();
      const result = work(batch);
      this.#addTotals(batch);
      return result;
    });
  }

  /** assets.total_cost gains what this transaction created, inside the same transaction. */
  #addTotals(batch: WriteBatch): void {
    for (const [assetId, cents] of batch.addedCents) this.#writes.addToTotal.run(cents, assetId);
  }

  #write(row: StoreRow, contributorId: string, batch: WriteBatch): IngestResult {
    const assetId = this.#assetId(row.repository, batch.createdAt);
    const id = contributionId({ assetId, commitHash: row.commitHash, contributorId }, row.timestamp);
    const inserted = this.#writes.insertContribution.run(
      id,
      contributorId,
      assetId,
      row.commitHash,
      row.role,
      row.costCents,
      row.coherence,
      row.filesChanged,
      row.linesAdded,
      row.linesDeleted,
      row.timestamp,
      batch.createdAt,
      row.metaJson,
    );
    if (inserted.changes === 1) {
      batch.addedCents.set(assetId, (batch.addedCents.get(assetId) ?? 0) + row.costCents);
      return { status: 'created', id };
    }
    const existing = this.#writes.findContribution.get(assetId, row.commitHash, contributorId) as string;
    return { status: 'duplicate', id: existing };
  }

  /**
   * The id of every person in `rows`, creating those who are new. Only a person's newest (commit time,
   * name) in the rows can change their stored name, so each person is written at most once per call,
   * and not at all when this store has already written or seen a newer name.
   */
  #contributorIds(rows: readonly StoreRow[], createdAt: string): Map<string, string> {
    const ids = new Map<string, string>();
    for (const [email, { row, nameAt, nameKey }] of newestNamePerPerson(rows, (row) => row)) {
      const cached = this.#contributorIdCache.get(email);
      if (cached === undefined || nameKey > this.#contributorNames.get(email)!) {
        const meta = JSON.stringify(row.login === undefined ? {} : { login: row.login });
        this.#writes.upsertContributor.run(derivedContributorId(email), row.name, email, createdAt, meta, nameAt);
        this.#contributorNames.set(email, nameKey);
      }
      const id = cached ?? (this.#writes.findContributor.get(email) as string);
      this.#contributorIdCache.set(email, id);
      ids.set(email, id);
    }
    return ids;
  }

  #assetId(repository: string, createdAt: string): string {
    const cached = this.#assetIds.get(repository);
    if (cached) return cached;
    this.#writes.insertAsset.run(derivedAssetId(REPOSITORY_ASSET, repository), repository, REPOSITORY_ASSET, createdAt);
    const id = this.#writes.findAsset.get(REPOSITORY_ASSET, repository) as string;
    this.#assetIds.set(repository, id);
    return id;
  }

  #contributionById(id: string): StoredContribution | undefined {
    const row = this.#writes.contributionById.get(id) as ContributionRow<string> | undefined;
    return row && toContribution(row);
  }
}

function prepareWrites(db: Database.Database) {
  return {
    // Statements rather than db.transaction(): one less closure per write, and the same BEGIN IMMEDIATE.
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    contributionById: db.prepare(`SELECT ${CONTRIBUTION_COLUMNS} FROM ${CONTRIBUTION_FROM} WHERE c.id = ?`),
    upsertContributor: db.prepare(
      `INSERT INTO contributors (id, name, email, created_at, meta, name_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (email) DO UPDATE SET name = excluded.name, name_at = excluded.name_at WHERE ${incomingNameIsNewer()}`,
    ),
    findContributor: db.prepare('SELECT id FROM contributors WHERE email = ?').pluck(),
    insertAsset: db.prepare(
      `INSERT INTO assets (id, name, asset_type, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (asset_type, name) DO NOTHING`,
    ),
    findAsset: db.prepare('SELECT id FROM assets WHERE asset_type = ? AND name = ?').pluck(),
    insertContribution: db.prepare(
      `INSERT INTO contributions (id, contributor_id, asset_id, commit_hash, role, cost_cents, coherence_score,
         files_changed, lines_added, lines_deleted, timestamp, created_at, meta)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (asset_id, commit_hash, contributor_id) DO NOTHING`,
    ),
    findContribution: db.prepare('SELECT id FROM contributions WHERE asset_id = ? AND commit_hash = ? AND contributor_id = ?').pluck(),
    addToTotal: db.prepare('UPDATE assets SET total_cost_cents = total_cost_cents + ? WHERE id = ?'),
    trackCommit: db.prepare(
      'INSERT INTO tracked_commits (asset_id, commit_hash, settings) VALUES (?, ?, ?) ON CONFLICT (asset_id, commit_hash) DO UPDATE SET settings = excluded.settings',
    ),
  };
}

function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...migrations.map((migration) => migration.version));
  if (newest > known) {
    throw new Error(`the database schema is at version ${newest}, newer than this release understands (${known}); upgrade coherence`);
  }
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    }).immediate();
  }
}

function assertSchemaPresent(db: Database.Database): void {
  if (!hasTable(db, 'contributions')) throw new Error('it holds no Coherence data (no contributions table)');
}

export function filterClause(filter: ContributionFilter): { where: string[]; params: Record<string, string> } {
  const where: string[] = [];
  const params: Record<string, string> = {};
  if (filter.repository !== undefined) {
    where.push('a.name = @repository');
    params.repository = filter.repository;
  }
  // A person's contributions under any of their addresses.
  if (filter.contributorEmail !== undefined) {
    where.push(`c.contributor_id IN (${personContributorIds('@email')})`);
    params.email = filter.contributorEmail.trim().toLowerCase();
  }
  if (filter.contributorId !== undefined) {
    where.push(`c.contributor_id IN (${personContributorIds('(SELECT email FROM contributors WHERE id = @contributorId)')})`);
    params.contributorId = filter.contributorId;
  }
  if (filter.assetId !== undefined) {
    where.push('c.asset_id = @assetId');
    params.assetId = filter.assetId;
  }
  if (filter.since !== undefined) {
    where.push('c.timestamp >= @since');
    params.since = filter.since;
  }
  if (filter.until !== undefined) {
    where.push('c.timestamp < @until');
    params.until = filter.until;
  }
  return { where, params };
}

/** One submission in a group commit: its rows, and whether it wants the stored rows back or only ids. */
export interface GroupMember {
  rows: readonly StoreRow[];
  full: boolean;
}

interface WriteBatch {
  createdAt: string;
  addedCents: Map<string, number>;
}

const CONTRIBUTOR_COLUMNS = `p.id, p.name, p.email, p.created_at, p.meta, l.primary_email AS merged_into,
  (SELECT json_group_array(alias_email) FROM (SELECT alias_email FROM identity_links WHERE primary_email = p.email ORDER BY alias_email)) AS aliases`;

interface RawContributor {
  id: string;
  name: string;
  email: string;
  created_at: string;
  meta: string;
  merged_into: string | null;
  aliases: string;
}

function toContributor(row: RawContributor): StoredContributor {
  return toStoredContributor({ ...row, meta: JSON.parse(row.meta), aliases: JSON.parse(row.aliases) });
}

function toAsset(row: AssetRow<string>): StoredAsset {
  return toStoredAsset(row, JSON.parse(row.meta));
}

function toContribution(row: ContributionRow<string>): StoredContribution {
  return toStoredContribution(row, JSON.parse(row.meta));
}
