// Reads a Coherence SQLite file directly with better-sqlite3, independent of the store code under test.

import Database from 'better-sqlite3';

export interface ContributionRow {
  commit_hash: string;
  email: string;
  name: string;
  repository: string;
  role: string;
  cost_cents: number;
  cost_amount: string;
  coherence_score: number;
  files_changed: number;
  lines_added: number;
  lines_deleted: number;
  timestamp: string;
  meta: Record<string, any>;
}

export function readContributions(path: string): ContributionRow[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT c.commit_hash, p.email, p.name, a.name AS repository, c.role, c.cost_cents, c.cost_amount, c.coherence_score,
                c.files_changed, c.lines_added, c.lines_deleted, c.timestamp, c.meta
         FROM contributions c JOIN contributors p ON p.id = c.contributor_id JOIN assets a ON a.id = c.asset_id
         ORDER BY c.commit_hash, c.role, p.email`,
      )
      .all() as Array<Omit<ContributionRow, 'meta'> & { meta: string }>;
    return rows.map((row) => ({ ...row, meta: JSON.parse(row.meta) }));
  } finally {
    db.close();
  }
}

export function queryOne<T>(path: string, sql: string, ...params: unknown[]): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).get(...params) as T;
  } finally {
    db.close();
  }
}

/** Everything a user could see in the file, minus ids and insert times: equal across equivalent runs. */
export function databaseContent(path: string): string {
  const rows = readContributions(path).map((row) => ({ ...row }));
  const assets = queryAll(path, 'SELECT name, asset_type, total_cost_cents, total_cost FROM assets ORDER BY name');
  const contributors = queryAll(path, 'SELECT name, email, meta FROM contributors ORDER BY email');
  return JSON.stringify({ rows, assets, contributors });
}

export function queryAll<T = Record<string, unknown>>(path: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Contribution rows committed so far, from another process; 0 while the file or its schema does not exist yet. */
export function committedRows(path: string): number {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM contributions').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

export interface EveryRow {
  contributors: Record<string, unknown>[];
  assets: Record<string, unknown>[];
  contributions: Record<string, unknown>[];
  tracked_commits: Record<string, unknown>[];
}

/**
 * Every stored column of every table, ids included, by id: what two runs that should agree must agree on.
 * Left out: the insert times (created_at), which record when, not what, and the generated dollar columns.
 */
export function everyRow(path: string): EveryRow {
  const parsed = (rows: Record<string, unknown>[]) => rows.map((row) => ('meta' in row ? { ...row, meta: JSON.parse(row.meta as string) } : row));
  return {
    contributors: parsed(queryAll(path, 'SELECT id, name, email, meta, name_at FROM contributors ORDER BY id')),
    assets: parsed(queryAll(path, 'SELECT id, name, asset_type, total_cost_cents, meta FROM assets ORDER BY id')),
    contributions: parsed(
      queryAll(
        path,
        `SELECT id, contributor_id, asset_id, commit_hash, role, cost_cents, coherence_score, files_changed, lines_added,
                lines_deleted, timestamp, meta
         FROM contributions ORDER BY id`,
      ),
    ),
    tracked_commits: queryAll(path, 'SELECT asset_id, commit_hash, settings FROM tracked_commits ORDER BY asset_id, commit_hash'),
  };
}
