import { describe, expect, it } from 'vitest';
import { isDocPath, isTestPath } from './classify.js';

describe('classify', () => {
  it.each(['test/a.ts', 'src/__tests__/x.js', 'pkg/foo_test.go', 'tests/test_x.py', 'src/a.spec.tsx', 'lib/x.test.mjs'])('%s is a test', (path) =>
    expect(isTestPath(path)).toBe(true),
  );
  it.each(['src/testing.ts', 'src/contest.ts', 'latest/a.ts'])('%s is not a test', (path) => expect(isTestPath(path)).toBe(false));
  it.each(['README.md', 'docs/setup.html', 'CHANGELOG', 'guide.rst'])('%s is documentation', (path) => expect(isDocPath(path)).toBe(true));
  it.each(['src/doc.ts', 'readme.ts.bak'])('%s is not documentation', (path) => expect(isDocPath(path)).toBe(false));
});
