// What the dashboard and the HTML report are drawn from: figures a store aggregates in the database,
// so that a page never receives raw rows (only the latest few contributions, to link to).

import type { ReportRow } from './types.js';

/** The filters of a selection; the same as the contribution list's and `coherence report`'s. */
export type { ContributionFilter as InsightFilter } from './types.js';

/** Per coherence score (two decimals), the commits that scored it. */
export interface CoherenceBucket {
  score: number;
  commits: number;
}

/**
 * The selection's commits, summed per (week, repository, coherence score): small however many rows
 * there are, and everything per week, per repository, per score or in total is a sum of these cells.
 * A commit shared by co-authors is one commit here (its lines once, its cost whole).
 */
export interface InsightCell extends CommitSums {
  /** The week's Monday, YYYY-MM-DD (UTC). */
  week: string;
  repository: string;
  /** The commits' coherence, in hundredths (0–100). */
  score: number;
}

/** report()'s per-commit sums. */
export type CommitSums = Pick<ReportRow, 'commits' | 'contributions' | 'lines_added' | 'lines_deleted' | 'files_changed' | 'cost_cents'>;

/** One person's figures in the selection: each of their contributions counts (one per commit they share). */
export interface InsightPerson {
  email: string;
  name: string;
  commits: number;
  lines_added: number;
  lines_deleted: number;
  files_changed: number;
  cost_cents: number;
  /** Sum of their commits' coherence in hundredths, for a mean. */
  score_sum: number;
}

/** Per repository, the figures that are not sums of cells. */
export interface RepositoryExtent {
  repository: string;
  /** Distinct people credited in the selection. */
  contributors: number;
  /** The newest contribution's commit time in the selection (UTC ISO). */
  last_commit_at: string;
}

export interface LatestContribution {
  repository: string;
  commit_hash: string;
  contributor_email: string;
  contributor_name: string;
  role: string;
  timestamp: string;
  cost_cents: number;
  coherence_score: number;
  lines_added: number;
  lines_deleted: number;
  subject: string | null;
}

/** What a store aggregates for the dashboard (store/*-insight.ts); insight/insight.ts shapes it. */
export interface InsightFigures {
  /** By week, repository and score. */
  cells: InsightCell[];
  people: InsightPerson[];
  repositories: RepositoryExtent[];
  /** Newest first. */
  latest: LatestContribution[];
  /** Every repository the store knows, selected or not (for the filter's choices), sorted by name. */
  repository_names: string[];
}

export interface RepositoryActivity {
  repository: string;
  /** When the newest contribution was received (stored), UTC ISO. */
  last_received_at: string;
}

/** A connection pool's state, for monitoring. */
export interface PoolStatus {
  name: string;
  total: number;
  idle: number;
  waiting: number;
}
