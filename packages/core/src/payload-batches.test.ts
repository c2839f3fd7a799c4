// batchPayloads: every item once, in order, in bodies within both limits, and the bodies are exact JSON.

import { describe, expect, it } from 'vitest';
import { batchPayloads, MAX_BATCH_ITEMS, MAX_BODY_BYTES, utf8Length } from './payload-batches.js';

const bytes = (text: string) => new TextEncoder().encode(text).length;

describe('batchPayloads', () => {
  it('keeps small items to the item limit', () => {
    const items = Array.from({ length: 2_500 }, (_, index) => ({ index }));
    const { batches, oversized } = batchPayloads(items, JSON.stringify);
    expect(batches.map((batch) => batch.items.length)).toEqual([MAX_BATCH_ITEMS, MAX_BATCH_ITEMS, 500]);
    expect(oversized).toEqual([]);
    expect(batches.flatMap((batch) => (JSON.parse(batch.body) as { items: unknown[] }).items)).toEqual(items);
  });

  it('cuts before a body would pass the byte limit, counting multi-byte characters', () => {
    // ~2 KB each in UTF-8 (700 three-byte characters), so about 500 fit under 1 MiB, far below 1,000 items.
    const items = Array.from({ length: 1_200 }, (_, index) => ({ index, subject: '✓'.repeat(700) }));
    const { batches } = batchPayloads(items, JSON.stringify);
    expect(batches.length).toBe(3);
    for (const batch of batches) expect(bytes(batch.body)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    // Each batch but the last is full: one more item would not have fitted.
    const itemBytes = bytes(JSON.stringify(items[0]));
    for (const batch of batches.slice(0, -1)) expect(bytes(batch.body) + 1 + itemBytes).toBeGreaterThan(MAX_BODY_BYTES);
    expect(batches.flatMap((batch) => (JSON.parse(batch.body) as { items: unknown[] }).items)).toEqual(items);
  });

  it('sets aside an item no request could carry, and goes on with the rest', () => {
    const items = [{ id: 'a' }, { id: 'huge', subject: 'x'.repeat(MAX_BODY_BYTES) }, { id: 'b' }];
    const { batches, oversized } = batchPayloads(items, JSON.stringify);
    expect(oversized.map((item) => item.id)).toEqual(['huge']);
    expect(batches).toEqual([{ items: [items[0], items[2]], body: '{"items":[{"id":"a"},{"id":"b"}]}' }]);
  });

  it('takes smaller limits, never larger ones', () => {
    const items = Array.from({ length: 10 }, (_, index) => ({ index }));
    expect(batchPayloads(items, JSON.stringify, { maxItems: 4 }).batches.map((batch) => batch.items.length)).toEqual([4, 4, 2]);
    expect(batchPayloads(items, JSON.stringify, { maxBytes: 40 }).batches.every((batch) => bytes(batch.body) <= 40)).toBe(true);
    expect(batchPayloads([], JSON.stringify)).toEqual({ batches: [], oversized: [] });
  });

  it('measures UTF-8 as TextEncoder does', () => {
    for (const text of ['', 'ascii', 'café', '✓ ok', '𝄞 clef', 'lone \ud800 surrogate']) expect(utf8Length(text)).toBe(bytes(text));
  });
});
