// WorkRanges: every position handed out exactly once, in contiguous runs, and nobody idles while work is left.

import { describe, expect, it } from 'vitest';
import { WorkRanges, type Span } from './work-ranges.js';

const positions = (spans: Span[]) => spans.flatMap((span) => Array.from({ length: span.end - span.start }, (_, offset) => span.start + offset));

describe('WorkRanges', () => {
  it('starts each worker on its own contiguous share, from its front', () => {
    const ranges = new WorkRanges(1000, 2);
    expect(ranges.take(0, 64)).toEqual({ start: 0, end: 64 });
    expect(ranges.take(1, 64)).toEqual({ start: 500, end: 564 });
    expect(ranges.take(0, 64)).toEqual({ start: 64, end: 128 });
    expect(ranges.remaining).toBe(1000 - 192);
  });

  it('lets a worker that runs dry take the back half of the largest range left', () => {
    const ranges = new WorkRanges(100, 2);
    expect(ranges.take(0, 50)).toEqual({ start: 0, end: 50 });
    expect(ranges.take(1, 10)).toEqual({ start: 50, end: 60 });
    // Worker 0's share is handed out; worker 1 still has 60..100 untouched.
    expect(ranges.take(0, 10)).toEqual({ start: 80, end: 90 });
    expect(ranges.take(1, 100)).toEqual({ start: 60, end: 80 });
    expect(ranges.take(0, 100)).toEqual({ start: 90, end: 100 });
    expect(ranges.take(1, 10)).toBeUndefined();
    expect(ranges.take(0, 10)).toBeUndefined();
  });

  it.each([
    [0, 3],
    [1, 4],
    [7, 3],
    [20_000, 2],
    [12_345, 8],
  ])('hands out all %i positions exactly once to %i workers, whatever order they ask in', (length, workers) => {
    const ranges = new WorkRanges(length, workers);
    const taken: Span[] = [];
    let seed = 7;
    const done = new Set<number>();
    while (done.size < workers) {
      // A deterministic but uneven order: workers ask at random, for batches of random size.
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const worker = seed % workers;
      if (done.has(worker)) continue;
      const span = ranges.take(worker, 1 + (seed % 97));
      if (span === undefined) done.add(worker);
      else taken.push(span);
    }
    expect(positions(taken).sort((a, b) => a - b)).toEqual(Array.from({ length }, (_, index) => index));
    expect(ranges.remaining).toBe(0);
  });

  it('hands a single remaining position to whoever asks', () => {
    const ranges = new WorkRanges(1, 2);
    // Worker 0's share is empty from the start; it takes worker 1's only position.
    expect(ranges.take(0, 10)).toEqual({ start: 0, end: 1 });
    expect(ranges.take(1, 10)).toBeUndefined();
    expect(ranges.take(0, 10)).toBeUndefined();
  });
});
