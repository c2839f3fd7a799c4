// Where tracked contributions go: a local SQLite file, a Coherence API, or nowhere (dry run).

import type { ContributionRecord } from '@coherence/core';
import type { MergedPerson } from '@coherence/api/store';

export interface SinkCounts {
  created: number;
  duplicates: number;
  /** Kept aside (spooled) to be sent later; only the API sink has any. */
  pending: number;
}

export interface ContributionSink {
  /** Rows per write: a batch is always whole commits, so it may run a little over. */
  readonly batchSize: number;
  /** Where the records go, for the summary ("sqlite:/path/db", "https://api.example"). */
  readonly target: string;
  /** Commits already recorded under these settings, which a run can skip without reading. */
  knownCommits(repository: string, settings: string): Promise<Set<string>>;
  /** The target's identity merges, so a run's summary counts each person once; none where it cannot tell. */
  mergedPeople(): Promise<MergedPerson[]>;
  /** Stores one batch: every record of every listed commit, atomically where the target allows. */
  write(records: readonly ContributionRecord[], batch: { repository: string; commits: readonly string[]; settings: string }): Promise<SinkCounts>;
  close(): Promise<void>;
}

export const emptyCounts = (): SinkCounts => ({ created: 0, duplicates: 0, pending: 0 });

export function addCounts(total: SinkCounts, more: SinkCounts): void {
  total.created += more.created;
  total.duplicates += more.duplicates;
  total.pending += more.pending;
}
