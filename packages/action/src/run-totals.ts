// Whole-run figures counted once per commit (a co-authored commit gives several contributions, not several commits).

import type { ContributionRecord } from '@coherence/core';

export class RunTotals {
  commits = 0;
  linesAdded = 0;
  linesDeleted = 0;
  #coherenceHundredths = 0;
  readonly #seen = new Set<string>();

  add(records: readonly ContributionRecord[]): void {
    for (const record of records) {
      if (this.#seen.has(record.commitHash)) continue;
      this.#seen.add(record.commitHash);
      this.commits += 1;
      this.linesAdded += record.meta.lines_added;
      this.linesDeleted += record.meta.lines_deleted;
      this.#coherenceHundredths += Math.round(record.coherence * 100);
    }
  }

  /** Mean coherence over the credited commits, two decimals. */
  get meanCoherence(): number {
    return this.commits === 0 ? 0 : Math.round(this.#coherenceHundredths / this.commits) / 100;
  }
}
