import { describe, expect, it } from 'vitest';
import { estimateWork, parseShard, samplePositions, shardBounds, shardOf, workSamples } from './shard.js';

describe('parseShard', () => {
  it('reads K/N', () => {
    expect(parseShard('1/1')).toEqual({ ok: true, shard: { index: 1, count: 1 } });
    expect(parseShard('3/7')).toEqual({ ok: true, shard: { index: 3, count: 7 } });
    expect(parseShard(' 2 / 4 ')).toEqual({ ok: true, shard: { index: 2, count: 4 } });
  });

  it.each([
    ['0/3', 'K must be from 1 to N (3)'],
    ['4/3', 'K must be from 1 to N (3)'],
    ['1/0', 'N must be from 1'],
    ['1/10001', 'N must be from 1 to 10000'],
    ['x', 'expected K/N'],
    ['1/3/4', 'expected K/N'],
    ['-1/3', 'expected K/N'],
    ['1.5/3', 'expected K/N'],
    ['', 'expected K/N'],
  ])('refuses %j', (text, problem) => {
    const parsed = parseShard(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(problem);
  });
});

describe('shardBounds', () => {
  it('cuts equal weights into runs of nearly equal length that cover the list once', () => {
    expect(shardBounds(new Array(10).fill(1), 3)).toEqual([0, 3, 7, 10]);
    expect(shardBounds(new Array(10).fill(1), 1)).toEqual([0, 10]);
    expect(shardBounds(new Array(10).fill(1), 2)).toEqual([0, 5, 10]);
  });

  it('balances work, not counts', () => {
    // The first two commits hold half the work.
    expect(shardBounds([50, 50, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10], 2)).toEqual([0, 2, 12]);
  });

  it('leaves shards empty when there are more shards than commits', () => {
    const bounds = shardBounds([1, 1], 5);
    expect(bounds[0]).toBe(0);
    expect(bounds.at(-1)).toBe(2);
    expect(bounds).toHaveLength(6);
    for (let index = 1; index < bounds.length; index += 1) expect(bounds[index]).toBeGreaterThanOrEqual(bounds[index - 1]!);
  });

  it('gives every item to exactly one shard, for any N', () => {
    const list = Array.from({ length: 101 }, (_, index) => `c${index}`);
    const weights = list.map((_, index) => 1 + ((index * 7919) % 13));
    for (const count of [1, 2, 3, 7, 50, 101, 200]) {
      const union = Array.from({ length: count }, (_, index) => shardOf(list, weights, { index: index + 1, count })).flat();
      expect(union).toEqual(list);
    }
  });
});

describe('work estimate', () => {
  it('samples evenly, about one commit in 128 of a shard, every commit when the list is short', () => {
    expect(workSamples(4, 2)).toBe(4);
    expect(workSamples(40, 7)).toBe(16);
    expect(workSamples(20_000, 4)).toBe(40);
    expect(workSamples(20_000, 2)).toBe(79);
    expect(workSamples(1_000_000, 4)).toBe(256);
    expect(samplePositions(4, 256)).toEqual([0, 1, 2, 3]);
    expect(samplePositions(100, 4)).toEqual([12, 37, 62, 87]);
  });

  it('weighs sampled commits by their own files and the rest by the median nearby', () => {
    // 100 commits, 4 samples: a giant commit at the third sample counts once, not for its whole run.
    const weights = estimateWork(100, [3, 3, 5000, 3]);
    expect(weights[62]).toBe(5001);
    expect(weights[61]).toBe(4);
    expect(weights[0]).toBe(4);
    expect(weights.reduce((sum, weight) => sum + weight, 0)).toBe(99 * 4 + 5001);
  });

  it('follows a stretch of larger commits', () => {
    const weights = estimateWork(8, [1, 1, 1, 1, 20, 20, 20, 20]);
    expect(weights).toEqual([2, 2, 2, 2, 21, 21, 21, 21]);
    // Half the work (46 of 92) is done after the first two large commits.
    expect(shardBounds(weights, 2)).toEqual([0, 6, 8]);
  });

  it('counts commits alone when nothing was sampled', () => {
    expect(estimateWork(3, [])).toEqual([1, 1, 1]);
  });
});
