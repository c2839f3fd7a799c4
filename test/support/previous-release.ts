// Contribution rows as a release on the previous model versions (cost v1, coherence v1) stored them:
// the same figures and provenance, scored with core's frozen previous rules.

import { coherenceScoreV1, estimateCostV1, splitCents, type ContributionRecord } from '../../packages/core/src/index.js';

export function asPreviousRelease(record: ContributionRecord): ContributionRecord {
  const meta = record.meta;
  const cost = estimateCostV1({ filesChanged: meta.cost.counted_files, linesAdded: meta.cost.counted_lines_added });
  const coherence = coherenceScoreV1({ filesChanged: meta.files_changed, linesAdded: meta.lines_added });
  return {
    ...record,
    costCents: splitCents(cost.cents, meta.cost.credited)[meta.cost.share_index]!,
    coherence: coherence.score,
    meta: {
      ...meta,
      cost: { ...meta.cost, version: cost.version, commit_cents: cost.cents, clamped: null } as never,
      coherence: coherence as never,
    },
  };
}
