import { describe, expect, it } from 'vitest';
import { countCostableChanges, estimateCost, splitCents } from './cost.js';
import { createExcludeMatcher } from './exclude.js';
import type { FileChange } from './types.js';

const file = (path: string, linesAdded = 0, linesDeleted = 0): FileChange => ({ path, linesAdded, linesDeleted, binary: false });

describe('estimateCost', () => {
  it('applies 0.10 + 0.15 × files + 0.002 × lines added', () => {
    expect(estimateCost({ filesChanged: 1, linesAdded: 10 }).cents).toBe(27); // 0.10 + 0.15 + 0.02
    expect(estimateCost({ filesChanged: 3, linesAdded: 250 }).cents).toBe(105); // 0.10 + 0.45 + 0.50
  });

  it('rounds half up to cents in integer arithmetic', () => {
    // 0.10 + 0.15 + 0.002 × 1 = 0.252 → 0.25; × 3 = 0.256 → 0.26; 0.255 exactly → 0.26
    expect(estimateCost({ filesChanged: 1, linesAdded: 1 }).cents).toBe(25);
    expect(estimateCost({ filesChanged: 1, linesAdded: 3 }).cents).toBe(26);
    expect(estimateCost({ filesChanged: 0, linesAdded: 2 }).cents).toBe(10); // 0.104
    expect(estimateCost({ filesChanged: 0, linesAdded: 3 }).cents).toBe(11); // 0.106
    expect(estimateCost({ filesChanged: 1, linesAdded: 2 }).cents).toBe(25); // 0.254
  });

  it('clamps to [0.05, 10.00] and says so', () => {
    expect(estimateCost({ filesChanged: 0, linesAdded: 0 })).toMatchObject({ cents: 10, clamped: null });
    const huge = estimateCost({ filesChanged: 100, linesAdded: 1_000_000 });
    expect(huge).toMatchObject({ cents: 1000, clamped: 'max' });
  });

  it('gives the same result for the same input, and never drifts over many additions', () => {
    let total = 0;
    for (let index = 0; index < 10_000; index += 1) total += estimateCost({ filesChanged: 1, linesAdded: 1 }).cents;
    expect(total).toBe(250_000);
  });

  it('records provenance', () => {
    expect(estimateCost({ filesChanged: 2, linesAdded: 5 }, 'push_paths')).toMatchObject({
      version: 'v2_normalized',
      basis: 'push_paths',
      confidence: 0.4,
      counted: { filesChanged: 2, linesAdded: 5 },
    });
  });

  it('rejects counts that are not whole numbers', () => {
    expect(() => estimateCost({ filesChanged: -1, linesAdded: 0 })).toThrow(RangeError);
    expect(() => estimateCost({ filesChanged: 1.5, linesAdded: 0 })).toThrow(RangeError);
  });
});

describe('countCostableChanges', () => {
  it('leaves lockfiles, minified files and vendored trees out by default', () => {
    const counted = countCostableChanges(
      [
        file('src/a.ts', 10),
        file('package-lock.json', 5000),
        file('web/pnpm-lock.yaml', 300),
        file('assets/app.min.js', 900),
        file('dist/index.js', 4000),
        file('vendor/lib/x.go', 70),
        file('node_modules/x/index.js', 7),
        file('go.sum', 12),
        file('README.md', 3),
      ],
      createExcludeMatcher(),
    );
    expect(counted).toEqual({ filesChanged: 2, linesAdded: 13, excludedFiles: 7, excludedLinesAdded: 10289 });
  });

  it('takes user globs, and can drop the defaults', () => {
    const files = [file('docs/guide.md', 40), file('yarn.lock', 9), file('src/b.ts', 1)];
    expect(countCostableChanges(files, createExcludeMatcher({ globs: ['docs/**'] })).filesChanged).toBe(1);
    expect(countCostableChanges(files, createExcludeMatcher({ useDefaults: false })).filesChanged).toBe(3);
    expect(countCostableChanges(files, createExcludeMatcher({ useDefaults: false, globs: ['**/*.ts'] }))).toMatchObject({
      filesChanged: 2,
      linesAdded: 49,
    });
  });
});

describe('splitCents', () => {
  it('splits equally and gives the remainder to the author', () => {
    expect(splitCents(100, 3)).toEqual([34, 33, 33]);
    expect(splitCents(5, 2)).toEqual([3, 2]);
    expect(splitCents(7, 1)).toEqual([7]);
  });

  it('always sums to the total', () => {
    for (let total = 0; total <= 1000; total += 7) {
      for (let people = 1; people <= 9; people += 1) {
        expect(splitCents(total, people).reduce((sum, share) => sum + share, 0)).toBe(total);
      }
    }
  });

  it('answers the same for a path seen many times, and past the matcher\'s memory of paths', () => {
    const isExcluded = createExcludeMatcher({ globs: ['docs/**'] });
    for (let round = 0; round < 2; round += 1) {
      for (let index = 0; index < 25_000; index += 1) {
        expect(isExcluded(`docs/page${index}.md`)).toBe(true);
        if (index % 1000 === 0) expect(isExcluded(`src/page${index}.ts`)).toBe(false);
      }
    }
    expect(isExcluded('yarn.lock')).toBe(true);
  });
});
