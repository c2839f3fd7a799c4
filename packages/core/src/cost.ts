// The commit cost estimate. Everything is integer arithmetic in thousandths of a dollar (mils),
// so the same counts always give the same cents on every machine.

import type { FileChange } from './types.js';
import type { PathFilter } from './exclude.js';

export const COST_ESTIMATOR_VERSION = 'v2_normalized';

// cost = 0.10 + 0.15 × files + 0.002 × lines_added, clamped to [0.05, 10.00] dollars.
const BASE_MILS = 100;
const MILS_PER_FILE = 150;
const MILS_PER_ADDED_LINE = 2;
const MIN_CENTS = 5;
const MAX_CENTS = 1000;

/** What the figures were measured from, most to least precise. */
export type CostBasis = 'numstat' | 'submitted_metadata' | 'push_paths';

export interface CostInput {
  filesChanged: number;
  linesAdded: number;
}

export interface CostEstimate {
  cents: number;
  version: typeof COST_ESTIMATOR_VERSION;
  basis: CostBasis;
  /** 0–1: how much the figures behind the estimate can be trusted. */
  confidence: number;
  /** The counts the formula was applied to, after exclusions. */
  counted: CostInput;
  clamped: 'min' | 'max' | null;
}

const CONFIDENCE: Record<CostBasis, number> = {
  numstat: 0.9,
  submitted_metadata: 0.7,
  // A push webhook names paths but carries no line counts.
  push_paths: 0.4,
};

/** Rounds mils half-up to cents: 12.5 cents → 13 cents. */
function milsToCents(mils: number): number {
  return Math.floor((mils + 5) / 10);
}

export function estimateCost(input: CostInput, basis: CostBasis = 'numstat'): CostEstimate {
  const filesChanged = wholeCount(input.filesChanged, 'filesChanged');
  const linesAdded = wholeCount(input.linesAdded, 'linesAdded');
  const raw = milsToCents(BASE_MILS + MILS_PER_FILE * filesChanged + MILS_PER_ADDED_LINE * linesAdded);
  const cents = Math.min(MAX_CENTS, Math.max(MIN_CENTS, raw));
  return {
    cents,
    version: COST_ESTIMATOR_VERSION,
    basis,
    confidence: CONFIDENCE[basis],
    counted: { filesChanged, linesAdded },
    clamped: raw < MIN_CENTS ? 'min' : raw > MAX_CENTS ? 'max' : null,
  };
}

export interface CountedChanges extends CostInput {
  excludedFiles: number;
  excludedLinesAdded: number;
}

/** Applies the exclude list to a commit's files and counts what is left for the cost formula. */
export function countCostableChanges(files: readonly FileChange[], isExcluded: PathFilter): CountedChanges {
  const counted: CountedChanges = { filesChanged: 0, linesAdded: 0, excludedFiles: 0, excludedLinesAdded: 0 };
  for (const file of files) {
    if (isExcluded(file.path)) {
      counted.excludedFiles += 1;
      counted.excludedLinesAdded += file.linesAdded;
    } else {
      counted.filesChanged += 1;
      counted.linesAdded += file.linesAdded;
    }
  }
  return counted;
}

/**
 * Splits a commit's cost among the people credited for it: equal shares in whole cents, the remainder
 * to the first (the author), so the shares always add up to the total.
 */
export function splitCents(totalCents: number, people: number): number[] {
  if (people < 1) return [];
  const share = Math.floor(totalCents / people);
  const remainder = totalCents - share * people;
  return Array.from({ length: people }, (_, index) => (index === 0 ? share + remainder : share));
}

function wholeCount(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0, got ${value}`);
  return value;
}
