import { describe, expect, it } from 'vitest';
import { coherenceScore, establishedCoherenceScore, type CoherenceInput } from './coherence.js';

const input = (overrides: Partial<CoherenceInput>): CoherenceInput => ({
  filesChanged: 1,
  linesAdded: 10,
  linesDeleted: 0,
  hasTests: false,
  hasDocs: false,
  ...overrides,
});

describe('coherenceScore', () => {
  it('keeps the established rule: baseline, files changed, focused (0 < added < 100) vs. large (≥ 100)', () => {
    expect(coherenceScore(input({})).score).toBe(0.8);
    expect(coherenceScore(input({ linesAdded: 1 })).score).toBe(0.8);
    expect(coherenceScore(input({ linesAdded: 99 })).score).toBe(0.8);
    expect(coherenceScore(input({ linesAdded: 100 })).score).toBe(0.7);
    // Nothing for 0 lines added: a rename, a mode change, an empty commit.
    expect(coherenceScore(input({ linesAdded: 0 })).score).toBe(0.6);
    expect(coherenceScore(input({ filesChanged: 0, linesAdded: 0 })).score).toBe(0.5);
  });

  it('scores v1 exactly as the established system does, for every size', () => {
    // The established rule, transcribed: 0.5, +0.1 if files > 0, +0.2 if 0 < added < 100, +0.1 if added ≥ 100, at most 1.
    const established = (files: number, added: number) =>
      Math.min(100, 50 + (files > 0 ? 10 : 0) + (added > 0 && added < 100 ? 20 : added >= 100 ? 10 : 0)) / 100;
    for (const files of [0, 1, 3, 51]) {
      for (const added of [0, 1, 50, 99, 100, 101, 5000]) {
        expect(establishedCoherenceScore({ filesChanged: files, linesAdded: added })).toBe(established(files, added));
        // v3_signals adds its rows on top of exactly these.
        const v1Rules = new Set(['baseline', 'files_changed', 'focused_change', 'large_change']);
        const parts = coherenceScore(input({ filesChanged: files, linesAdded: added })).breakdown.filter((part) => v1Rules.has(part.rule));
        expect(Math.round(parts.reduce((sum, part) => sum + part.points * 100, 0)) / 100).toBe(established(files, added));
      }
    }
  });

  it('credits a pure deletion as a focused removal (v3_signals), and only a pure deletion', () => {
    const removal = coherenceScore(input({ linesAdded: 0, linesDeleted: 40 }));
    expect(removal.score).toBe(0.8);
    expect(removal.breakdown.map((part) => part.rule)).toEqual(['baseline', 'files_changed', 'focused_removal']);
    expect(coherenceScore(input({ linesAdded: 5, linesDeleted: 40 })).breakdown.map((part) => part.rule)).not.toContain('focused_removal');
    // A sprawling deletion is still marked down.
    expect(coherenceScore(input({ linesAdded: 0, linesDeleted: 4000 })).score).toBe(0.65);
  });

  it('rewards tests and docs, and caps at 1.00', () => {
    expect(coherenceScore(input({ hasTests: true })).score).toBe(0.9);
    expect(coherenceScore(input({ hasDocs: true })).score).toBe(0.9);
    const both = coherenceScore(input({ hasTests: true, hasDocs: true }));
    expect(both.score).toBe(1);
    expect(both.breakdown.map((part) => part.rule)).toEqual(['baseline', 'files_changed', 'focused_change', 'tests_touched', 'docs_touched']);
  });

  it('marks sprawling changes down', () => {
    expect(coherenceScore(input({ linesAdded: 800, linesDeleted: 300 })).score).toBe(0.55);
    expect(coherenceScore(input({ filesChanged: 51, linesAdded: 10 })).score).toBe(0.65);
  });

  it('explains itself: the breakdown adds up to the score', () => {
    for (const case_ of [input({}), input({ hasTests: true, hasDocs: true }), input({ linesAdded: 5000, filesChanged: 80 })]) {
      const result = coherenceScore(case_);
      const hundredths = result.breakdown.reduce((sum, part) => sum + Math.round(part.points * 100), 0);
      expect(hundredths / 100).toBe(result.score);
      expect(result.version).toBe('v3_signals');
    }
  });

  it('is deterministic', () => {
    const a = coherenceScore(input({ linesAdded: 123, hasDocs: true }));
    const b = coherenceScore(input({ linesAdded: 123, hasDocs: true }));
    expect(a).toEqual(b);
  });
});
