// The coherence score: a deterministic 0.00–1.00 reading of how focused and well-rounded a change looks,
// from its metadata alone. Computed in integer hundredths; the README documents the same table.

// v2_signals gave a commit adding no lines the focused-change points; v3_signals keeps the established
// rule exactly (nothing for 0 lines added) and credits a pure deletion with a row of its own.
export const COHERENCE_VERSION = 'v3_signals';

// v1 (the established rule): baseline, files changed, focused (0 < added < 100) vs. large (≥ 100) change.
const BASELINE = 50;
const FILES_CHANGED = 10;
const FOCUSED_CHANGE = 20;
const LARGE_CHANGE = 10;
const FOCUSED_LINES_ADDED_BELOW = 100;
// The signals added on top of v1.
// Removing code without adding any is a focused change of its own (clean-up), worth what a focused
// addition is; a commit that changes no lines at all (a rename, a mode or binary change) earns neither.
const FOCUSED_REMOVAL = 20;
const TESTS_TOUCHED = 10;
const DOCS_TOUCHED = 10;
const SPRAWLING_CHANGE = -15;
const SPRAWLING_LINES_CHANGED_OVER = 1000;
const SPRAWLING_FILES_OVER = 50;
const MAX_SCORE = 100;
const MIN_SCORE = 0;

export interface CoherenceInput {
  filesChanged: number;
  linesAdded: number;
  linesDeleted: number;
  hasTests: boolean;
  hasDocs: boolean;
}

export type CoherenceRule =
  | 'baseline'
  | 'files_changed'
  | 'focused_change'
  | 'large_change'
  | 'focused_removal'
  | 'tests_touched'
  | 'docs_touched'
  | 'sprawling_change'
  | 'cap';

export interface CoherenceComponent {
  rule: CoherenceRule;
  /** Signed, in score units (0.10 = ten hundredths). */
  points: number;
}

export interface CoherenceScore {
  /** Two decimals, 0.00–1.00. */
  score: number;
  version: typeof COHERENCE_VERSION;
  breakdown: CoherenceComponent[];
}

/** The established (v1) rows: what the established system scores, to the hundredth. */
function establishedParts(input: Pick<CoherenceInput, 'filesChanged' | 'linesAdded'>): Array<[CoherenceRule, number]> {
  const parts: Array<[CoherenceRule, number]> = [['baseline', BASELINE]];
  if (input.filesChanged > 0) parts.push(['files_changed', FILES_CHANGED]);
  if (input.linesAdded >= FOCUSED_LINES_ADDED_BELOW) parts.push(['large_change', LARGE_CHANGE]);
  else if (input.linesAdded > 0) parts.push(['focused_change', FOCUSED_CHANGE]);
  return parts;
}

/** The established rule alone (v1): 0.50, +0.10 for any file, +0.20 for 0 < added < 100, +0.10 for ≥ 100. */
export function establishedCoherenceScore(input: Pick<CoherenceInput, 'filesChanged' | 'linesAdded'>): number {
  const sum = establishedParts(input).reduce((total, [, hundredths]) => total + hundredths, 0);
  return Math.min(MAX_SCORE, sum) / 100;
}

export function coherenceScore(input: CoherenceInput): CoherenceScore {
  const parts = establishedParts(input);
  if (input.linesAdded === 0 && input.linesDeleted > 0) parts.push(['focused_removal', FOCUSED_REMOVAL]);
  if (input.hasTests) parts.push(['tests_touched', TESTS_TOUCHED]);
  if (input.hasDocs) parts.push(['docs_touched', DOCS_TOUCHED]);
  if (input.linesAdded + input.linesDeleted > SPRAWLING_LINES_CHANGED_OVER || input.filesChanged > SPRAWLING_FILES_OVER) {
    parts.push(['sprawling_change', SPRAWLING_CHANGE]);
  }
  const sum = parts.reduce((total, [, hundredths]) => total + hundredths, 0);
  const capped = Math.min(MAX_SCORE, Math.max(MIN_SCORE, sum));
  if (capped !== sum) parts.push(['cap', capped - sum]);
  return {
    score: capped / 100,
    version: COHERENCE_VERSION,
    breakdown: parts.map(([rule, hundredths]) => ({ rule, points: hundredths / 100 })),
  };
}
