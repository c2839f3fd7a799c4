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
];
