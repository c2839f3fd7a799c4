// The one contract every contribution store keeps, whatever database is behind it.
// The CLI writes through it, the API serves from it, and the same contract tests run against each adapter.

import type { ContributionMeta, ContributionRecord } from '@coherence/core';
import type { WriteGroupStats } from './write-groups.js';
import type { InsightFigures, PoolStatus, RepositoryActivity } from './insight-types.js';
import type { IdentityStore } from './identities.js';

export const REPOSITORY_ASSET = 'REPOSITORY';

export interface StoredContributor {
  id: string;
  name: string;
  email: string;
  created_at: string;
  meta: Record<string, unknown>;
  /** Addresses merged into this one: their contributions count under this person. */
  aliases: string[];
  /** Set when this address is merged into another: the primary it counts under. */
  merged_into?: string;
}

export interface StoredAsset {
  id: string;
  name: string;
  asset_type: string;
  /** Dollars with two decimals, as text so no float ever carries money. */
  total_cost: string;
  total_cost_cents: number;
  created_at: string;
  meta: Record<string, unknown>;
}

export interface StoredContribution {
  id: string;
  contributor_id: string;
  asset_id: string;
  commit_hash: string;
  cost_amount: string;
  cost_cents: number;
  coherence_score: number;
  timestamp: string;
  created_at: string;
  contributor_email: string;
  contributor_name: string;
  repository: string;
  meta: ContributionMeta | Record<string, unknown>;
  /** The established model's view: the client's own metadata keys, the commit's figures and subject. */
  metadata: Record<string, unknown>;
}

export type IngestStatus = 'created' | 'duplicate';

/** What the batch route needs: the outcome and the row's id, without reading the row back. */
export interface IngestResult {
  status: IngestStatus;
  id: string;
}

export interface IngestOutcome {
  status: IngestStatus;
  contribution: StoredContribution;
}

export interface IngestCounts {
  created: number;
  duplicates: number;
}

/** The original id-based form: both ids must already exist. */
export interface ContributionById {
  contributor_id: string;
  asset_id: string;
  commit_hash: string;
  cost_cents: number;
  coherence_score: number;
  timestamp: string;
  meta: Record<string, unknown>;
}

export type ByIdOutcome = IngestOutcome | { status: 'unknown_contributor' } | { status: 'unknown_asset' };

export interface ContributionFilter {
  repository?: string;
  contributorEmail?: string;
  contributorId?: string;
  assetId?: string;
  /** Inclusive lower bound on the contribution timestamp (UTC ISO). */
  since?: string;
  /** Exclusive upper bound on the contribution timestamp (UTC ISO). */
  until?: string;
}

export interface PageRequest {
  /** Opaque, from a previous page's nextCursor. */
  cursor?: string;
  limit: number;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export type ReportGrouping = 'contributor' | 'day' | 'week' | 'month' | 'repository';

export interface ReportRow {
  /** Email, date (YYYY-MM-DD; a week is named by its Monday), month (YYYY-MM) or repository name. */
  key: string;
  name: string;
  commits: number;
  contributions: number;
  lines_added: number;
  lines_deleted: number;
  files_changed: number;
  cost_cents: number;
  /** Mean coherence over the group's commits, two decimals. */
  mean_coherence: number;
}

export interface Stats {
  per_day: Array<{ day: string; commits: number; contributions: number; cost_cents: number }>;
  top_contributors: ReportRow[];
}

export interface ContributionStore extends IdentityStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Group-commit counters, where the store gathers concurrent writes into one transaction. */
  readonly writeGroups?: WriteGroupStats;
  /** Stores records in one transaction; an existing (repository, commit, contributor) is a duplicate, not an error. */
  ingest(records: readonly ContributionRecord[]): Promise<IngestOutcome[]>;
  /** As ingest, in one transaction, answering only status and id (the batch route's fast path). */
  ingestIds(records: readonly ContributionRecord[]): Promise<IngestResult[]>;
  createById(input: ContributionById): Promise<ByIdOutcome>;
  getContributor(id: string): Promise<StoredContributor | undefined>;
  listContributors(page: PageRequest): Promise<Page<StoredContributor>>;
  getAsset(id: string): Promise<StoredAsset | undefined>;
  listAssets(page: PageRequest): Promise<Page<StoredAsset>>;
  listContributions(filter: ContributionFilter, page: PageRequest): Promise<Page<StoredContribution>>;
  contributionsForCommit(commitHash: string): Promise<StoredContribution[]>;
  report(filter: ContributionFilter, by: ReportGrouping): Promise<ReportRow[]>;
  stats(filter: ContributionFilter, top?: number): Promise<Stats>;
  /** The dashboard's figures that report() does not give (store/*-insight.ts). */
  insight(filter: ContributionFilter, latest: number): Promise<InsightFigures>;
  /** When each repository last received a contribution, for monitoring. */
  repositoryActivity(): Promise<RepositoryActivity[]>;
  /**
   * A token for the state of the stored data: it changes with every committed write, by this store or
   * by any other process on the same database, and never comes back. Two equal readings mean nothing
   * was written in between (some reads may change it too; never the other way round).
   */
  dataVersion(): Promise<string>;
  /** The connection pool's state, where the store has one. */
  poolStatus?(): PoolStatus[];
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
