// chunkHashes: contiguous, complete, and enough chunks to balance the jobs.

import { describe, expect, it } from 'vitest';
import { chunkHashes } from './chunk-hashes.js';

const hashes = (count: number) => Array.from({ length: count }, (_, index) => `h${index}`);

describe('chunkHashes', () => {
  it('cuts long lists into contiguous chunks, several per job', () => {
    const all = hashes(20_000);
    const chunks = chunkHashes(all, 2);
    expect(chunks).toHaveLength(12);
    expect(chunks.flat()).toEqual(all);
    expect(chunks[1]![0]).toBe(`h${chunks[0]!.length}`);
  });

  it('keeps short lists in few chunks, never empty ones', () => {
    expect(chunkHashes(hashes(300), 4).map((chunk) => chunk.length)).toEqual([256, 44]);
    expect(chunkHashes(hashes(3), 8)).toEqual([['h0', 'h1', 'h2']]);
    expect(chunkHashes([], 4)).toEqual([]);
  });
});
