// The folds a server keeps between dashboard answers, one per selection, the least recently asked
// dropped first. Bounded by the commits they hold as well as by number: a fold costs ~220 bytes per
// commit (18 MB for 83,000), so a million-row database's whole-history fold alone is ~180 MB.

import type { InsightFold } from './insight-rollup.js';

export interface FoldLimits {
  /** Selections kept at most. */
  selections: number;
  /** Commits held by all kept folds together; the newest fold is kept whatever its size. */
  commits: number;
}

/** Four selections, a million commits (~220 MB). */
const SERVER_LIMITS: FoldLimits = { selections: 4, commits: 1_000_000 };

/** The selection a fold answers, as a key: the filter's fields in a fixed order. */
export function selectionKey(filter: {
  repository?: string | undefined;
  contributorEmail?: string | undefined;
  contributorId?: string | undefined;
  assetId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}): string {
  return JSON.stringify([filter.repository, filter.contributorEmail, filter.contributorId, filter.assetId, filter.since, filter.until]);
}

export class KeptFolds<Entry extends { fold: InsightFold }> {
  /** In order of use, oldest first. */
  readonly #entries = new Map<string, Entry>();
  readonly #limits: FoldLimits;

  constructor(limits: FoldLimits = SERVER_LIMITS) {
    this.#limits = limits;
  }

  /** The selection's fold, taken out: while it is brought up to date no one else can see it half done. */
  take(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    return entry;
  }

  /** Keeps the fold as the most recently used, dropping the oldest beyond the bounds. */
  keep(key: string, entry: Entry): void {
    this.#entries.set(key, entry);
    let commits = 0;
    for (const kept of this.#entries.values()) commits += kept.fold.commits;
    for (const [oldest, kept] of this.#entries) {
      if (oldest === key || (this.#entries.size <= this.#limits.selections && commits <= this.#limits.commits)) break;
      this.#entries.delete(oldest);
      commits -= kept.fold.commits;
    }
  }
}
