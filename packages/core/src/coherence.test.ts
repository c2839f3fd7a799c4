import { describe, expect, it } from 'vitest';
import { coherenceScore, type CoherenceInput } from './coherence.js';

const input = (overrides: Partial<CoherenceInput>): CoherenceInput => ({
  filesChanged: 1,
  linesAdded: 10,
  linesDeleted: 0,
  hasTests: false,
  hasDocs: false,
  ...overrides,
});

describe('coherenceScore', () => {
  it('keeps the established rule: baseline, files changed, focused vs. large', () => {
    expect(coherenceScore(input({})).score).toBe(0.8);
    expect(coherenceScore(input({ linesAdded: 99 })).score).toBe(0.8);
    expect(coherenceScore(input({ linesAdded: 100 })).score).toBe(0.7);
    expect(coherenceScore(input({ filesChanged: 0, linesAdded: 0 })).score).toBe(0.7);
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
      expect(result.version).toBe('v2_signals');
    }
  });

  it('is deterministic', () => {
    const a = coherenceScore(input({ linesAdded: 123, hasDocs: true }));
    const b = coherenceScore(input({ linesAdded: 123, hasDocs: true }));
    expect(a).toEqual(b);
  });
});
