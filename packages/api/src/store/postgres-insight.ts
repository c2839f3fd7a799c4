// The dashboard's aggregates on PostgreSQL, the same figures as sqlite-insight.ts, summed by the
// database (hash aggregates, over the contributions_for_insight index where the selection allows):
// the cells per (week, repository, score), the people, each repository's extent, the latest
// contributions, and each repository's latest receipt (for monitoring). They run side by side on the pool.

import type pg from 'pg';
import type { InsightCell, InsightFigures, InsightPerson, LatestContribution, RepositoryActivity, RepositoryExtent } from './insight-types.js';
import { filterClause, inTransaction, SqlParams, whereSql } from './postgres.js';
import { IDENTITY_LINKS_JOIN, PERSON_EMAIL, personContributorIds, personReportSql } from './identities.js';
import { CONTRIBUTION_FROM } from './stored-rows.js';
import { REPOSITORY_ASSET, type ContributionFilter } from './types.js';

export async function postgresInsight(pool: pg.Pool, filter: ContributionFilter, latest: number): Promise<InsightFigures> {
  const scan = () => {
    const query = new SqlParams();
    return { query, where: whereSql(scanFilter(filter, query)) };
  };
  const cells = (() => {
    const { query, where } = scan();
    // Grouped on bytes (COLLATE "C": the same groups, sorted without the locale's rules) and on the
    // week's time and the asset's id; the few cells are named and formatted after.
    return queryWithSortMemory<InsightCell>(
      pool,
      `SELECT to_char(cell.week, 'YYYY-MM-DD') AS week, a.name AS repository, cell.score, cell.commits, cell.contributions,
         cell.lines_added, cell.lines_deleted, cell.files_changed, cell.cost_cents
       FROM (
         SELECT date_trunc('week', per_commit.ts AT TIME ZONE 'UTC') AS week, per_commit.asset_id, ROUND(per_commit.score * 100)::int AS score,
           COUNT(*) AS commits, SUM(people) AS contributions, SUM(added) AS lines_added, SUM(deleted) AS lines_deleted,
           SUM(files) AS files_changed, SUM(cents) AS cost_cents
         FROM (
           SELECT c.asset_id, MIN(c.timestamp) AS ts, MAX(c.coherence_score) AS score, COUNT(*) AS people,
             MAX(c.lines_added) AS added, MAX(c.lines_deleted) AS deleted, MAX(c.files_changed) AS files, SUM(c.cost_cents) AS cents
           FROM contributions c ${where}
           GROUP BY c.asset_id, c.commit_hash COLLATE "C"
         ) per_commit
         GROUP BY 1, 2, 3
       ) cell JOIN assets a ON a.id = cell.asset_id`,
      query.values,
    );
  })();
  const people = (() => {
    const { query, where } = scan();
    // Every person once, under their primary address, as report() counts them.
    return queryWithSortMemory<InsightPerson>(
      pool,
      `SELECT key AS email, name, commits, lines_added, lines_deleted, files_changed, cost_cents, score_sum::bigint AS score_sum
       FROM (${personReportSql(where, 'ROUND(c.coherence_score * 100)', 'key', ' COLLATE "C"')}) people`,
      query.values,
    );
  })();
  const repositories = (() => {
    const { query, where } = scan();
    return pool.query<RepositoryExtent>(
      `SELECT a.name AS repository, x.contributors, x.last_commit_at
       FROM (SELECT c.asset_id, COUNT(DISTINCT ${PERSON_EMAIL}) AS contributors, MAX(c.timestamp) AS last_commit_at
             FROM contributions c JOIN contributors p ON p.id = c.contributor_id ${IDENTITY_LINKS_JOIN} ${where}
             GROUP BY c.asset_id) x JOIN assets a ON a.id = x.asset_id`,
      query.values,
    );
  })();
  const newest = (() => {
    const query = new SqlParams();
    const where = whereSql(filterClause(filter, query));
    return pool.query<LatestContribution>(
      `SELECT a.name AS repository, c.commit_hash, p.email AS contributor_email, p.name AS contributor_name, c.role,
         c.timestamp, c.cost_cents, c.coherence_score, c.lines_added, c.lines_deleted, c.meta->>'subject' AS subject
       FROM ${CONTRIBUTION_FROM} ${where} ORDER BY c.timestamp DESC, c.id DESC LIMIT ${query.add(Math.max(0, Math.trunc(latest)))}`,
      query.values,
    );
  })();
  const names = pool.query<{ name: string }>('SELECT name FROM assets WHERE asset_type = $1 ORDER BY name COLLATE "C"', [REPOSITORY_ASSET]);
  const [cellRows, personRows, extentRows, latestRows, nameRows] = await Promise.all([cells, people, repositories, newest, names]);
  return {
    cells: cellRows.rows,
    people: personRows.rows,
    repositories: extentRows.rows,
    latest: latestRows.rows,
    repository_names: nameRows.rows.map((row) => row.name),
  };
}

/**
 * The two scans of every selected contribution group ~100,000 rows per commit; in PostgreSQL's default
 * 4 MB of sort memory they spilled to disk, and with 32 MB (for these statements only, SET LOCAL) they
 * took about a third less time.
 */
const INSIGHT_SORT_MEMORY = '32MB';

function queryWithSortMemory<Row extends pg.QueryResultRow>(pool: pg.Pool, sql: string, values: unknown[]): Promise<pg.QueryResult<Row>> {
  return inTransaction(
    pool,
    async (client) => {
      await client.query(`SET LOCAL work_mem = '${INSIGHT_SORT_MEMORY}'`);
      return client.query<Row>(sql, values);
    },
    { readOnly: true },
  );
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
