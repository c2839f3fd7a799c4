// The dashboard's aggregates on PostgreSQL, the same figures as sqlite-insight.ts and folded by the same
// code (insight-rollup.ts): each server keeps its folds per selection and adds the rows inserted since,
// so the first dashboard after a push reads that push's rows, not the whole table. Also the latest
// contributions, and each repository's latest receipt (for monitoring).

import type pg from 'pg';
import type { InsightFigures, LatestContribution, RepositoryActivity } from './insight-types.js';
import { InsightFold, namedFigures, peopleOf, type ContributorRow, type InsightRow } from './insight-rollup.js';
import { KeptFolds, selectionKey } from './kept-folds.js';
import { filterClause, inTransaction, SqlParams, whereSql } from './postgres.js';
import { CONTRIBUTOR_PEOPLE_SQL, MERGED_PRIMARIES_SQL, personContributorIds } from './identities.js';
import { CONTRIBUTION_FROM } from './stored-rows.js';
import { REPOSITORY_ASSET, type ContributionFilter } from './types.js';

const SCAN_COLUMNS = `c.asset_id, c.commit_hash, c.contributor_id, to_char(c.timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  c.cost_cents, ROUND(c.coherence_score * 100)::int, c.lines_added, c.lines_deleted, c.files_changed`;

interface KeptFold {
  fold: InsightFold;
  /** How many rows figure_changes held (migration 9): any change but an insert adds one. */
  epoch: number;
  /** The snapshot the fold has seen every row of (pg_snapshot's text form). */
  snapshot: string;
}

/** What one read transaction gives: the fold brought up to its snapshot, and what surrounds it in that snapshot. */
interface Read {
  entry: KeptFold;
  contributors: ContributorRow[];
  assets: Map<string, string>;
  latest: LatestContribution[];
}

/**
 * Rows fetched at a time from the fold's cursor: a million-row table is never held whole in memory, and
 * folding one batch (~1 µs a row, on the event loop) holds up other requests for a few milliseconds only.
 */
const FETCH_ROWS = 5_000;

/**
 * Folds kept per selection by one server. A fold has seen exactly the rows its snapshot saw; the rows
 * added since are those whose inserting transaction (contributions.inserted_by) that snapshot did not
 * see, found through their index from the snapshot's oldest running transaction on. Every replica keeps
 * its own folds, and each reads what every replica wrote. Computations run one at a time, so two
 * requests never add the same rows to one fold.
 */
export class PostgresInsightFolds {
  readonly #pool: pg.Pool;
  readonly #kept = new KeptFolds<KeptFold>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  figures(filter: ContributionFilter, latest: number): Promise<InsightFigures> {
    const run = this.#queue.then(() => this.#figures(filter, latest));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #figures(filter: ContributionFilter, latest: number): Promise<InsightFigures> {
    const key = selectionKey(filter);
    // Taken out while it is read for: a failed read leaves no fold behind that has seen half of it.
    const kept = this.#kept.take(key);
    const read = await inTransaction(this.#pool, (client) => readFigures(client, filter, latest, kept), { readOnly: true, repeatableRead: true });
    this.#kept.keep(key, read.entry);

    return {
      ...namedFigures(read.entry.fold, read.assets, read.contributors),
      latest: read.latest,
      repository_names: [...read.assets.values()].sort(byBytes),
    };
  }
}

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

async function readFigures(client: pg.PoolClient, filter: ContributionFilter, latest: number, kept: KeptFold | undefined): Promise<Read> {
  const { rows: state } = await client.query<{ snapshot: string; epoch: number }>(
    'SELECT pg_current_snapshot()::text AS snapshot, (SELECT COUNT(*) FROM figure_changes) AS epoch',
  );
  const { snapshot, epoch } = state[0]!;
  const query = new SqlParams();
  const where = scanFilter(filter, query);
  // The kept fold while nothing but inserts happened since it was made, with the rows its snapshot did
  // not see; otherwise a new fold of every row. A failure part-way leaves the fold out of the kept ones.
  const current = kept?.epoch === epoch;
  if (current) {
    const seen = query.add(kept.snapshot);
    where.push(`c.inserted_by >= pg_snapshot_xmin(${seen}::pg_snapshot)`, `NOT pg_visible_in_snapshot(c.inserted_by, ${seen}::pg_snapshot)`);
  }
  const fold = current ? kept.fold : new InsightFold();
  const contributors = await client.query<ContributorRow>({ text: CONTRIBUTOR_PEOPLE_SQL, rowMode: 'array' });
  const primaries = await client.query<[string]>({ text: MERGED_PRIMARIES_SQL, rowMode: 'array' });
  const assets = await client.query<[string, string]>({ text: 'SELECT id, name FROM assets WHERE asset_type = $1', values: [REPOSITORY_ASSET], rowMode: 'array' });
  const listQuery = new SqlParams();
  const listWhere = whereSql(filterClause(filter, listQuery));
  const newest = await client.query<LatestContribution>(
    `SELECT a.name AS repository, c.commit_hash, p.email AS contributor_email, p.name AS contributor_name, c.role,
       c.timestamp, c.cost_cents, c.coherence_score, c.lines_added, c.lines_deleted, c.meta->>'subject' AS subject
     FROM ${CONTRIBUTION_FROM} ${listWhere} ORDER BY c.timestamp DESC, c.id DESC LIMIT ${listQuery.add(Math.max(0, Math.trunc(latest)))}`,
    listQuery.values,
  );
  // Every person counts once, under their primary address (see identities.ts).
  const people = peopleOf(contributors.rows, primaries.rows.map(([email]) => email));
  await client.query({ text: `DECLARE insight_rows NO SCROLL CURSOR FOR SELECT ${SCAN_COLUMNS} FROM contributions c ${whereSql(where)}`, values: query.values });
  for (;;) {
    const { rows } = await client.query<InsightRow>({ text: `FETCH ${FETCH_ROWS} FROM insight_rows`, rowMode: 'array' });
    fold.add(rows, people);
    if (rows.length < FETCH_ROWS) break;
  }
  return { entry: { fold, epoch, snapshot }, contributors: contributors.rows, assets: new Map(assets.rows), latest: newest.rows };
}

/** The selection as conditions on the contributions' own columns (names resolved to ids), so no row is joined. */
function scanFilter(filter: ContributionFilter, query: SqlParams): string[] {
  // The other conditions are on the contributions' own columns already.
  const { repository: _repository, contributorEmail: _email, ...own } = filter;
  const where = filterClause(own, query);
  if (filter.repository !== undefined) {
    where.push(`c.asset_id IN (SELECT id FROM assets WHERE asset_type = ${query.add(REPOSITORY_ASSET)} AND name = ${query.add(filter.repository)})`);
  }
  if (filter.contributorEmail !== undefined) {
    where.push(`c.contributor_id IN (${personContributorIds(`${query.add(filter.contributorEmail.trim().toLowerCase())}::text`)})`);
  }
  return where;
}

/** One probe of contributions_for_insight per repository. */
export async function postgresRepositoryActivity(pool: pg.Pool): Promise<RepositoryActivity[]> {
  const { rows } = await pool.query<RepositoryActivity>(
    `SELECT a.name AS repository, latest.received AS last_received_at
     FROM assets a CROSS JOIN LATERAL (SELECT MAX(c.created_at) AS received FROM contributions c WHERE c.asset_id = a.id) latest
     WHERE a.asset_type = $1 AND latest.received IS NOT NULL ORDER BY a.name COLLATE "C"`,
    [REPOSITORY_ASSET],
  );
  return rows;
}
