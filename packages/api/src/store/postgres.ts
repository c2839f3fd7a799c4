// The PostgreSQL contribution store (pg): the same contract as SQLite's, for teams sharing one API, from
// any number of server processes on one database. Each batch is a handful of set-based statements in one
// transaction; idempotency is ON CONFLICT on the unique (asset, commit, contributor) key and on the id
// derived from it, so concurrent duplicates wait for each other and create nothing. Single posts are
// gathered into group commits, and repository totals come from delta rows (migration 4), so writers of
// one repository never queue on a row.

import pg from 'pg';
import type { ContributionRecord, MergePlan, MergeRefusal, UnmergePlan } from '@coherence/core';
import { decodePageCursor, paginate } from './cursor.js';
import { meanHundredths, numberOr } from './store-row.js';
import {
  CONTRIBUTION_COLUMNS,
  CONTRIBUTION_FROM,
  contributionsJoined,
  toStoredAsset,
  toStoredContribution,
  toStoredContributor,
  type AssetRow,
  type ContributorRow,
  type ContributionRow as StoredContributionRow,
} from './stored-rows.js';
import { commitLookup } from './commit-lookup.js';
import { assetId, contributionId, contributorId } from './ids.js';
import { contributorNameKey, incomingNameIsNewer, nameTime, newestNamePerPerson, type NamedRow, type NewestName } from './contributor-name.js';
import { IDENTITY_LINKS_JOIN, personContributorIds, personReportSql, type IdentityOverview, type MergedPerson, type RescoreChunk, type RescoreRequest } from './identities.js';
import { mergeIdentities, readIdentities, readMergedPeople, rescoreChunk, unmergeIdentities } from './postgres-identities.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import type { InsightFigures, PoolStatus, RepositoryActivity } from './insight-types.js';
import { PostgresInsightFolds, postgresRepositoryActivity } from './postgres-insight.js';
import type { Migration } from './sqlite-migrations.js';
import { eachOnItsOwn, WriteGroups, type Settled, type WriteGroupStats } from './write-groups.js';
import {
  REPOSITORY_ASSET,
  type ByIdOutcome,
  type ContributionById,
  type ContributionFilter,
  type ContributionStore,
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

export interface PostgresStoreOptions {
  /** A postgres:// URL. */
  connectionString: string;
  /** Keep every table in this schema (created when missing) instead of the URL's search_path. */
  schema?: string;
  /** Pool size (default 10). Every server process holds up to this many connections. */
  maxConnections?: number;
  /** Every statement is cancelled after this long (default 15 s); the request answers 503. */
  statementTimeoutMs?: number;
  /** How often pending cost deltas are folded into assets.total_cost_cents, and the data version's rows into one (default 1 s; 0: never). */
  foldIntervalMs?: number;
  migrations?: readonly Migration[];
}

export const DEFAULT_POOL_SIZE = 10;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;
const FOLD_INTERVAL_MS = 1_000;
// Writes of up to this many records (single posts, small batches) are gathered into group commits while
// another is in flight; a larger batch is one transaction of many rows already, and goes on its own.
const GROUPED_UP_TO = 64;
const GROUP_MAX_RECORDS = 1_000;
// Errors in the data of one record (a value PostgreSQL refuses, a CHECK): its group is retried member by member.
const DATA_ERROR_CLASSES = new Set(['22', '23']);

// Deadlocks and serialisation failures are resolved by running the transaction again.
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;
const FOREIGN_KEY_VIOLATION = '23503';
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

const INT8 = 20;
const NUMERIC = 1700;
const TIMESTAMPTZ = 1184;

// Counts and cents fit in a double (they are validated as safe integers on the way in), and timestamps
// come back as the same UTC ISO strings SQLite stores, so rows read the same from either store.
const parseTimestamp = pg.types.getTypeParser(TIMESTAMPTZ) as (value: string) => Date;
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    if (oid === TIMESTAMPTZ) return (value: string) => parseTimestamp(value).toISOString();
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) throw new Error(`not a schema name: ${options.schema}`);
  const statementTimeout = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: 5_000,
    application_name: 'coherence-api',
    types: TYPES,
    keepAlive: true,
    // Bounds on every statement, and on a transaction left open by a process that stalled.
    statement_timeout: statementTimeout,
    idle_in_transaction_session_timeout: statementTimeout * 2,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  // A connection lost (a database restart, a terminated backend) must not take the process down: the
  // statement in progress fails with the error (a 503), the pool drops the connection, the next query
  // opens a new one, and /api/ready reports the outage meanwhile. A client emits the loss as an 'error'
  // event too, even while checked out between statements, so every client gets a listener of its own.
  pool.on('error', ignore);
  pool.on('connect', (client) => client.on('error', ignore));
  const store = new PostgresStore(pool);
  try {
    await store.migrate(options.migrations ?? POSTGRES_MIGRATIONS, options.schema);
  } catch (error) {
    await pool.end();
    throw error;
  }
  store.foldTotalsEvery(options.foldIntervalMs ?? FOLD_INTERVAL_MS);
  return store;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

interface NewContribution {
  id: string;
  contributor_id: string;
  asset_id: string;
  commit_hash: string;
  role: string;
  cost_cents: number;
  coherence_score: number;
  files_changed: number;
  lines_added: number;
  lines_deleted: number;
  timestamp: string;
  created_at: string;
  meta: unknown;
}

export class PostgresStore implements ContributionStore {
  readonly dialect = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #insightFolds: PostgresInsightFolds;
  #closed = false;
  /** Ids of people and repositories, learned from committed transactions (such rows are never deleted). */
  readonly #ids: KnownIds = { contributors: new Map(), assets: new Map() };
  readonly #groups = new WriteGroups<GroupMember, IngestOutcome[] | IngestResult[]>((members) => this.#writeGroup(members), {
    maxItems: GROUP_MAX_RECORDS,
    // One group in flight per process: what arrives meanwhile is the next group. The pool's other
    // connections serve reads and large batches.
    concurrency: 1,
  });
  #folding: Folding | undefined;
  /** Group-commit counters (a plain property, so that it reads the same through a proxy). */
  readonly writeGroups: WriteGroupStats = this.#groups.stats;
  /** Per person, the newest (commit time, name) written: a batch with nothing newer needs no upsert. */
  readonly #names = new Map<string, string>();

  constructor(pool: pg.Pool) {
    this.#pool = pool;
    this.#insightFolds = new PostgresInsightFolds(pool);
  }


  /**
   * Applies the missing migrations in one transaction, one process at a time (any number of servers may
   * start together on one database), creating the schema first when one is given.
   */
  async migrate(migrations: readonly Migration[], schema?: string): Promise<void> {
    await this.#transaction(async (client) => {
      // Keyed by the search path, so that separate schemas of one database migrate independently.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('coherence:migrations:' || current_setting('search_path')))`);
      // A migration rewriting a large table may take longer than a request's statement.
      await client.query('SET LOCAL statement_timeout = 0');
      if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`,
      );
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((row) => row.version));
      const newest = Math.max(0, ...applied);
      const known = Math.max(0, ...migrations.map((migration) => migration.version));
      if (newest > known) {
        throw new Error(`the database schema is at version ${newest}, newer than this release understands (${known}); upgrade coherence`);
      }
      for (const migration of migrations) {
        if (applied.has(migration.version)) continue;
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [migration.version, migration.name]);
      }
      if (migrations.some((migration) => migration.version === INSERTED_BY_VERSION)) await forgetForeignTransactions(client);
    });
  }

  async schemaVersion(): Promise<number> {
    const { rows } = await this.#pool.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
    return rows[0]?.version ?? 0;
  }

  async ingest(records: readonly ContributionRecord[]): Promise<IngestOutcome[]> {
    if (records.length > GROUPED_UP_TO) return this.#ingestReadBack(records);
    return this.#groups.submit({ records, full: true }, records.length) as Promise<IngestOutcome[]>;
  }

  async ingestIds(records: readonly ContributionRecord[]): Promise<IngestResult[]> {
    if (records.length > GROUPED_UP_TO) return this.#ingest(records);
    return this.#groups.submit({ records, full: false }, records.length) as Promise<IngestResult[]>;
  }

  /** One write for a whole group of submissions; on a refused value, each member on its own. */
  async #writeGroup(members: readonly GroupMember[]): Promise<Array<Settled<IngestOutcome[] | IngestResult[]>>> {
    const writeOne = (member: GroupMember): Promise<IngestOutcome[] | IngestResult[]> =>
      member.full ? this.#ingestReadBack(member.records) : this.#ingest(member.records);
    if (members.length === 1) return [{ ok: true, value: await writeOne(members[0]!) }];
    const stored = new Map<string, StoredContribution>();
    let results: IngestResult[];
    try {
      results = await this.#ingest(
        members.flatMap((member) => member.records),
        stored,
      );
    } catch (error) {
      if (!DATA_ERROR_CLASSES.has(String((error as { code?: unknown }).code).slice(0, 2))) throw error;
      return eachOnItsOwn(members, writeOne);
    }
    let offset = 0;
    const split = members.map((member) => {
      const own = results.slice(offset, (offset += member.records.length));
      return { member, own };
    });
    const wanted = split.filter(({ member }) => member.full).flatMap(({ own }) => own.map((result) => result.id));
    await this.#readMissing(wanted, stored);
    return split.map(({ member, own }) => ({
      ok: true as const,
      value: member.full ? own.map(({ status, id }) => ({ status, contribution: stored.get(id)! })) : own,
    }));
  }

  async #ingestReadBack(records: readonly ContributionRecord[]): Promise<IngestOutcome[]> {
    // Created rows come back from the insert itself; only duplicates are read afterwards.
    const stored = new Map<string, StoredContribution>();
    const results = await this.#ingest(records, stored);
    await this.#readMissing(
      results.map((result) => result.id),
      stored,
    );
    return results.map(({ status, id }) => ({ status, contribution: stored.get(id)! }));
  }

  /** Adds to `stored` the rows of the ids it lacks (duplicates: committed rows someone else created). */
  async #readMissing(ids: readonly string[], stored: Map<string, StoredContribution>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !stored.has(id));
    if (missing.length > 0) for (const [id, row] of await contributionsByIds(this.#pool, missing)) stored.set(id, row);
  }

  /**
   * When everyone and every repository in the batch is already known, the batch is one INSERT (its
   * triggers record the cost deltas), atomic by itself; otherwise a transaction creates them first.
   * `created`, when given, receives the full rows of the contributions created.
   */
  async #ingest(records: readonly ContributionRecord[], created?: Map<string, StoredContribution>): Promise<IngestResult[]> {
    if (records.length === 0) return [];
    const now = new Date().toISOString();
    const known = this.#knownIds(records);
    if (known) {
      try {
        return await this.#retrying(() => insertRecords(this.#pool, records, known, now, created));
      } catch (error) {
        // A remembered id whose row is gone (the database was reset under us): forget them all, and
        // take the path that finds or creates them.
        if ((error as { code?: string }).code !== FOREIGN_KEY_VIOLATION) throw error;
        this.#ids.contributors.clear();
        this.#ids.assets.clear();
        this.#names.clear();
      }
    }
    const newest = newestNamePerPerson(records, namedBy);
    const { ids, results } = await this.#transaction(async (client) => {
      const people = newPeople(newest, now);
      const ids = await findOrCreateIds(client, people, records, now);
      const results = await insertRecords(client, records, ids, now, created);
      // Renaming locks the people's rows until the commit, and concurrent batches of the same people
      // (a team's backfill, in time order) renaming them first waited for each other's whole insert.
      await upsertPeople(client, people, { rename: true });
      return { ids, results };
    });
    for (const [email, id] of ids.contributors) this.#ids.contributors.set(email, id);
    for (const [name, id] of ids.assets) this.#ids.assets.set(name, id);
    for (const [email, { nameKey }] of newest) if (nameKey > (this.#names.get(email) ?? '')) this.#names.set(email, nameKey);
    return results;
  }

  #knownIds(records: readonly ContributionRecord[]): KnownIds | undefined {
    for (const record of records) {
      if (!this.#ids.contributors.has(record.contributor.email) || !this.#ids.assets.has(record.repository)) return undefined;
      if (nameKeyOf(record) > (this.#names.get(record.contributor.email) ?? '')) return undefined;
    }
    return this.#ids;
  }

  async createById(input: ContributionById): Promise<ByIdOutcome> {
    return this.#transaction(async (client): Promise<ByIdOutcome> => {
      const known = await client.query<{ contributor: boolean; asset: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM contributors WHERE id = $1) AS contributor, EXISTS (SELECT 1 FROM assets WHERE id = $2) AS asset`,
        [input.contributor_id, input.asset_id],
      );
      if (!known.rows[0]!.contributor) return { status: 'unknown_contributor' };
      if (!known.rows[0]!.asset) return { status: 'unknown_asset' };
      const meta = input.meta;
      const row: NewContribution = {
        id: contributionId({ assetId: input.asset_id, commitHash: input.commit_hash, contributorId: input.contributor_id }, input.timestamp),
        contributor_id: input.contributor_id,
        asset_id: input.asset_id,
        commit_hash: input.commit_hash,
        role: typeof meta.role === 'string' ? meta.role : 'author',
        cost_cents: input.cost_cents,
        coherence_score: input.coherence_score,
        files_changed: numberOr(meta.files_changed, 0),
        lines_added: numberOr(meta.lines_added, 0),
        lines_deleted: numberOr(meta.lines_deleted, 0),
        timestamp: input.timestamp,
        created_at: new Date().toISOString(),
        meta,
      };
      const created = await insertRows(client, [row]);
      const existing = await client.query<ContributionRow>(
        `SELECT ${CONTRIBUTION_COLUMNS} FROM ${CONTRIBUTION_FROM} WHERE c.asset_id = $1 AND c.commit_hash = $2 AND c.contributor_id = $3`,
        [input.asset_id, input.commit_hash, input.contributor_id],
      );
      return { status: created.length === 1 ? 'created' : 'duplicate', contribution: toContribution(existing.rows[0]!) };
    });
  }

  async getContributor(id: string): Promise<StoredContributor | undefined> {
    const { rows } = await this.#pool.query<ContributorRow>(`SELECT ${CONTRIBUTOR_COLUMNS} FROM contributors p ${IDENTITY_LINKS_JOIN} WHERE p.id = $1`, [id]);
    return rows[0] && toStoredContributor(rows[0]);
  }

  /** One entry per person: addresses merged into another are listed under it (`aliases`), not on their own. */
  async listContributors(page: PageRequest): Promise<Page<StoredContributor>> {
    const after = page.cursor === undefined ? undefined : decodePageCursor(page.cursor);
    const params: unknown[] = [page.limit + 1];
    const where = `WHERE l.alias_email IS NULL${after ? ' AND (p.created_at, p.id) > ($2::timestamptz, $3)' : ''}`;
    if (after) params.push(after.sortKey, after.id);
    const { rows } = await this.#pool.query<ContributorRow>(
      `SELECT ${CONTRIBUTOR_COLUMNS} FROM contributors p ${IDENTITY_LINKS_JOIN} ${where} ORDER BY p.created_at, p.id LIMIT $1`,
      params,
    );
    return paginate(rows.map(toStoredContributor), page.limit, (row) => ({ sortKey: row.created_at, id: row.id }));
  }

  async getAsset(id: string): Promise<StoredAsset | undefined> {
    const { rows } = await this.#pool.query<RawAsset>(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.id = $1`, [id]);
    return rows[0] && toAsset(rows[0]);
  }

  async listAssets(page: PageRequest): Promise<Page<StoredAsset>> {
    const after = page.cursor === undefined ? undefined : decodePageCursor(page.cursor);
    const params: unknown[] = [page.limit + 1];
    const where = after ? `WHERE (a.created_at, a.id) > ($2::timestamptz, $3)` : '';
    if (after) params.push(after.sortKey, after.id);
    const { rows } = await this.#pool.query<RawAsset>(
      `SELECT ${ASSET_COLUMNS} FROM assets a ${where} ORDER BY a.created_at, a.id LIMIT $1`,
      params,
    );
    return paginate(rows.map(toAsset), page.limit, (row) => ({ sortKey: row.created_at, id: row.id }));
  }

  async listContributions(filter: ContributionFilter, page: PageRequest): Promise<Page<StoredContribution>> {
    const query = new SqlParams();
    const where = filterClause(filter, query);
    if (page.cursor !== undefined) {
      const after = decodePageCursor(page.cursor);
      where.push(`(c.timestamp, c.id) > (${query.add(after.sortKey)}::timestamptz, ${query.add(after.id)})`);
    }
    const { rows } = await this.#pool.query<ContributionRow>(
      `SELECT ${CONTRIBUTION_COLUMNS} FROM ${CONTRIBUTION_FROM} ${whereSql(where)}
       ORDER BY c.timestamp, c.id LIMIT ${query.add(page.limit + 1)}`,
      query.values,
    );
    return paginate(rows.map(toContribution), page.limit, (row) => ({ sortKey: row.timestamp, id: row.id }));
  }

  async contributionsForCommit(commitHash: string): Promise<StoredContribution[]> {
    const lookup = commitLookup(commitHash);
    const { rows } = await this.#pool.query<ContributionRow>(
      `SELECT ${CONTRIBUTION_COLUMNS} FROM ${CONTRIBUTION_FROM}
       WHERE (c.commit_hash >= $1 AND c.commit_hash < $2 AND left(c.commit_hash, length($1)) = $1) OR c.commit_hash = ANY($3::text[])
       ORDER BY a.name COLLATE "C", c.commit_hash COLLATE "C", c.role COLLATE "C", p.email COLLATE "C"`,
      [lookup.from, lookup.to, lookup.shorter],
    );
    return rows.map(toContribution);
  }

  /** Aggregates per group; per-commit figures are counted once per commit, however many people share it. */
  async report(filter: ContributionFilter, by: ReportGrouping, limit?: number): Promise<ReportRow[]> {
    const query = new SqlParams();
    const where = whereSql(filterClause(filter, query));
    let sql: string;
    if (by === 'contributor') {
      sql = personReportSql(where, 'ROUND(c.coherence_score * 100)', 'SUM(cost_cents) DESC, COUNT(*) DESC, key', ' COLLATE "C"');
    } else {
      const utc = `(c.timestamp AT TIME ZONE 'UTC')`;
      const key = {
        day: `to_char(${utc}, 'YYYY-MM-DD')`,
        week: `to_char(date_trunc('week', ${utc}), 'YYYY-MM-DD')`,
        month: `to_char(${utc}, 'YYYY-MM')`,
        repository: 'a.name',
      }[by];
      const order = by === 'repository' ? 'SUM(cost_cents) DESC, COUNT(*) DESC, key COLLATE "C"' : 'key COLLATE "C"';
      sql = `SELECT key, key AS name, COUNT(*) AS commits, SUM(people) AS contributions, SUM(lines_added) AS lines_added,
               SUM(lines_deleted) AS lines_deleted, SUM(files_changed) AS files_changed, SUM(cost_cents) AS cost_cents,
               SUM(score) AS score_sum
             FROM (
               SELECT ${key} AS key, COUNT(*) AS people, MAX(c.lines_added) AS lines_added, MAX(c.lines_deleted) AS lines_deleted,
                 MAX(c.files_changed) AS files_changed, SUM(c.cost_cents) AS cost_cents,
                 MAX(ROUND(c.coherence_score * 100)) AS score
               FROM ${CONTRIBUTION_FROM} ${where}
               GROUP BY 1, c.asset_id, c.commit_hash
             ) per_commit GROUP BY key ORDER BY ${order}`;
    }
    if (limit !== undefined) sql += ` LIMIT ${query.add(Math.trunc(limit))}`;
    const { rows } = await this.#pool.query<Omit<ReportRow, 'mean_coherence'> & { score_sum: number }>(sql, query.values);
    return rows.map(({ score_sum, ...row }) => ({ ...row, mean_coherence: meanHundredths(score_sum, row.commits) }));
  }

  async stats(filter: ContributionFilter, top = 10): Promise<Stats> {
    const [perDay, topContributors] = await Promise.all([this.report(filter, 'day'), this.report(filter, 'contributor', top)]);
    return {
      per_day: perDay.map((row) => ({ day: row.key, commits: row.commits, contributions: row.contributions, cost_cents: row.cost_cents })),
      top_contributors: topContributors,
    };
  }

  insight(filter: ContributionFilter, latest: number): Promise<InsightFigures> {
    return this.#insightFolds.figures(filter, latest);
  }

  repositoryActivity(): Promise<RepositoryActivity[]> {
    return postgresRepositoryActivity(this.#pool);
  }

  poolStatus(): PoolStatus[] {
    return [{ name: 'postgres', total: this.#pool.totalCount, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount }];
  }

  async identities(): Promise<IdentityOverview> {
    return readIdentities(this.#pool);
  }

  async mergedPeople(): Promise<MergedPerson[]> {
    return readMergedPeople(this.#pool);
  }

  async mergeIdentities(primary: string, aliases: readonly string[]): Promise<MergePlan | MergeRefusal> {
    return this.#transaction((client) => mergeIdentities(client, primary, aliases));
  }

  async unmergeIdentities(aliases: readonly string[]): Promise<UnmergePlan | MergeRefusal> {
    return this.#transaction((client) => unmergeIdentities(client, aliases));
  }

  async rescore(request: RescoreRequest): Promise<RescoreChunk> {
    return this.#transaction((client) => rescoreChunk(client, request));
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1');
  }

  /** The write statements committed to what the figures are read from (migration 8): a sum over the few rows the fold leaves. */
  async dataVersion(): Promise<string> {
    const { rows } = await this.#pool.query<{ version: string }>('SELECT COALESCE(SUM(changes), 0)::text AS version FROM data_changes');
    return rows[0]!.version;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#folding) {
      clearInterval(this.#folding.timer);
      await this.#folding.running;
    }
    await this.#pool.end();
  }

  /**
   * Folds the pending cost deltas into assets.total_cost_cents, in one statement: the deltas it deletes
   * are the ones it adds, so a total read at any moment (column plus pending deltas) is the same before
   * and after. Servers running it at once do not double count: a delta deleted by one is skipped by the other.
   */
  async foldTotals(): Promise<void> {
    await this.#pool.query(
      `WITH moved AS (DELETE FROM asset_cost_deltas RETURNING asset_id, cents)
       UPDATE assets SET total_cost_cents = assets.total_cost_cents + folded.cents
       FROM (SELECT asset_id, SUM(cents) AS cents FROM moved GROUP BY asset_id) AS folded
       WHERE assets.id = folded.asset_id`,
    );
    // The data version's rows the same way, into one row of their sum; a single row is left alone, so
    // an idle database is not written every second.
    await this.#pool.query(
      `WITH moved AS (DELETE FROM data_changes WHERE (SELECT COUNT(*) FROM data_changes) > 1 RETURNING changes)
       INSERT INTO data_changes (changes) SELECT SUM(changes) FROM moved HAVING COUNT(*) > 0`,
    );
  }

  /** Folds totals in the background, off the request path (a failure waits for the next tick). */
  foldTotalsEvery(intervalMs: number): void {
    if (intervalMs <= 0 || this.#folding) return;
    const folding: Folding = {
      timer: setInterval(() => {
        if (folding.running || this.#closed) return;
        folding.running = this.foldTotals()
          .catch(() => {})
          .finally(() => (folding.running = undefined));
      }, intervalMs),
      running: undefined,
    };
    folding.timer.unref();
    this.#folding = folding;
  }

  #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.#retrying(() => inTransaction(this.#pool, work));
  }

  async #retrying<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await work();
      } catch (error) {
        if (attempt < ATTEMPTS && RETRYABLE.has((error as { code?: string }).code ?? '')) continue;
        throw error;
      }
    }
  }
}

/** The schema version that records each contribution's inserting transaction (contributions.inserted_by). */
const INSERTED_BY_VERSION = 9;

/**
 * Rows restored from another cluster's dump carry that cluster's transaction ids, which here may lie in
 * the future: a dashboard fold would take them for rows not seen yet once this cluster's ids pass them,
 * and add them twice. Ids not yet issued here can only have come from elsewhere; they are cleared, which
 * counts the rows as old (seen by every fold). Through the index, so a start costs one probe.
 */
async function forgetForeignTransactions(client: pg.PoolClient): Promise<void> {
  await client.query('UPDATE contributions SET inserted_by = NULL WHERE inserted_by >= pg_snapshot_xmax(pg_current_snapshot())');
}

/**
 * `work` in one transaction on a connection of its own. A connection whose ROLLBACK failed is in an
 * unknown state, so it is closed rather than handed back to the pool.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  options: { readOnly?: boolean; repeatableRead?: boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(`BEGIN${options.repeatableRead ? ' ISOLATION LEVEL REPEATABLE READ' : ''}${options.readOnly ? ' READ ONLY' : ''}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

interface KnownIds {
  contributors: Map<string, string>;
  assets: Map<string, string>;
}

const ignore = () => {};

interface Folding {
  timer: NodeJS.Timeout;
  running: Promise<void> | undefined;
}

/** One submission in a group commit: its records, and whether it wants the stored rows back or only ids. */
interface GroupMember {
  records: readonly ContributionRecord[];
  full: boolean;
}

/**
 * An asset's columns, its total being the column plus the deltas not folded into it yet (the same
 * expression as the asset_totals view): in one statement's snapshot, always the sum of its contributions.
 */
const ASSET_COLUMNS = `a.id, a.name, a.asset_type, a.created_at, a.meta,
  a.total_cost_cents + COALESCE((SELECT SUM(d.cents) FROM asset_cost_deltas d WHERE d.asset_id = a.id), 0) AS total_cost_cents`;

type ContributionKey = Pick<NewContribution, 'asset_id' | 'commit_hash' | 'contributor_id'>;
const keyOf = (row: ContributionKey) => `${row.asset_id}\u0000${row.commit_hash}\u0000${row.contributor_id}`;

/**
 * Inserts the records whose key is new, in key order (so concurrent batches lock in the same order),
 * and answers each record's status and id: the first record of a key is the one created, a repeat of
 * it within the batch, or a key already stored, is a duplicate.
 */
async function insertRecords(
  q: Queryable,
  records: readonly ContributionRecord[],
  ids: KnownIds,
  now: string,
  created?: Map<string, StoredContribution>,
): Promise<IngestResult[]> {
  const firstByKey = new Map<string, NewContribution>();
  const recordKeys = records.map((record) => {
    const contributor_id = ids.contributors.get(record.contributor.email)!;
    const asset_id = ids.assets.get(record.repository)!;
    const row: NewContribution = {
      id: contributionId({ assetId: asset_id, commitHash: record.commitHash, contributorId: contributor_id }, record.timestamp),
      contributor_id,
      asset_id,
      commit_hash: record.commitHash,
      role: record.role,
      cost_cents: record.costCents,
      coherence_score: record.coherence,
      files_changed: record.meta.files_changed,
      lines_added: record.meta.lines_added,
      lines_deleted: record.meta.lines_deleted,
      timestamp: record.timestamp,
      created_at: now,
      meta: record.meta,
    };
    const key = keyOf(row);
    if (!firstByKey.has(key)) firstByKey.set(key, row);
    return key;
  });
  const fresh = [...firstByKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  const createdRows = await insertRows(q, fresh, created !== undefined);
  const createdIds = new Set(createdRows.map((row) => row.id));
  if (created) for (const row of createdRows) created.set(row.id, toContribution(row as ContributionRow));

  const idByKey = new Map<string, string>();
  for (const row of fresh) if (createdIds.has(row.id)) idByKey.set(keyOf(row), row.id);
  const existing = fresh.filter((row) => !createdIds.has(row.id));
  if (existing.length > 0) {
    const { rows } = await q.query<ContributionKey & { id: string }>(
      `SELECT c.id, c.asset_id, c.commit_hash, c.contributor_id
       FROM contributions c
       JOIN json_to_recordset($1::json) AS k (asset_id text, commit_hash text, contributor_id text)
         ON c.asset_id = k.asset_id AND c.commit_hash = k.commit_hash AND c.contributor_id = k.contributor_id`,
      [JSON.stringify(existing.map(({ asset_id, commit_hash, contributor_id }) => ({ asset_id, commit_hash, contributor_id })))],
    );
    for (const row of rows) idByKey.set(keyOf(row), row.id);
  }

  const answered = new Set<string>();
  return recordKeys.map((key) => {
    const id = idByKey.get(key)!;
    const status = createdIds.has(id) && !answered.has(key) ? 'created' : 'duplicate';
    answered.add(key);
    return { status, id };
  });
}

/**
 * One statement: the rows whose key is new (the insert's trigger adds their cost to the repositories'
 * totals, as delta rows, in the same statement). Answers the ids created.
 *
 * Columns travel as arrays, one per column (unnest), and the metadata as one JSON array: PostgreSQL
 * parsed a 1,000-row json_to_recordset at ~27 µs a row, about a third of the whole insert's CPU, and
 * these forms at about half that. The rows go in as listed (ORDER BY n), so that concurrent batches
 * take their key locks in the same order.
 */
async function insertRows(q: Queryable, rows: readonly NewContribution[], full = false): Promise<Array<{ id: string } & Partial<ContributionRow>>> {
  // The people and repositories are committed already, or created earlier in this transaction, so the
  // new rows can be answered whole, joined as every read joins them.
  const answer = full
    ? `SELECT ${CONTRIBUTION_COLUMNS} FROM ${contributionsJoined('created')}`
    : 'SELECT id FROM created';
  const columns = INSERTED_COLUMNS.map((column) => rows.map((row) => row[column]));
  const metas = `[${rows.map((row) => JSON.stringify(row.meta)).join(',')}]`;
  const { rows: created } = await q.query<{ id: string } & Partial<ContributionRow>>(
    `WITH created AS (
       INSERT INTO contributions (${INSERTED_COLUMNS.join(', ')}, meta)
       SELECT ${INSERTED_COLUMNS.map((column) => `t.${column}`).join(', ')}, m.meta
       FROM unnest(${INSERTED_COLUMNS.map((column, index) => `$${index + 1}::${INSERTED_COLUMN_TYPES[column]}[]`).join(', ')})
           WITH ORDINALITY AS t (${INSERTED_COLUMNS.join(', ')}, n)
         JOIN jsonb_array_elements($${INSERTED_COLUMNS.length + 1}::jsonb) WITH ORDINALITY AS m (meta, n) ON m.n = t.n
       ORDER BY t.n
       ON CONFLICT DO NOTHING -- no conflict target: see upsertPeople
       RETURNING ${full ? '*' : 'id'}
     )
     ${answer}`,
    [...columns, metas],
  );
  return created;
}

/** The columns of a new contribution sent as arrays, with their PostgreSQL types (meta goes as JSON). */
const INSERTED_COLUMN_TYPES = {
  id: 'text',
  contributor_id: 'text',
  asset_id: 'text',
  commit_hash: 'text',
  role: 'text',
  cost_cents: 'bigint',
  coherence_score: 'numeric',
  files_changed: 'bigint',
  lines_added: 'bigint',
  lines_deleted: 'bigint',
  timestamp: 'timestamptz',
  created_at: 'timestamptz',
} as const satisfies Record<Exclude<keyof NewContribution, 'meta'>, string>;
const INSERTED_COLUMNS = Object.keys(INSERTED_COLUMN_TYPES) as Array<keyof typeof INSERTED_COLUMN_TYPES>;

const namedBy = (record: ContributionRecord): NamedRow => ({ email: record.contributor.email, name: record.contributor.name, timestamp: record.timestamp });
const nameKeyOf = (record: ContributionRecord) => contributorNameKey(nameTime(record.timestamp), record.contributor.name);

/** Each person of the batch as their newest record names them, in address order (the order rows are locked in). */
function newPeople(newest: ReadonlyMap<string, NewestName<ContributionRecord>>, now: string): NewPerson[] {
  return [...newest.keys()].sort().map((email) => {
    const { row, nameAt } = newest.get(email)!;
    const { name, login } = row.contributor;
    return { id: contributorId(email), name, email, created_at: now, name_at: nameAt, meta: login === undefined ? {} : { login } };
  });
}

interface NewPerson {
  id: string;
  name: string;
  email: string;
  created_at: string;
  name_at: string;
  meta: Record<string, unknown>;
}

/**
 * Creates the people who are new; with `rename`, also gives a person the batch's name when its commit
 * is their newest so far (which locks their row until the transaction ends).
 *
 * Creating people, repositories and rows says ON CONFLICT DO NOTHING with no conflict target: their ids
 * derive from their unique keys, so a concurrent insert of the same one clashes on two unique indexes,
 * and PostgreSQL resolves a clash only on the target's index; on the other, an insert racing one still
 * in progress fails with 23505 (measured with 8 concurrent inserts of each new key: 271 failures in
 * 12,000 with a target, none without). Renaming (DO UPDATE) needs a target, and runs once the rows exist.
 */
async function upsertPeople(client: Queryable, people: readonly NewPerson[], options: { rename: boolean }): Promise<void> {
  await client.query(
    `INSERT INTO contributors (id, name, email, created_at, meta, name_at)
     SELECT id, name, email, created_at, meta, name_at
     FROM json_to_recordset($1::json) AS t (id text, name text, email text, created_at timestamptz, meta jsonb, name_at timestamptz)
     ${options.rename ? `ON CONFLICT (email) DO UPDATE SET name = excluded.name, name_at = excluded.name_at WHERE ${incomingNameIsNewer(' COLLATE "C"')}` : 'ON CONFLICT DO NOTHING'}`,
    [JSON.stringify(people)],
  );
}

/** Finds or creates the batch's people (not renaming them: upsertPeople does, last) and repositories. */
async function findOrCreateIds(client: Queryable, people: readonly NewPerson[], records: readonly ContributionRecord[], now: string): Promise<KnownIds> {
  const emails = people.map((person) => person.email);
  const names = [...new Set(records.map((record) => record.repository))].sort();
  await upsertPeople(client, people, { rename: false });
  await client.query(
    `INSERT INTO assets (id, name, asset_type, created_at)
     SELECT id, name, $2, $3::timestamptz FROM json_to_recordset($1::json) AS t (id text, name text)
     ON CONFLICT DO NOTHING`, // no conflict target: see upsertPeople
    [JSON.stringify(names.map((name) => ({ id: assetId(REPOSITORY_ASSET, name), name }))), REPOSITORY_ASSET, now],
  );
  // A separate statement, so rows a concurrent transaction committed meanwhile are seen too.
  const { rows } = await client.query<{ kind: 'contributor' | 'asset'; id: string; key: string }>(
    `SELECT 'contributor' AS kind, id, email AS key FROM contributors WHERE email = ANY($1::text[])
     UNION ALL
     SELECT 'asset' AS kind, id, name AS key FROM assets WHERE asset_type = $3 AND name = ANY($2::text[])`,
    [emails, names, REPOSITORY_ASSET],
  );
  const ids: KnownIds = { contributors: new Map(), assets: new Map() };
  for (const row of rows) (row.kind === 'contributor' ? ids.contributors : ids.assets).set(row.key, row.id);
  return ids;
}

async function contributionsByIds(client: Queryable, ids: readonly string[]): Promise<Map<string, StoredContribution>> {
  const { rows } = await client.query<ContributionRow>(`SELECT ${CONTRIBUTION_COLUMNS} FROM ${CONTRIBUTION_FROM} WHERE c.id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((row) => [row.id, toContribution(row)]));
}

/** Numbered placeholders for a statement built piece by piece. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function filterClause(filter: ContributionFilter, query: SqlParams): string[] {
  const where: string[] = [];
  if (filter.repository !== undefined) where.push(`a.name = ${query.add(filter.repository)}`);
  // A person's contributions under any of their addresses.
  if (filter.contributorEmail !== undefined) {
    where.push(`c.contributor_id IN (${personContributorIds(`${query.add(filter.contributorEmail.trim().toLowerCase())}::text`)})`);
  }
  if (filter.contributorId !== undefined) {
    where.push(`c.contributor_id IN (${personContributorIds(`(SELECT email FROM contributors WHERE id = ${query.add(filter.contributorId)})`)})`);
  }
  if (filter.assetId !== undefined) where.push(`c.asset_id = ${query.add(filter.assetId)}`);
  if (filter.since !== undefined) where.push(`c.timestamp >= ${query.add(filter.since)}::timestamptz`);
  if (filter.until !== undefined) where.push(`c.timestamp < ${query.add(filter.until)}::timestamptz`);
  return where;
}

export function whereSql(where: readonly string[]): string {
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

const CONTRIBUTOR_COLUMNS = `p.id, p.name, p.email, p.created_at, p.meta, l.primary_email AS merged_into,
  ARRAY(SELECT alias_email FROM identity_links WHERE primary_email = p.email ORDER BY alias_email COLLATE "C") AS aliases`;

// JSONB arrives parsed.
type ContributionRow = StoredContributionRow<Record<string, unknown>>;
type RawAsset = AssetRow<Record<string, unknown>>;

function toAsset(row: RawAsset): StoredAsset {
  return toStoredAsset(row, row.meta);
}

function toContribution(row: ContributionRow): StoredContribution {
  return toStoredContribution(row, row.meta);
}
