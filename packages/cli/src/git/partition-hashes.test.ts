// partitionHashes: striped, balanced, complete.

import { describe, expect, it } from 'vitest';
import { partitionHashes } from './partition-hashes.js';

const hashes = (count: number) => Array.from({ length: count }, (_, index) => `h${index}`);

describe('partitionHashes', () => {
  it('deals stripes round-robin, keeping history order inside each part', () => {
    expect(partitionHashes(hashes(24), 2, 3)).toEqual([
      ['h0', 'h1', 'h2', 'h6', 'h7', 'h8', 'h12', 'h13', 'h14', 'h18', 'h19', 'h20'],
      ['h3', 'h4', 'h5', 'h9', 'h10', 'h11', 'h15', 'h16', 'h17', 'h21', 'h22', 'h23'],
    ]);
  });

  it('gives every part work on short lists by shrinking the stripe', () => {
    const parts = partitionHashes(hashes(7), 3);
    expect(parts).toEqual([
      ['h0', 'h3', 'h6'],
      ['h1', 'h4'],
      ['h2', 'h5'],
    ]);
  });

  it('uses full stripes on long lists and puts every hash in exactly one part', () => {
    const all = hashes(10_000);
    const parts = partitionHashes(all, 3);
    expect(parts[0]!.slice(0, 65)).toEqual([...all.slice(0, 64), all[192]]);
    expect(parts.flat().sort()).toEqual([...all].sort());
    expect(Math.max(...parts.map((part) => part.length)) - Math.min(...parts.map((part) => part.length))).toBeLessThanOrEqual(64);
  });

  it('never makes more parts than hashes', () => {
    expect(partitionHashes(hashes(2), 8)).toEqual([['h0'], ['h1']]);
    expect(partitionHashes([], 4)).toEqual([[]]);
  });
});
