// /api/insight's answers kept in memory while the stored data stays the same. An answer is kept under
// the store's data version, read before it was computed and again after (kept only when the two agree,
// so no write overlapped it); a request reads the version first, and an answer kept under that version
// is exactly what computing it again would give. So the figures always equal the stored data: any
// write, identity merge or rescore, by this server or another process, moves the version.

import { EncodedBody } from '../content-encoding.js';
import type { ContributionStore } from '../store/types.js';
import { buildInsight, DEFAULT_LATEST, DEFAULT_TOP, type Insight, type InsightSelection } from './insight.js';

/** Distinct selections kept (each answer is tens of KiB); the least recently asked goes first. */
const MAX_ENTRIES = 32;
/** How long refreshSoon() waits for more changes (a rescore's next chunk) before computing. */
const REFRESH_DELAY_MS = 1_000;

export interface InsightAnswer {
  insight: Insight;
  /** The answer as JSON, with its compressed forms. */
  body: EncodedBody;
  /** Served from memory. */
  cached: boolean;
}

interface Entry {
  version: string;
  insight: Insight;
  body: EncodedBody;
}

type InsightSource = Pick<ContributionStore, 'insight' | 'dataVersion'>;

export class InsightCache {
  readonly #store: InsightSource;
  /** In order of use, oldest first. */
  readonly #entries = new Map<string, Entry>();
  /** Answers being computed, by selection and version: requests arriving meanwhile share them. */
  readonly #computing = new Map<string, Promise<Entry>>();

  #refresh: NodeJS.Timeout | undefined;

  constructor(store: InsightSource) {
    this.#store = store;
  }

  /**
   * Computes the whole database's figures a moment from now, off any request, so that the next visit
   * finds them kept: as the server starts (no delay), and after a change that makes the store fold every
   * row again (an identity merge or unmerge, a rescore). Changes in quick succession are waited out; a
   * failure is left to the next visit to report.
   */
  refreshSoon(delayMs = REFRESH_DELAY_MS): void {
    clearTimeout(this.#refresh);
    this.#refresh = setTimeout(() => void this.answer({}).catch(() => {}), delayMs);
    this.#refresh.unref();
  }

  async answer(selection: InsightSelection, options: { top?: number; latest?: number } = {}): Promise<InsightAnswer> {
    const top = options.top ?? DEFAULT_TOP;
    const latest = options.latest ?? DEFAULT_LATEST;
    const key = JSON.stringify([selection.repository, selection.contributor, selection.since, selection.until, top, latest]);
    const version = await this.#store.dataVersion();
    const kept = this.#entries.get(key);
    if (kept?.version === version) {
      this.#entries.delete(key);
      this.#entries.set(key, kept);
      return { insight: kept.insight, body: kept.body, cached: true };
    }
    const computation = `${key}\u0000${version}`;
    let computing = this.#computing.get(computation);
    if (!computing) {
      computing = this.#compute(key, version, selection, top, latest).finally(() => this.#computing.delete(computation));
      this.#computing.set(computation, computing);
    }
    const entry = await computing;
    return { insight: entry.insight, body: entry.body, cached: false };
  }

  async #compute(key: string, version: string, selection: InsightSelection, top: number, latest: number): Promise<Entry> {
    const insight = await buildInsight(this.#store, selection, { top, latest });
    const entry: Entry = { version, insight, body: new EncodedBody(JSON.stringify(insight)) };
    if ((await this.#store.dataVersion()) !== version) return entry;
    // A version never comes back, so answers kept under another one can never be served again.
    for (const [other, kept] of this.#entries) if (kept.version !== version) this.#entries.delete(other);
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    return entry;
  }
}
