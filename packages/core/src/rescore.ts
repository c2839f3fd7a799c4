// Rescoring a stored contribution: cost and coherence recomputed from the figures the row already holds,
// with the current model versions, without git. The commit's cost is split among its credited people
// exactly as `track` splits it (splitCents, the row's share index), so a commit's rows still add up.

import { coherenceScore, COHERENCE_VERSION, type CoherenceScore } from './coherence.js';
import { COST_ESTIMATOR_VERSION, estimateCost, splitCents, type CostBasis } from './cost.js';
import { PREVIOUS_COHERENCE_VERSIONS, PREVIOUS_COST_VERSIONS } from './previous-models.js';

/** What a row held before a rescore replaced it: kept in meta.rescores, oldest first. */
export interface RescoreEntry {
  /** When the values were replaced (UTC ISO 8601). */
  at: string;
  cost: { version: string; cents: number; commit_cents: number | null };
  coherence: { version: string; score: number };
}

export interface StoredScores {
  costCents: number;
  coherence: number;
  meta: unknown;
}

export type RescoreResult =
  | { status: 'current' }
  /** The row cannot be moved: a version this release does not know (a newer one), or figures missing. */
  | { status: 'skipped'; reason: string }
  | { status: 'rescored'; costCents: number; coherence: number; meta: Record<string, unknown> };

const BASES: ReadonlySet<string> = new Set<CostBasis>(['numstat', 'submitted_metadata', 'push_paths']);

/** True when a stored row's meta names the current cost and coherence versions. */
export function isCurrentModel(meta: unknown): boolean {
  const record = asRecord(meta);
  return asRecord(record?.cost)?.version === COST_ESTIMATOR_VERSION && asRecord(record?.coherence)?.version === COHERENCE_VERSION;
}

/** Recomputes one stored row with the current model versions; `at` is recorded with the values replaced. */
export function rescoreContribution(stored: StoredScores, at: string): RescoreResult {
  const meta = asRecord(stored.meta);
  const cost = asRecord(meta?.cost);
  const coherence = asRecord(meta?.coherence);
  if (!meta || !cost || !coherence) return { status: 'skipped', reason: 'no cost or coherence provenance' };
  const costVersion = String(cost.version);
  const coherenceVersion = String(coherence.version);
  if (costVersion === COST_ESTIMATOR_VERSION && coherenceVersion === COHERENCE_VERSION) return { status: 'current' };
  if (costVersion !== COST_ESTIMATOR_VERSION && !PREVIOUS_COST_VERSIONS.includes(costVersion)) {
    return { status: 'skipped', reason: `unknown cost version "${costVersion}"` };
  }
  if (coherenceVersion !== COHERENCE_VERSION && !PREVIOUS_COHERENCE_VERSIONS.includes(coherenceVersion)) {
    return { status: 'skipped', reason: `unknown coherence version "${coherenceVersion}"` };
  }

  const filesChanged = wholeNumber(meta.files_changed);
  const linesAdded = wholeNumber(meta.lines_added);
  const linesDeleted = wholeNumber(meta.lines_deleted);
  const countedFiles = cost.counted_files === undefined ? filesChanged : wholeNumber(cost.counted_files);
  const countedLines = cost.counted_lines_added === undefined ? linesAdded : wholeNumber(cost.counted_lines_added);
  const credited = cost.credited === undefined ? 1 : wholeNumber(cost.credited);
  const shareIndex = cost.share_index === undefined ? 0 : wholeNumber(cost.share_index);
  const basis = cost.basis === undefined ? 'submitted_metadata' : String(cost.basis);
  if (
    filesChanged === undefined ||
    linesAdded === undefined ||
    linesDeleted === undefined ||
    countedFiles === undefined ||
    countedLines === undefined ||
    credited === undefined ||
    shareIndex === undefined ||
    credited < 1 ||
    shareIndex >= credited ||
    !BASES.has(basis)
  ) {
    return { status: 'skipped', reason: 'the stored figures are incomplete' };
  }

  const estimate = estimateCost({ filesChanged: countedFiles, linesAdded: countedLines }, basis as CostBasis);
  const score: CoherenceScore = coherenceScore({
    filesChanged,
    linesAdded,
    linesDeleted,
    hasTests: meta.has_tests === true,
    hasDocs: meta.has_docs === true,
  });
  const entry: RescoreEntry = {
    at,
    cost: { version: costVersion, cents: stored.costCents, commit_cents: typeof cost.commit_cents === 'number' ? cost.commit_cents : null },
    coherence: { version: coherenceVersion, score: stored.coherence },
  };
  const history = Array.isArray(meta.rescores) ? meta.rescores : [];
  return {
    status: 'rescored',
    costCents: splitCents(estimate.cents, credited)[shareIndex]!,
    coherence: score.score,
    meta: {
      ...meta,
      cost: {
        ...cost,
        version: estimate.version,
        basis,
        confidence: estimate.confidence,
        commit_cents: estimate.cents,
        counted_files: countedFiles,
        counted_lines_added: countedLines,
        clamped: estimate.clamped,
        credited,
        share_index: shareIndex,
      },
      coherence: score,
      rescores: [...history, entry],
    },
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function wholeNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
