import { describe, expect, it } from 'vitest';
import { contributionsForCommit } from './contribution.js';
import { asPreviousRelease } from '../../../test/support/previous-release.js';
import { COHERENCE_V1, coherenceScoreV2Signals, COST_ESTIMATOR_V1 } from './previous-models.js';
import { isCurrentModel, rescoreContribution, type RescoreEntry } from './rescore.js';
import type { GitCommit } from './types.js';

const commit: GitCommit = {
  hash: 'a'.repeat(40),
  parents: [],
  author: { name: 'Ann', email: 'ann@example.com', date: '2024-03-01T10:00:00Z' },
  committer: { name: 'Ann', email: 'ann@example.com', date: '2024-03-01T10:00:00Z' },
  subject: 'Big change',
  message: 'Big change\n\nCo-authored-by: Bob <bob@example.com>\nCo-authored-by: Cy <cy@example.com>\n',
  files: [
    { path: 'src/a.ts', linesAdded: 6000, linesDeleted: 10, binary: false },
    { path: 'src/a.test.ts', linesAdded: 30, linesDeleted: 0, binary: false },
    { path: 'README.md', linesAdded: 1, linesDeleted: 0, binary: false },
  ],
};

const asPrevious = () => contributionsForCommit(commit, 'octo/repo').map(asPreviousRelease);

describe('rescoreContribution', () => {
  it('brings rows of the previous versions to exactly what track computes now, keeping what it replaced', () => {
    const fresh = contributionsForCommit(commit, 'octo/repo');
    const old = asPrevious();
    expect(old[0]!.costCents).not.toBe(fresh[0]!.costCents); // v1 had no 10.00 cap
    expect(old[0]!.coherence).not.toBe(fresh[0]!.coherence);
    old.forEach((row, index) => {
      const result = rescoreContribution({ costCents: row.costCents, coherence: row.coherence, meta: row.meta }, '2026-01-01T00:00:00.000Z');
      if (result.status !== 'rescored') throw new Error(result.status);
      expect(result.costCents).toBe(fresh[index]!.costCents);
      expect(result.coherence).toBe(fresh[index]!.coherence);
      const { rescores, ...meta } = result.meta;
      expect(meta).toEqual(fresh[index]!.meta);
      expect(rescores).toEqual([
        {
          at: '2026-01-01T00:00:00.000Z',
          cost: { version: COST_ESTIMATOR_V1, cents: row.costCents, commit_cents: row.meta.cost.commit_cents },
          coherence: { version: COHERENCE_V1, score: row.coherence },
        },
      ]);
      expect(isCurrentModel(result.meta)).toBe(true);
      expect(rescoreContribution({ ...result, meta: result.meta }, 'later')).toEqual({ status: 'current' });
    });
    const shares = old.map((row) => (rescoreContribution(row, 'now') as { costCents: number }).costCents);
    expect(shares.reduce((sum, cents) => sum + cents, 0)).toBe(fresh[0]!.meta.cost.commit_cents);
  });

  it('moves rows of coherence v2_signals too, leaving their cost as it is', () => {
    const fresh = contributionsForCommit({ ...commit, files: [{ path: 'old.ts', linesAdded: 0, linesDeleted: 40, binary: false }] }, 'octo/repo');
    fresh.forEach((record) => {
      const coherence = coherenceScoreV2Signals({ filesChanged: 1, linesAdded: 0, linesDeleted: 40, hasTests: false, hasDocs: false });
      const stored = { costCents: record.costCents, coherence: coherence.score, meta: { ...record.meta, coherence } };
      const result = rescoreContribution(stored, 'now');
      if (result.status !== 'rescored') throw new Error(result.status);
      expect({ cost: result.costCents, coherence: result.coherence }).toEqual({ cost: record.costCents, coherence: record.coherence });
      expect((result.meta.rescores as RescoreEntry[])[0]!.coherence).toEqual({ version: 'v2_signals', score: coherence.score });
    });
  });

  it('leaves rows of unknown (newer) versions and rows without figures alone', () => {
    const [row] = asPrevious();
    expect(rescoreContribution({ ...row!, meta: { ...row!.meta, cost: { ...row!.meta.cost, version: 'v3_future' } } }, 'now')).toEqual({
      status: 'skipped',
      reason: 'unknown cost version "v3_future"',
    });
    expect(rescoreContribution({ costCents: 1, coherence: 0.5, meta: {} }, 'now').status).toBe('skipped');
    expect(rescoreContribution({ ...row!, meta: { ...row!.meta, lines_added: -1 } }, 'now').status).toBe('skipped');
  });
});
