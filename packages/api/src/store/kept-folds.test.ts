import { describe, expect, it } from 'vitest';
import { InsightFold, type InsightRow } from './insight-rollup.js';
import { KeptFolds, selectionKey } from './kept-folds.js';

/** A fold of `commits` one-row commits in one repository. */
function foldOf(commits: number): { fold: InsightFold } {
  const fold = new InsightFold();
  const rows: InsightRow[] = Array.from({ length: commits }, (_, index) => ['A', `c${index}`, 'ann', '2024-01-01T00:00:00.000Z', 1, 50, 1, 0, 1]);
  fold.add(rows);
  // A co-author's row on a commit already folded adds no commit.
  if (commits > 0) fold.add([['A', 'c0', 'bob', '2024-01-01T00:00:00.000Z', 1, 50, 1, 0, 1]]);
  return { fold };
}

describe('KeptFolds', () => {
  it('counts commits once per repository, and keys a selection by its fields, not their order', () => {
    expect(foldOf(3).fold.commits).toBe(3);
    expect(selectionKey({ since: 'a', repository: 'r' })).toBe(selectionKey({ repository: 'r', since: 'a' }));
    expect(selectionKey({ repository: 'r' })).not.toBe(selectionKey({ contributorEmail: 'r' }));
  });

  it('keeps four selections on a server, dropping the least recently used', () => {
    const kept = new KeptFolds<{ fold: InsightFold }>();
    for (const key of ['a', 'b', 'c', 'd']) kept.keep(key, foldOf(1));
    kept.keep('a', kept.take('a')!);
    kept.keep('e', foldOf(1));
    expect(kept.take('b')).toBeUndefined();
    for (const key of ['a', 'c', 'd', 'e']) expect(kept.take(key)).toBeDefined();
  });

  it('drops older folds past its commits, but keeps the newest whatever its size', () => {
    const kept = new KeptFolds<{ fold: InsightFold }>({ selections: 4, commits: 100 });
    kept.keep('small', foldOf(10));
    kept.keep('big', foldOf(60));
    kept.keep('other', foldOf(31));
    expect(kept.take('small')).toBeUndefined();
    kept.keep('bigger', foldOf(60));
    expect(kept.take('big')).toBeUndefined();
    expect(kept.take('other')).toBeDefined();
    kept.keep('huge', foldOf(120));
    expect(kept.take('bigger')).toBeUndefined();
    expect(kept.take('huge')?.fold.commits).toBe(120);
  });
});
