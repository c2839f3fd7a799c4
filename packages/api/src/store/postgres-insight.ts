// The dashboard's aggregates on PostgreSQL, the same figures as sqlite-insight.ts: the coherence
// distribution over commits, each repository's people and newest commit, the latest contributions,
// and each repository's latest receipt (for monitoring). The statements run side by side on the pool.

import type pg from 'pg';
import type { InsightFigures, LatestContribution, RepositoryActivity, RepositoryExtent } from './insight-types.js';
import { filterClause, SqlParams, whereSql } from './postgres.js';
import { CONTRIBUTION_FROM } from './stored-rows.js';
import { REPOSITORY_ASSET, type ContributionFilter } from './types.js';

export async function postgresInsight(pool: pg.Pool, filter: ContributionFilter, latest: number): Promise<InsightFigures> {
  const filtered = () => {
    const query = new SqlParams();
    return { query, where: whereSql(filterClause(filter, query)) };
  };
  const coherence = (() => {
    const { query, where } = filtered();
    return pool.query<{ score: number; commits: number }>(
      `SELECT score, COUNT(*) AS commits FROM (
         SELECT MAX(ROUND(c.coherence_score * 100))::int AS score
         FROM ${CONTRIBUTION_FROM} ${where}
         GROUP BY c.asset_id, c.commit_hash
       ) per_commit GROUP BY score ORDER BY score`,
      query.values,
    );
  })();
  const repositories = (() => {
    const { query, where } = filtered();
    return pool.query<RepositoryExtent>(
      `SELECT a.name AS repository, COUNT(DISTINCT c.contributor_id) AS contributors, MAX(c.timestamp) AS last_commit_at
       FROM ${CONTRIBUTION_FROM} ${where} GROUP BY a.name ORDER BY a.name COLLATE "C"`,
      query.values,
    );
  })();
  const newest = (() => {
    const { query, where } = filtered();
    return pool.query<LatestContribution>(
      `SELECT a.name AS repository, c.commit_hash, p.email AS contributor_email, p.name AS contributor_name, c.role,
         c.timestamp, c.cost_cents, c.coherence_score, c.lines_added, c.lines_deleted, c.meta->>'subject' AS subject
       FROM ${CONTRIBUTION_FROM} ${where} ORDER BY c.timestamp DESC, c.id DESC LIMIT ${query.add(Math.max(0, Math.trunc(latest)))}`,
      query.values,
    );
  })();
  const names = pool.query<{ name: string }>('SELECT name FROM assets WHERE asset_type = $1 ORDER BY name COLLATE "C"', [REPOSITORY_ASSET]);
  const [scores, perRepository, rows, known] = await Promise.all([coherence, repositories, newest, names]);
  return {
    coherence: scores.rows.map((row) => ({ score: row.score / 100, commits: row.commits })),
    repositories: perRepository.rows,
    latest: rows.rows,
    repository_names: known.rows.map((row) => row.name),
  };
}

/** One index probe per repository (contributions_by_asset_received), however many rows each holds. */
export async function postgresRepositoryActivity(pool: pg.Pool): Promise<RepositoryActivity[]> {
  const { rows } = await pool.query<RepositoryActivity>(
    `SELECT a.name AS repository, latest.received AS last_received_at
     FROM assets a CROSS JOIN LATERAL (SELECT MAX(c.created_at) AS received FROM contributions c WHERE c.asset_id = a.id) latest
     WHERE a.asset_type = $1 AND latest.received IS NOT NULL ORDER BY a.name COLLATE "C"`,
    [REPOSITORY_ASSET],
  );
  return rows;
}
