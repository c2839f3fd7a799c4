// The model versions before the current ones, frozen as they were: stored rows name the version they
// were computed with, and `rescore` moves rows only from a version listed here (never from one it does
// not know, such as a newer release's). Frozen copies on purpose: the live rules may change, these never.

import type { CoherenceComponent, CoherenceInput } from './coherence.js';
import { splitCents, type CostInput } from './cost.js';
import type { ContributionMeta } from './contribution.js';

/** Cost `v1`: the same linear formula as today, without the [0.05, 10.00] clamp. */
export const COST_ESTIMATOR_V1 = 'v1';
const V1_BASE_MILS = 100;
const V1_MILS_PER_FILE = 150;
const V1_MILS_PER_ADDED_LINE = 2;

/** Coherence `v1`: the established rule (baseline, files changed, focused vs. large change), capped to [0, 1]. */
export const COHERENCE_V1 = 'v1';
const V1_BASELINE = 50;
const V1_FILES_CHANGED = 10;
const V1_FOCUSED_CHANGE = 20;
const V1_LARGE_CHANGE = 10;
const V1_FOCUSED_LINES_ADDED_BELOW = 100;

export const PREVIOUS_COST_VERSIONS: readonly string[] = [COST_ESTIMATOR_V1];
export const PREVIOUS_COHERENCE_VERSIONS: readonly string[] = [COHERENCE_V1];

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
  const parts: CoherenceComponent[] = [{ rule: 'baseline', points: V1_BASELINE / 100 }];
  let hundredths = V1_BASELINE;
  if (input.filesChanged > 0) {
    parts.push({ rule: 'files_changed', points: V1_FILES_CHANGED / 100 });
    hundredths += V1_FILES_CHANGED;
  }
  const size = input.linesAdded < V1_FOCUSED_LINES_ADDED_BELOW ? (['focused_change', V1_FOCUSED_CHANGE] as const) : (['large_change', V1_LARGE_CHANGE] as const);
  parts.push({ rule: size[0], points: size[1] / 100 });
  hundredths += size[1];
  return { score: Math.min(100, Math.max(0, hundredths)) / 100, version: COHERENCE_V1, breakdown: parts };
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
