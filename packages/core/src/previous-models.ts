// The model versions before the current ones, frozen as they were: stored rows name the version they
// were computed with, and `rescore` moves rows only from a version listed here (never from one it does
// not know, such as a newer release's). Frozen copies on purpose: the live rules may change, these never
// (v1 coherence is the established system's score, which core keeps for its clients).

import { establishedCoherenceScore, type CoherenceComponent, type CoherenceInput } from './coherence.js';
import { splitCents, type CostInput } from './cost.js';
import type { ContributionMeta } from './contribution.js';

/** Cost `v1`: the same linear formula as today, without the [0.05, 10.00] clamp. */
export const COST_ESTIMATOR_V1 = 'v1';
const V1_BASE_MILS = 100;
const V1_MILS_PER_FILE = 150;
const V1_MILS_PER_ADDED_LINE = 2;

/** Coherence `v1`: the established system's score (baseline, files changed, focused vs. large change), with no breakdown. */
export const COHERENCE_V1 = 'v1';

/** Coherence `v2_signals`: v1's rows plus tests, docs and sprawl, but a commit adding no lines was a focused change. */
export const COHERENCE_V2_SIGNALS = 'v2_signals';
const V2_BASELINE = 50;
const V2_FILES_CHANGED = 10;
const V2_FOCUSED_CHANGE = 20;
const V2_LARGE_CHANGE = 10;
const V2_FOCUSED_LINES_ADDED_BELOW = 100;
const V2_TESTS_TOUCHED = 10;
const V2_DOCS_TOUCHED = 10;
const V2_SPRAWLING_CHANGE = -15;
const V2_SPRAWLING_LINES_CHANGED_OVER = 1000;
const V2_SPRAWLING_FILES_OVER = 50;

export const PREVIOUS_COST_VERSIONS: readonly string[] = [COST_ESTIMATOR_V1];
export const PREVIOUS_COHERENCE_VERSIONS: readonly string[] = [COHERENCE_V1, COHERENCE_V2_SIGNALS];

/** A commit's whole cost in cents under cost v1 (rounded half-up from thousandths of a dollar). */
export function estimateCostV1(input: CostInput): { cents: number; version: typeof COST_ESTIMATOR_V1 } {
  const mils = V1_BASE_MILS + V1_MILS_PER_FILE * input.filesChanged + V1_MILS_PER_ADDED_LINE * input.linesAdded;
  return { cents: Math.floor((mils + 5) / 10), version: COST_ESTIMATOR_V1 };
}

export function coherenceScoreV1(input: Pick<CoherenceInput, 'filesChanged' | 'linesAdded'>): {
  score: number;
  version: typeof COHERENCE_V1;
  breakdown: CoherenceComponent[];
} {
  return { score: establishedCoherenceScore(input), version: COHERENCE_V1, breakdown: [] };
}

export function coherenceScoreV2Signals(input: CoherenceInput): { score: number; version: typeof COHERENCE_V2_SIGNALS; breakdown: CoherenceComponent[] } {
  const parts: CoherenceComponent[] = [{ rule: 'baseline', points: V2_BASELINE / 100 }];
  if (input.filesChanged > 0) parts.push({ rule: 'files_changed', points: V2_FILES_CHANGED / 100 });
  if (input.linesAdded < V2_FOCUSED_LINES_ADDED_BELOW) parts.push({ rule: 'focused_change', points: V2_FOCUSED_CHANGE / 100 });
  else parts.push({ rule: 'large_change', points: V2_LARGE_CHANGE / 100 });
  if (input.hasTests) parts.push({ rule: 'tests_touched', points: V2_TESTS_TOUCHED / 100 });
  if (input.hasDocs) parts.push({ rule: 'docs_touched', points: V2_DOCS_TOUCHED / 100 });
  if (input.linesAdded + input.linesDeleted > V2_SPRAWLING_LINES_CHANGED_OVER || input.filesChanged > V2_SPRAWLING_FILES_OVER) {
    parts.push({ rule: 'sprawling_change', points: V2_SPRAWLING_CHANGE / 100 });
  }
  const sum = parts.reduce((total, part) => total + Math.round(part.points * 100), 0);
  const capped = Math.min(100, Math.max(0, sum));
  if (capped !== sum) parts.push({ rule: 'cap', points: (capped - sum) / 100 });
  return { score: capped / 100, version: COHERENCE_V2_SIGNALS, breakdown: parts };
}

/**
 * A row as a release on the previous versions stored it, from the same figures: its share of the v1
 * cost, its v1 coherence, and meta naming v1. For tests and benchmarks of rescoring.
 */
export function previousModelScores(meta: ContributionMeta): { costCents: number; coherence: number; meta: ContributionMeta } {
  const cost = estimateCostV1({ filesChanged: meta.cost.counted_files, linesAdded: meta.cost.counted_lines_added });
  const coherence = coherenceScoreV1({ filesChanged: meta.files_changed, linesAdded: meta.lines_added });
  return {
    costCents: splitCents(cost.cents, meta.cost.credited)[meta.cost.share_index]!,
    coherence: coherence.score,
    meta: {
      ...meta,
      cost: { ...meta.cost, version: cost.version, commit_cents: cost.cents, clamped: null },
      coherence,
    } as unknown as ContributionMeta,
  };
}
