// The dashboard's aggregates on SQLite: one scan of the contributions_for_insight index (it holds every
// column the figures need, so the rows themselves, wide with their metadata, are never read), folded
// into cells, people and repositories by insight-rollup.ts; the latest contributions; and each
// repository's latest receipt (for monitoring).

import type Database from 'better-sqlite3';
import type { InsightFigures, InsightPerson, LatestContribution, RepositoryActivity } from './insight-types.js';
import { rollUp, type InsightRow } from './insight-rollup.js';
import { filterClause } from './sqlite.js';
import { IDENTITY_LINKS_JOIN, PERSON_EMAIL, personContributorIds, personName } from './identities.js';
import { CONTRIBUTION_FROM } from './stored-rows.js';
import { REPOSITORY_ASSET, type ContributionFilter } from './types.js';

const INSIGHT_INDEX = 'contributions_for_insight';

export function sqliteInsight(db: Database.Database, filter: ContributionFilter, latest: number): InsightFigures {
  const assets = new Map(
    (db.prepare('SELECT id, name FROM assets WHERE asset_type = ?').raw().all(REPOSITORY_ASSET) as Array<[string, string]>).map(([id, name]) => [id, name]),
  );
  const { where, params } = scanFilter(filter);
  const rows = db
    .prepare(
      `SELECT c.asset_id, c.commit_hash, c.contributor_id, c.timestamp, c.cost_cents, CAST(ROUND(c.coherence_score * 100) AS INTEGER),
         c.lines_added, c.lines_deleted, c.files_changed
       FROM contributions c INDEXED BY ${INSIGHT_INDEX} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
    )
    .raw()
    .iterate(params) as IterableIterator<InsightRow>;
  // Every person counts once, under their primary address (see identities.ts).
  const persons = new Map(
    db
      .prepare(`SELECT p.id, ${PERSON_EMAIL} FROM contributors p ${IDENTITY_LINKS_JOIN}`)
      .raw()
      .all() as Array<[string, string]>,
  );
  const mergedPeople = new Set(db.prepare('SELECT primary_email FROM identity_links').pluck().all() as string[]);
  const rollup = rollUp(rows, (id) => assets.get(id) ?? id, { personOf: (id) => persons.get(id) ?? id, merged: (person) => mergedPeople.has(person) });

  const named = db
    .prepare(`SELECT value, ${personName('value', "''")} FROM json_each(?)`)
    .raw()
    .all(JSON.stringify([...rollup.people.keys()])) as Array<[string, string]>;
  const people: InsightPerson[] = named.map(([email, name]) => ({ email, name, ...rollup.people.get(email)! }));

  const { where: listWhere, params: listParams } = filterClause(filter);
  const newest = db
    .prepare(
      `SELECT a.name AS repository, c.commit_hash, p.email AS contributor_email, p.name AS contributor_name, c.role,
         c.timestamp, c.cost_cents, c.coherence_score, c.lines_added, c.lines_deleted, json_extract(c.meta, '$.subject') AS subject
       FROM ${CONTRIBUTION_FROM} ${listWhere.length ? `WHERE ${listWhere.join(' AND ')}` : ''}
       ORDER BY c.timestamp DESC, c.id DESC LIMIT @latest`,
    )
    .all({ ...listParams, latest: Math.max(0, Math.trunc(latest)) }) as LatestContribution[];
  return {
    cells: rollup.cells,
    people,
    repositories: [...rollup.repositories].map(([id, extent]) => ({ repository: assets.get(id) ?? id, ...extent })),
    latest: newest.map((row) => ({ ...row, subject: typeof row.subject === 'string' ? row.subject : null })),
    repository_names: [...assets.values()].sort(),
  };
}

/** The selection as conditions on the index's own columns (names resolved to ids), so no row is joined. */
function scanFilter(filter: ContributionFilter): { where: string[]; params: Record<string, string> } {
  // The other conditions are on the contributions' own columns already.
  const { repository: _repository, contributorEmail: _email, ...own } = filter;
  const { where, params } = filterClause(own);
  if (filter.repository !== undefined) {
    where.push(`c.asset_id IN (SELECT id FROM assets WHERE asset_type = '${REPOSITORY_ASSET}' AND name = @repository)`);
    params.repository = filter.repository;
  }
  if (filter.contributorEmail !== undefined) {
    where.push(`c.contributor_id IN (${personContributorIds('@email')})`);
    params.email = filter.contributorEmail.trim().toLowerCase();
  }
  return { where, params };
}

/** Per repository, the newest created_at among its entries of contributions_for_insight. */
export function sqliteRepositoryActivity(db: Database.Database): RepositoryActivity[] {
  return db
    .prepare(
      `SELECT name AS repository, last_received_at FROM (
         SELECT a.name, (SELECT MAX(c.created_at) FROM contributions c INDEXED BY ${INSIGHT_INDEX} WHERE c.asset_id = a.id) AS last_received_at
         FROM assets a WHERE a.asset_type = ?
       ) WHERE last_received_at IS NOT NULL ORDER BY name`,
    )
    .all(REPOSITORY_ASSET) as RepositoryActivity[];
}
