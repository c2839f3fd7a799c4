// The dashboard's aggregates on SQLite: one scan of the contributions_for_insight index (it holds every
// column the figures need, so the rows themselves, wide with their metadata, are never read), folded
// into cells, people and repositories by insight-rollup.ts; the latest contributions; and each
// repository's latest receipt (for monitoring). A long-running store keeps its folds (InsightFolds) and
// adds only the rows written since, so the first dashboard after a push reads one row, not them all.

import type Database from 'better-sqlite3';
import type { InsightFigures, LatestContribution, RepositoryActivity } from './insight-types.js';
import { InsightFold, namedFigures, peopleOf, type ContributorRow, type InsightRow, type People } from './insight-rollup.js';
import { KeptFolds, selectionKey } from './kept-folds.js';
import { filterClause } from './sqlite.js';
import { CONTRIBUTOR_PEOPLE_SQL, MERGED_PRIMARIES_SQL, personContributorIds } from './identities.js';
import { CONTRIBUTION_FROM } from './stored-rows.js';
import { REPOSITORY_ASSET, type ContributionFilter } from './types.js';

const INSIGHT_INDEX = 'contributions_for_insight';
const SCAN_COLUMNS = `c.asset_id, c.commit_hash, c.contributor_id, c.timestamp, c.cost_cents, CAST(ROUND(c.coherence_score * 100) AS INTEGER),
  c.lines_added, c.lines_deleted, c.files_changed`;

interface KeptFold {
  fold: InsightFold;
  /** insight_epoch when the fold was made: any change but an insert moves it (migration 8). */
  epoch: number;
  /** The newest rowid folded, and how many rows the table held then. */
  rowid: number;
  rows: number;
}

/**
 * Folds kept per selection, for a store that stays open (the server). Rows are only ever added at the
 * end of the rowid order, so while insight_epoch stands still the rows after a fold's newest rowid are
 * exactly those written since. A count of the table guards what the epoch cannot see (a VACUUM
 * renumbering rowids): when the rows before and after do not add up, the fold is made again.
 */
export class InsightFolds {
  readonly #kept = new KeptFolds<KeptFold>();

  figures(db: Database.Database, filter: ContributionFilter, latest: number): InsightFigures {
    const key = selectionKey(filter);
    // One read transaction: the epoch, the rowids and the rows read are one snapshot.
    return db.transaction(() => {
      const epoch = db.prepare('SELECT n FROM insight_epoch').pluck().get() as number;
      const [rowid, rows] = db.prepare('SELECT COALESCE(MAX(rowid), 0), COUNT(*) FROM contributions').raw().get() as [number, number];
      const { contributors, people } = readPeople(db);
      const kept = this.#kept.take(key);
      const { where, params } = scanFilter(filter);
      let fold: InsightFold;
      if (kept?.epoch === epoch && kept.rowid <= rowid && kept.rows + this.#countAfter(db, kept.rowid) === rows) {
        fold = kept.fold;
        fold.add(newRows(db, where, params, kept.rowid), people);
      } else {
        fold = new InsightFold();
        fold.add(scan(db, where, params), people);
      }
      this.#kept.keep(key, { fold, epoch, rowid, rows });
      return shape(db, fold, contributors, filter, latest);
    })();
  }

  #countAfter(db: Database.Database, rowid: number): number {
    return db.prepare('SELECT COUNT(*) FROM contributions WHERE rowid > ?').pluck().get(rowid) as number;
  }
}

/** The figures computed afresh from every row of the selection (a one-off store: the CLI's report). */
export function sqliteInsight(db: Database.Database, filter: ContributionFilter, latest: number): InsightFigures {
  const { where, params } = scanFilter(filter);
  const { contributors, people } = readPeople(db);
  const fold = new InsightFold();
  fold.add(scan(db, where, params), people);
  return shape(db, fold, contributors, filter, latest);
}

/** The selection's rows through the covering index, never the rows themselves. */
function scan(db: Database.Database, where: string[], params: Record<string, string>): IterableIterator<InsightRow> {
  return db
    .prepare(`SELECT ${SCAN_COLUMNS} FROM contributions c INDEXED BY ${INSIGHT_INDEX} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`)
    .raw()
    .iterate(params) as IterableIterator<InsightRow>;
}

/**
 * The selection's rows after a rowid, through the table's rowid order (NOT INDEXED keeps the planner
 * there); streamed, since a backfill may have written millions since.
 */
function newRows(db: Database.Database, where: string[], params: Record<string, string>, after: number): IterableIterator<InsightRow> {
  return db
    .prepare(`SELECT ${SCAN_COLUMNS} FROM contributions c NOT INDEXED WHERE ${['c.rowid > @after', ...where].join(' AND ')}`)
    .raw()
    .iterate({ ...params, after }) as IterableIterator<InsightRow>;
}

/** Every contributor, and every person counted once, under their primary address (see identities.ts). */
function readPeople(db: Database.Database): { contributors: ContributorRow[]; people: People } {
  const contributors = db.prepare(CONTRIBUTOR_PEOPLE_SQL).raw().all() as ContributorRow[];
  return { contributors, people: peopleOf(contributors, db.prepare(MERGED_PRIMARIES_SQL).pluck().all() as string[]) };
}

/** The fold's figures with names, the latest contributions and the repositories known. */
function shape(db: Database.Database, fold: InsightFold, contributors: readonly ContributorRow[], filter: ContributionFilter, latest: number): InsightFigures {
  const assets = new Map(db.prepare('SELECT id, name FROM assets WHERE asset_type = ?').raw().all(REPOSITORY_ASSET) as Array<[string, string]>);
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
    ...namedFigures(fold, assets, contributors),
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
