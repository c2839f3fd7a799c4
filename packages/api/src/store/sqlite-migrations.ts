// Versioned schema for the SQLite store. Append new versions; never edit an applied one.
// Money is integer cents; the dollar columns are generated from them for people reading the file directly.

import type Database from 'better-sqlite3';

/** Whether the file's schema has the table: what a read-only store, which cannot migrate, checks. */
export function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The version that adds insight_epoch, which the server's kept dashboard folds need (sqlite-insight.ts). */
export const INSIGHT_EPOCH_VERSION = 8;

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'contributors, assets, contributions',
    sql: `
      CREATE TABLE contributors (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}'
      );
      CREATE TABLE assets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        asset_type TEXT NOT NULL,
        total_cost_cents INTEGER NOT NULL DEFAULT 0,
        total_cost TEXT GENERATED ALWAYS AS (printf('%d.%02d', total_cost_cents / 100, total_cost_cents % 100)) VIRTUAL,
        created_at TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',
        UNIQUE (asset_type, name)
      );
      CREATE TABLE contributions (
        id TEXT PRIMARY KEY,
        contributor_id TEXT NOT NULL REFERENCES contributors (id),
        asset_id TEXT NOT NULL REFERENCES assets (id),
        commit_hash TEXT NOT NULL,
        role TEXT NOT NULL,
        cost_cents INTEGER NOT NULL CHECK (cost_cents >= 0),
        cost_amount TEXT GENERATED ALWAYS AS (printf('%d.%02d', cost_cents / 100, cost_cents % 100)) VIRTUAL,
        coherence_score REAL NOT NULL CHECK (coherence_score BETWEEN 0 AND 1),
        files_changed INTEGER NOT NULL,
        lines_added INTEGER NOT NULL,
        lines_deleted INTEGER NOT NULL,
        timestamp TEXT NOT NULL,
        created_at TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',
        UNIQUE (asset_id, commit_hash, contributor_id)
      );
      CREATE INDEX contributions_by_time ON contributions (timestamp, id);
      CREATE INDEX contributions_by_contributor ON contributions (contributor_id, timestamp);
      CREATE INDEX contributions_by_commit ON contributions (commit_hash);
      -- Commits a backfill has already read (with the settings it read them under), so a resumed or
      -- repeated run skips them instead of reading git's diffs again.
      CREATE TABLE tracked_commits (
        asset_id TEXT NOT NULL REFERENCES assets (id),
        commit_hash TEXT NOT NULL,
        settings TEXT NOT NULL,
        PRIMARY KEY (asset_id, commit_hash)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'find commits through the unique key',
    // Every contribution index keyed by a commit hash is written at random places, and each one costs a
    // batch thousands of page writes. The unique (asset, commit, contributor) key already finds a
    // commit once the asset is given, so the separate commit index goes.
    sql: `DROP INDEX contributions_by_commit;`,
  },
  {
    version: 4,
    name: 'repository totals follow every change to a contribution',
    // Whatever rewrites or removes a contribution (a rescore's UPDATE, a DELETE) moves
    // assets.total_cost_cents with it in the same transaction, through these triggers. Inserts are the
    // store's own: it adds each transaction's new cost once per repository, because a trigger per
    // inserted row made 1,000-row batches ~35% slower. SQLite has one writer at a time, so the assets
    // row is no hot spot here; the PostgreSQL store uses delta rows instead.
    sql: `
      CREATE TRIGGER contributions_cost_updated AFTER UPDATE OF cost_cents, asset_id ON contributions BEGIN
        UPDATE assets SET total_cost_cents = total_cost_cents - OLD.cost_cents WHERE id = OLD.asset_id;
        UPDATE assets SET total_cost_cents = total_cost_cents + NEW.cost_cents WHERE id = NEW.asset_id;
      END;
      CREATE TRIGGER contributions_cost_deleted AFTER DELETE ON contributions BEGIN
        UPDATE assets SET total_cost_cents = total_cost_cents - OLD.cost_cents WHERE id = OLD.asset_id;
      END;
      UPDATE assets SET total_cost_cents = COALESCE((SELECT SUM(c.cost_cents) FROM contributions c WHERE c.asset_id = assets.id), 0);
    `,
  },
  {
    version: 5,
    name: 'an index holding every figure the dashboard sums',
    // The dashboard's figures are sums over a selection's rows. Scanning the rows reads their metadata
    // too (most of each row); this index holds only the columns summed, ordered by repository and
    // time, so a selection is one range of it. created_at is in it for monitoring, which asks on every
    // scrape when each repository last received something.
    sql: `CREATE INDEX contributions_for_insight ON contributions (asset_id, timestamp, commit_hash, contributor_id, cost_cents,
      coherence_score, lines_added, lines_deleted, files_changed, created_at);`,
  },
  {
    version: 6,
    name: 'identity links: aliases counted under a primary address',
    // Keyed on normalised addresses, so a merge also covers an address's contributions recorded later.
    sql: `
      CREATE TABLE identity_links (
        alias_email TEXT PRIMARY KEY,
        primary_email TEXT NOT NULL,
        created_at TEXT NOT NULL,
        CHECK (alias_email <> primary_email)
      ) WITHOUT ROWID;
      CREATE INDEX identity_links_by_primary ON identity_links (primary_email);
    `,
  },
  {
    version: 7,
    name: 'a person is named as on their newest commit',
    // name_at is the commit time of the name stored, so writes in any order settle on the same name.
    // Existing people start from their newest stored contribution.
    sql: `
      ALTER TABLE contributors ADD COLUMN name_at TEXT;
      UPDATE contributors SET name_at = (SELECT MAX(c.timestamp) FROM contributions c WHERE c.contributor_id = contributors.id);
    `,
  },
  {
    version: 8,
    name: 'an epoch that moves with every change to the figures but an insert',
    // The server keeps its dashboard folds and adds only the rows inserted since (sqlite-insight.ts); it
    // folds again from scratch when this moves: a rewritten figure, a removed row, an identity merged or
    // unmerged. Inserts leave it alone: they are what the folds add. coherence_score is left out of the
    // update trigger: a rescore rewrites it in nearly every row, and a trigger per row cost rescores a
    // fifth of their speed, so the rescore moves the epoch itself, once per chunk.
    sql: `
      CREATE TABLE insight_epoch (n INTEGER NOT NULL);
      INSERT INTO insight_epoch (n) VALUES (0);
      CREATE TRIGGER contributions_insight_updated AFTER UPDATE OF asset_id, commit_hash, contributor_id, timestamp, cost_cents,
        lines_added, lines_deleted, files_changed ON contributions BEGIN
        UPDATE insight_epoch SET n = n + 1;
      END;
      CREATE TRIGGER contributions_insight_deleted AFTER DELETE ON contributions BEGIN
        UPDATE insight_epoch SET n = n + 1;
      END;
      CREATE TRIGGER identity_links_inserted AFTER INSERT ON identity_links BEGIN UPDATE insight_epoch SET n = n + 1; END;
      CREATE TRIGGER identity_links_updated AFTER UPDATE ON identity_links BEGIN UPDATE insight_epoch SET n = n + 1; END;
      CREATE TRIGGER identity_links_deleted AFTER DELETE ON identity_links BEGIN UPDATE insight_epoch SET n = n + 1; END;
    `,
  },
];
