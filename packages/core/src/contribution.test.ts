import { describe, expect, it } from 'vitest';
import { contributionsForCommit, isPlainUtcIso, toUtcIso } from './contribution.js';
import { createExcludeMatcher } from './exclude.js';
import { recordFromPayload, toPayload } from './payload.js';
import type { GitCommit } from './types.js';

const commit = (overrides: Partial<GitCommit> = {}): GitCommit => ({
  hash: 'a'.repeat(40),
  parents: ['b'.repeat(40)],
  author: { name: 'Ann', email: 'Ann@Example.com', date: '2024-03-01T10:00:00+02:00' },
  committer: { name: 'Ann', email: 'ann@example.com', date: '2024-03-01T11:00:00+02:00' },
  subject: 'Add feature',
  message: 'Add feature\n\nCo-authored-by: Bob <bob@example.com>\nCo-authored-by: Cy <cy@example.com>\n',
  files: [
    { path: 'src/feature.ts', linesAdded: 120, linesDeleted: 4, binary: false },
    { path: 'src/feature.test.ts', linesAdded: 30, linesDeleted: 0, binary: false },
    { path: 'package-lock.json', linesAdded: 900, linesDeleted: 20, binary: false },
    { path: 'logo.png', linesAdded: 0, linesDeleted: 0, binary: true },
  ],
  ...overrides,
});

describe('contributionsForCommit', () => {
  it('credits author and co-authors, with shares summing to the commit cost', () => {
    const records = contributionsForCommit(commit(), 'octo/repo');
    expect(records.map((record) => [record.contributor.email, record.role])).toEqual([
      ['ann@example.com', 'author'],
      ['bob@example.com', 'co-author'],
      ['cy@example.com', 'co-author'],
    ]);
    // counted: 3 files (lockfile excluded), 150 lines → 0.10 + 0.45 + 0.30 = 0.85
    expect(records[0]!.meta.cost).toMatchObject({ commit_cents: 85, counted_files: 3, counted_lines_added: 150, excluded_files: 1 });
    expect(records.map((record) => record.costCents)).toEqual([29, 28, 28]);
  });

  it('keeps git’s own figures in the metadata', () => {
    const [record] = contributionsForCommit(commit(), 'octo/repo');
    expect(record!.meta).toMatchObject({
      files_changed: 4,
      lines_added: 1050,
      lines_deleted: 24,
      binary_files: 1,
      has_tests: true,
      has_docs: false,
      commit_hash: 'a'.repeat(40),
    });
    expect(record!.timestamp).toBe('2024-03-01T08:00:00.000Z');
    // baseline .5 + files .1 + large .1 + tests .1 − sprawling .15 = .65
    expect(record!.coherence).toBe(0.65);
  });

  it('honours user excludes', () => {
    const [record] = contributionsForCommit(commit({ message: 'x' }), 'octo/repo', {
      isExcluded: createExcludeMatcher({ useDefaults: false }),
    });
    expect(record!.meta.cost.counted_files).toBe(4);
    expect(record!.costCents).toBe(10 + 60 + 210); // 0.10 + 4 × 0.15 + 1050 × 0.002
  });

  it('round-trips through the webhook payload to the same record', () => {
    for (const record of contributionsForCommit(commit(), 'octo/repo')) {
      const payload = toPayload(record);
      expect(Object.keys(payload)).toEqual(['contributor_email', 'repository', 'commit_hash', 'cost_amount', 'metadata']);
      expect(recordFromPayload(payload)).toEqual(record);
    }
  });

  it('re-estimates submitted costs and keeps the submitted figure aside', () => {
    const record = recordFromPayload({
      contributor_email: 'Zed@Example.com',
      repository: 'octo/repo',
      commit_hash: 'C'.repeat(40),
      cost_amount: 99.99,
      metadata: { files_changed: 2, lines_added: 10, lines_deleted: 1, binary_files: 0, has_tests: false, has_docs: true },
    }, new Date('2024-05-05T00:00:00Z'));
    expect(record).toMatchObject({ costCents: 42, coherence: 0.9, timestamp: '2024-05-05T00:00:00.000Z', commitHash: 'c'.repeat(40) });
    expect(record.contributor.email).toBe('zed@example.com');
    expect(record.meta.cost).toMatchObject({ basis: 'submitted_metadata', submitted_cents: 9999 });
  });
});

describe('toUtcIso', () => {
  it('answers what Date answers, with or without its shortcut for dates already in UTC form', () => {
    const dates = [
      '2024-01-02T03:04:05.000Z',
      '2024-02-28T23:59:59.999Z',
      '2024-02-29T12:00:00.000Z',
      '2023-02-30T00:00:00.000Z',
      '2024-01-01T24:00:00.000Z',
      '2024-04-31T10:00:00.000Z',
      '0000-01-01T00:00:00.000Z',
      '2024-03-01T10:00:00+02:00',
      '2024-03-01T10:00:00Z',
    ];
    for (const date of dates) expect(toUtcIso(date), date).toBe(new Date(date).toISOString());
    expect(dates.filter(isPlainUtcIso)).toEqual(['2024-01-02T03:04:05.000Z', '2024-02-28T23:59:59.999Z', '0000-01-01T00:00:00.000Z']);
    expect(() => toUtcIso('2024-13-01T00:00:00.000Z')).toThrow(RangeError);
  });
});
