// Versioned schema for the PostgreSQL store, the same tables as SQLite's. Append new versions; never edit
// an applied one. Money is integer cents (BIGINT); the NUMERIC dollar columns are generated from them.

import type { Migration } from './sqlite-migrations.js';

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'contributors, assets, contributions',
    sql: `
      CREATE TABLE contributors (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE,
        created_at TIMESTAMPTZ NOT NULL,
        meta JSONB NOT NULL DEFAULT '{}'
      );
      CREATE TABLE assets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        asset_type TEXT NOT NULL,
        total_cost_cents BIGINT NOT NULL DEFAULT 0,
        total_cost NUMERIC(14, 2) GENERATED ALWAYS AS (total_cost_cents::numeric / 100) STORED,
        created_at TIMESTAMPTZ NOT NULL,
        meta JSONB NOT NULL DEFAULT '{}',
        UNIQUE (asset_type, name)
      );
      CREATE TABLE contributions (
        id TEXT PRIMARY KEY,
        contributor_id TEXT NOT NULL REFERENCES contributors (id),
        asset_id TEXT NOT NULL REFERENCES assets (id),
        commit_hash TEXT NOT NULL,
        role TEXT NOT NULL,
        cost_cents BIGINT NOT NULL CHECK (cost_cents >= 0),
        cost_amount NUMERIC(12, 2) GENERATED ALWAYS AS (cost_cents::numeric / 100) STORED,
        coherence_score NUMERIC(3, 2) NOT NULL CHECK (coherence_score BETWEEN 0 AND 1),
        files_changed BIGINT NOT NULL,
        lines_added BIGINT NOT NULL,
        lines_deleted BIGINT NOT NULL,
        timestamp TIMESTAMPTZ NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        meta JSONB NOT NULL DEFAULT '{}',
        UNIQUE (asset_id, commit_hash, contributor_id)
      );
      CREATE INDEX contributions_by_time ON contributions (timestamp, id);
      CREATE INDEX contributions_by_contributor ON contributions (contributor_id, timestamp);
      CREATE INDEX contributions_by_commit ON contributions (commit_hash);
      CREATE TABLE tracked_commits (
        asset_id TEXT NOT NULL REFERENCES assets (id),
        commit_hash TEXT NOT NULL,
        settings TEXT NOT NULL,
        PRIMARY KEY (asset_id, commit_hash)
      );
    `,
  },
  {
    version: 4,
    name: 'repository totals from cost deltas, not a hot row',
    // Updating assets.total_cost_cents in every write made all writers of one repository queue on that row
    // until the previous one's commit. Instead, triggers turn every change to contributions.cost_cents
    // (inserts, updates such as a rescore, deletes) into delta rows, inserted in the same transaction:
    // inserts never wait on each other. A repository's total is its assets column plus its pending deltas
    // (the asset_totals view); each server folds the deltas into the column off the request path.
    sql: `
      CREATE TABLE asset_cost_deltas (
        asset_id TEXT NOT NULL,
        cents BIGINT NOT NULL
      );
      CREATE INDEX asset_cost_deltas_by_asset ON asset_cost_deltas (asset_id);

      CREATE FUNCTION contributions_cost_deltas() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO asset_cost_deltas (asset_id, cents)
          SELECT asset_id, SUM(cost_cents) FROM new_rows GROUP BY asset_id HAVING SUM(cost_cents) <> 0;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO asset_cost_deltas (asset_id, cents)
          SELECT asset_id, -SUM(cost_cents) FROM old_rows GROUP BY asset_id HAVING SUM(cost_cents) <> 0;
        ELSE
          INSERT INTO asset_cost_deltas (asset_id, cents)
          SELECT asset_id, SUM(cents) FROM (
            SELECT asset_id, cost_cents AS cents FROM new_rows
            UNION ALL
            SELECT asset_id, -cost_cents FROM old_rows
          ) AS changed GROUP BY asset_id HAVING SUM(cents) <> 0;
        END IF;
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER contributions_cost_inserted AFTER INSERT ON contributions
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contributions_cost_deltas();
      CREATE TRIGGER contributions_cost_updated AFTER UPDATE ON contributions
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contributions_cost_deltas();
      CREATE TRIGGER contributions_cost_deleted AFTER DELETE ON contributions
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contributions_cost_deltas();

      -- What a repository's total is at any moment, for anyone reading the database directly.
      CREATE VIEW asset_totals AS
        SELECT a.id AS asset_id,
          a.total_cost_cents + COALESCE((SELECT SUM(d.cents) FROM asset_cost_deltas d WHERE d.asset_id = a.id), 0) AS total_cost_cents
        FROM assets a;

      -- Start from totals recomputed from the contributions themselves.
      UPDATE assets SET total_cost_cents = COALESCE((SELECT SUM(c.cost_cents) FROM contributions c WHERE c.asset_id = assets.id), 0);
    `,
  },
  {
    version: 5,
    name: 'an index holding every figure the dashboard sums',
    // A selection of one repository and a time range is one range of this index, and its INCLUDE columns
    // let the sums run as an index-only scan. created_at is there for monitoring, which asks on every
    // scrape when each repository last received something.
    sql: `CREATE INDEX contributions_for_insight ON contributions (asset_id, timestamp)
      INCLUDE (commit_hash, contributor_id, cost_cents, coherence_score, lines_added, lines_deleted, files_changed, created_at);`,
  },
  {
    version: 6,
    name: 'identity links: aliases counted under a primary address',
    sql: `
      CREATE TABLE identity_links (
        alias_email TEXT PRIMARY KEY,
        primary_email TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        CHECK (alias_email <> primary_email)
      );
      CREATE INDEX identity_links_by_primary ON identity_links (primary_email);
    `,
  },
  {
    version: 7,
    name: 'a person is named as on their newest commit',
    sql: `
      ALTER TABLE contributors ADD COLUMN name_at TIMESTAMPTZ;
      UPDATE contributors SET name_at = (SELECT MAX(c.timestamp) FROM contributions c WHERE c.contributor_id = contributors.id);
    `,
  },
  {
    version: 8,
    name: 'a data version: every write statement adds one',
    // What the dashboard's cache compares (dataVersion()): SUM(changes) grows with every committed write
    // to what the figures are read from, from any server or anyone else, and a reader sees it in the
    // same snapshot as the data. Inserted rows, not a counter row, so writers never wait on each other;
    // the fold sums them into one row, leaving the total unchanged. assets.total_cost_cents is not among
    // the figures, so the fold of the cost deltas, which updates only it, adds nothing. One row per
    // transaction is enough: a transaction-local setting says this one has written its row (in this
    // schema), which kept a single post's several statements from adding ~20% to its time.
    sql: `
      CREATE TABLE data_changes (changes BIGINT NOT NULL);
      CREATE FUNCTION data_changed() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      BEGIN
        IF current_setting('coherence.data_changed', true) IS DISTINCT FROM TG_TABLE_SCHEMA THEN
          PERFORM set_config('coherence.data_changed', TG_TABLE_SCHEMA, true);
          INSERT INTO data_changes (changes) VALUES (1);
        END IF;
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER contributions_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON contributions
        FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
      CREATE TRIGGER contributors_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON contributors
        FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
      CREATE TRIGGER identity_links_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON identity_links
        FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
      CREATE TRIGGER assets_changed AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF name, asset_type ON assets
        FOR EACH STATEMENT EXECUTE FUNCTION data_changed();
    `,
  },
  {
    version: 9,
    name: 'the transaction that inserted each contribution, and an epoch of every other change to the figures',
    // Each server keeps its dashboard folds and adds only the rows inserted since (postgres-insight.ts):
    // the rows whose inserting transaction the fold's snapshot did not see. A sequence would not do: with
    // concurrent writers, numbers are not committed in order. Rows from before this version have none
    // and count as seen (the column is added without a default, so the table is not rewritten). The
    // folds are made again when figure_changes grows: a rewritten figure (a rescore), a removed row, an
    // identity merged or unmerged; one row per statement, inserted, so writers never wait on a row.
    sql: `
      ALTER TABLE contributions ADD COLUMN inserted_by xid8;
      ALTER TABLE contributions ALTER COLUMN inserted_by SET DEFAULT pg_current_xact_id();
      CREATE INDEX contributions_by_inserting_transaction ON contributions (inserted_by);
      CREATE TABLE figure_changes (changes BIGINT NOT NULL);
      CREATE FUNCTION figures_changed() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
      BEGIN
        INSERT INTO figure_changes (changes) VALUES (1);
        RETURN NULL;
      END
      $fn$;
      CREATE TRIGGER contributions_figures_updated AFTER UPDATE OF asset_id, commit_hash, contributor_id, timestamp, cost_cents,
        coherence_score, lines_added, lines_deleted, files_changed ON contributions FOR EACH STATEMENT EXECUTE FUNCTION figures_changed();
      CREATE TRIGGER contributions_figures_removed AFTER DELETE OR TRUNCATE ON contributions
        FOR EACH STATEMENT EXECUTE FUNCTION figures_changed();
      CREATE TRIGGER identity_links_figures_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON identity_links
        FOR EACH STATEMENT EXECUTE FUNCTION figures_changed();
    `,
  },
];
