// What the dashboard and the HTML report are drawn from: figures a store aggregates in the database,
// so that a page never receives raw rows (only the latest few contributions, to link to).

/** The filters of a selection; the same as the contribution list's and `coherence report`'s. */
export type { ContributionFilter as InsightFilter } from './types.js';

/** Per coherence score (two decimals), the commits that scored it. */
export interface CoherenceBucket {
  score: number;
  commits: number;
}

/** Per repository, the figures report() has no column for. */
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

/** The aggregates only the insight queries compute; the rest comes from report(). */
export interface InsightFigures {
  /** Over commits (a commit shared by co-authors counts once), sorted by score. */
  coherence: CoherenceBucket[];
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
