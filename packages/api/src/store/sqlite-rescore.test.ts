import { describe, expect, it } from 'vitest';
import { contributionsForCommit, previousModelScores, rescoreContribution, type GitCommit } from '@coherence/core';
import { rescoreStoredMeta } from './sqlite-rescore.js';

const AT = '2026-02-01T00:00:00.000Z';

const commit: GitCommit = {
  hash: 'b'.repeat(40),
  parents: [],
  author: { name: 'Ann', email: 'ann@example.com', date: '2024-03-01T10:00:00Z' },
  committer: { name: 'Ann', email: 'ann@example.com', date: '2024-03-01T10:00:00Z' },
  subject: 'Say "cost": {"version":"v1"} in a subject, with ünïcode 🎉 and a \\ backslash',
  message: 'Say "cost"\n\nCo-authored-by: Bob <bob@example.com>\n',
  files: [
    { path: 'src/big.ts', linesAdded: 7000, linesDeleted: 3, binary: false },
    { path: 'test/big.test.ts', linesAdded: 12, linesDeleted: 0, binary: false },
  ],
};

/** Rows as the previous release stored them: scores and meta. */
const previousRows = () => contributionsForCommit(commit, 'octo/repo').map((record) => previousModelScores(record.meta));

/** What the rule gives for the whole parsed document: the reference the text path must match. */
function reference(text: string, costCents: number, coherence: number) {
  const result = rescoreContribution({ costCents, coherence, meta: JSON.parse(text) }, AT);
  return result.status === 'rescored' ? { ...result, meta: JSON.stringify(result.meta) } : result;
}

describe('rescoreStoredMeta', () => {
  it('gives, text for text, what parsing and re-serialising the whole document gives', () => {
    for (const row of previousRows()) {
      const text = JSON.stringify(row.meta);
      const result = rescoreStoredMeta(text, row.costCents, row.coherence, AT);
      expect(result.status).toBe('rescored');
      expect(result).toEqual(reference(text, row.costCents, row.coherence));
    }
  });

  it('keeps members where they are in any order, appends to an earlier history, and keeps unknown members', () => {
    const [row] = previousRows();
    const { cost, coherence, ...rest } = row!.meta as unknown as Record<string, unknown>;
    const earlier = { at: '2025-01-01T00:00:00.000Z', cost: { version: 'v0', cents: 1, commit_cents: 1 }, coherence: { version: 'v0', score: 0.5 } };
    const reordered = { rescores: [earlier], coherence, client: { cost: { version: 'theirs' } }, ...rest, cost };
    const text = JSON.stringify(reordered);
    const result = rescoreStoredMeta(text, row!.costCents, row!.coherence, AT);
    expect(result).toEqual(reference(text, row!.costCents, row!.coherence));
    if (result.status !== 'rescored') throw new Error(result.status);
    const meta = JSON.parse(result.meta);
    expect(Object.keys(meta)).toEqual(Object.keys(reordered));
    expect(meta.rescores).toHaveLength(2);
    expect(meta.client).toEqual({ cost: { version: 'theirs' } });
  });

  it('keeps the spacing of a document written with whitespace, and parses what it cannot read', () => {
    const [row] = previousRows();
    const spaced = JSON.stringify(row!.meta, null, 2);
    const result = rescoreStoredMeta(spaced, row!.costCents, row!.coherence, AT);
    if (result.status !== 'rescored') throw new Error(result.status);
    const expected = reference(spaced, row!.costCents, row!.coherence) as { meta: string };
    expect(JSON.parse(result.meta)).toEqual(JSON.parse(expected.meta));
    expect(result.meta.startsWith(spaced.slice(0, spaced.indexOf('"cost"')))).toBe(true);

    // A member name written with an escape could be "cost" itself: the whole document is parsed.
    const escaped = JSON.stringify(row!.meta).replace('"subject"', '"subj\\u0065ct"');
    expect(rescoreStoredMeta(escaped, row!.costCents, row!.coherence, AT)).toEqual(reference(escaped, row!.costCents, row!.coherence));
  });

  it('leaves current rows alone and skips rows the rule cannot move, as the rule does', () => {
    const [record] = contributionsForCommit(commit, 'octo/repo');
    expect(rescoreStoredMeta(JSON.stringify(record!.meta), record!.costCents, record!.coherence, AT)).toEqual({ status: 'current' });
    const [row] = previousRows();
    const variants: Array<Record<string, unknown>> = [
      { ...row!.meta, coherence: { ...row!.meta.coherence, version: 'v9_future' } },
      { ...row!.meta, coherence: 'v1' },
      { ...row!.meta, cost: null },
      { ...row!.meta, files_changed: '3' },
      { ...row!.meta, lines_added: -1 },
      { ...row!.meta, lines_deleted: 1.5 },
      { ...row!.meta, lines_deleted: undefined },
    ];
    for (const meta of variants) {
      const text = JSON.stringify(meta);
      const result = rescoreStoredMeta(text, row!.costCents, row!.coherence, AT);
      expect(result.status).toBe('skipped');
      expect(result).toEqual(reference(text, row!.costCents, row!.coherence));
    }
    expect(rescoreStoredMeta('{"cost":', 1, 0.5, AT)).toEqual({ status: 'skipped', reason: 'meta is not JSON' });
    expect(rescoreStoredMeta('[]', 1, 0.5, AT).status).toBe('skipped');
  });
});
