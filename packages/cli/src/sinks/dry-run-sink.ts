// Computes everything and stores nothing: what `--dry-run` writes to.

import type { ContributionRecord } from '@coherence/core';
import type { ContributionSink, SinkCounts } from './sink.js';

export class DryRunSink implements ContributionSink {
  readonly batchSize = 1_000;
  readonly target = 'dry-run';

  constructor(private readonly onRecords?: (records: readonly ContributionRecord[]) => void) {}

  async knownCommits(): Promise<Set<string>> {
    return new Set();
  }

  async mergedPeople(): Promise<[]> {
    return [];
  }

  async write(records: readonly ContributionRecord[]): Promise<SinkCounts> {
    this.onRecords?.(records);
    return { created: 0, duplicates: 0, pending: 0 };
  }

  async close(): Promise<void> {}
}
