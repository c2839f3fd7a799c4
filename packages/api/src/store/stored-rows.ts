// Reading rows back into the contract's shapes, for both adapters. The query that joins a contribution
// with its contributor and repository is the same SQL in both dialects; the adapters differ only in how
// meta arrives (SQLite hands back JSON text, PostgreSQL parsed JSONB), so they pass it in parsed.

import { formatCents } from '@coherence/core';
import { establishedMetadata } from './established-metadata.js';
import type { StoredAsset, StoredContribution, StoredContributor } from './types.js';

const CONTRIBUTION_JOINS = 'JOIN contributors p ON p.id = c.contributor_id JOIN assets a ON a.id = c.asset_id';
export const CONTRIBUTION_COLUMNS = `
  c.id, c.contributor_id, c.asset_id, c.commit_hash, c.cost_cents, c.coherence_score, c.timestamp, c.created_at,
  c.meta, p.email AS contributor_email, p.name AS contributor_name, a.name AS repository`;
export const CONTRIBUTION_FROM = `contributions c ${CONTRIBUTION_JOINS}`;

/** CONTRIBUTION_FROM over another relation of contribution rows (a CTE of rows just inserted). */
export function contributionsJoined(relation: string): string {
  return `${relation} c ${CONTRIBUTION_JOINS}`;
}

/** A row of CONTRIBUTION_COLUMNS, meta as the driver returns it. */
export interface ContributionRow<Meta> {
  id: string;
  contributor_id: string;
  asset_id: string;
  commit_hash: string;
  cost_cents: number;
  coherence_score: number;
  timestamp: string;
  created_at: string;
  meta: Meta;
  contributor_email: string;
  contributor_name: string;
  repository: string;
}

/** A row of the assets table, meta as the driver returns it. */
export interface AssetRow<Meta> {
  id: string;
  name: string;
  asset_type: string;
  total_cost_cents: number;
  created_at: string;
  meta: Meta;
}

/** A contributor row with its identity links: `merged_into` when it is an alias, its `aliases` when a primary. */
export interface ContributorRow {
  id: string;
  name: string;
  email: string;
  created_at: string;
  meta: Record<string, unknown>;
  merged_into: string | null;
  aliases: string[];
}

export function toStoredContributor(row: ContributorRow): StoredContributor {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    created_at: row.created_at,
    meta: row.meta,
    aliases: row.aliases,
    ...(row.merged_into === null ? {} : { merged_into: row.merged_into }),
  };
}

export function toStoredAsset(row: AssetRow<unknown>, meta: Record<string, unknown>): StoredAsset {
  return {
    id: row.id,
    name: row.name,
    asset_type: row.asset_type,
    total_cost: formatCents(row.total_cost_cents),
    total_cost_cents: row.total_cost_cents,
    created_at: row.created_at,
    meta,
  };
}

export function toStoredContribution(row: ContributionRow<unknown>, meta: StoredContribution['meta']): StoredContribution {
  return {
    id: row.id,
    contributor_id: row.contributor_id,
    asset_id: row.asset_id,
    commit_hash: row.commit_hash,
    cost_amount: formatCents(row.cost_cents),
    cost_cents: row.cost_cents,
    coherence_score: row.coherence_score,
    timestamp: row.timestamp,
    created_at: row.created_at,
    contributor_email: row.contributor_email,
    contributor_name: row.contributor_name,
    repository: row.repository,
    meta,
    metadata: establishedMetadata(row, meta as Record<string, unknown>),
  };
}
