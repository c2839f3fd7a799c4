// The dashboard's aggregates on SQLite: the coherence distribution over commits, each repository's
// people and newest commit, the latest contributions, and each repository's latest receipt (for
// monitoring). Each is one statement that answers figures, never the rows behind them.

import type Database from 'better-sqlite3';
import type { InsightFigures, LatestContribution, RepositoryActivity, RepositoryExtent } from './insight-types.js';
import { filterClause } from './sqlite.js';
import { CONTRIBUTION_FROM } from './stored-rows.js';
import { REPOSITORY_ASSET, type ContributionFilter } from './types.js';

export function sqliteInsight(db: Database.Database, filter: ContributionFilter, latest: number): InsightFigures {
  const { where, params } = filterClause(filter);
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const coherence = db
    .prepare(
      `SELECT score, COUNT(*) AS commits FROM (
         SELECT MAX(CAST(ROUND(c.coherence_score * 100) AS INTEGER)) AS score
         FROM ${CONTRIBUTION_FROM} ${whereSql}
         GROUP BY c.asset_id, c.commit_hash
       ) GROUP BY score ORDER BY score`,
    )
    .all(params) as Array<{ score: number; commits: number }>;
  const repositories = db
    .prepare(
      `SELECT a.name AS repository, COUNT(DISTINCT c.contributor_id) AS contributors, MAX(c.timestamp) AS last_commit_at
       FROM ${CONTRIBUTION_FROM} ${whereSql} GROUP BY a.name ORDER BY a.name`,
    )
    .all(params) as RepositoryExtent[];
  const newest = db
    .prepare(
      `SELECT a.name AS repository, c.commit_hash, p.email AS contributor_email, p.name AS contributor_name, c.role,
         c.timestamp, c.cost_cents, c.coherence_score, c.lines_added, c.lines_deleted, json_extract(c.meta, '$.subject') AS subject
       FROM ${CONTRIBUTION_FROM} ${whereSql} ORDER BY c.timestamp DESC, c.id DESC LIMIT @latest`,
    )
    .all({ ...params, latest: Math.max(0, Math.trunc(latest)) }) as LatestContribution[];
  const names = db.prepare('SELECT name FROM assets WHERE asset_type = ? ORDER BY name').pluck().all(REPOSITORY_ASSET) as string[];
  return {
    coherence: coherence.map((row) => ({ score: row.score / 100, commits: row.commits })),
    repositories,
    latest: newest.map((row) => ({ ...row, subject: typeof row.subject === 'string' ? row.subject : null })),
    repository_names: names,
  };
}

/** One index probe per repository (contributions_by_asset_received), however many rows each holds. */
export function sqliteRepositoryActivity(db: Database.Database): RepositoryActivity[] {
  return db
    .prepare(
      `SELECT name AS repository, last_received_at FROM (
         SELECT a.name, (SELECT MAX(c.created_at) FROM contributions c WHERE c.asset_id = a.id) AS last_received_at
         FROM assets a WHERE a.asset_type = ?
       ) WHERE last_received_at IS NOT NULL ORDER BY name`,
    )
    .all(REPOSITORY_ASSET) as RepositoryActivity[];
}
