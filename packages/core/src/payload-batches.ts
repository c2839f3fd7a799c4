// Cutting payloads into batch requests the API takes: a request holds at most MAX_BATCH_ITEMS items and
// MAX_BODY_BYTES of JSON. The API enforces both limits; clients use the same numbers to stay under them.

export const MAX_BATCH_ITEMS = 1_000;
export const MAX_BODY_BYTES = 1024 * 1024;

const ENVELOPE_BYTES = '{"items":[]}'.length;

export interface PayloadBatch<T> {
  items: T[];
  /** The request body: `{"items":[...]}` of the items' JSON, in order. */
  body: string;
}

export interface PayloadBatches<T> {
  batches: PayloadBatch<T>[];
  /** Items whose JSON alone is over the body limit: no request could carry them. */
  oversized: T[];
}

export interface BatchLimits {
  maxItems?: number;
  maxBytes?: number;
}

/** Splits items, in order, into as few bodies as the limits allow; `json` gives an item's JSON text. */
export function batchPayloads<T>(items: readonly T[], json: (item: T) => string, limits: BatchLimits = {}): PayloadBatches<T> {
  const maxItems = Math.min(limits.maxItems ?? MAX_BATCH_ITEMS, MAX_BATCH_ITEMS);
  const maxBytes = Math.min(limits.maxBytes ?? MAX_BODY_BYTES, MAX_BODY_BYTES);
  const result: PayloadBatches<T> = { batches: [], oversized: [] };
  // Every item is counted with a comma before it; a batch starts one byte short to cover the first.
  const empty = () => ({ items: [] as T[], texts: [] as string[], bytes: ENVELOPE_BYTES - 1 });
  let current = empty();
  const close = () => {
    if (current.items.length === 0) return;
    result.batches.push({ items: current.items, body: `{"items":[${current.texts.join(',')}]}` });
    current = empty();
  };
  for (const item of items) {
    const text = json(item);
    const bytes = 1 + utf8Length(text);
    if (ENVELOPE_BYTES - 1 + bytes > maxBytes) {
      result.oversized.push(item);
      continue;
    }
    if (current.items.length >= maxItems || current.bytes + bytes > maxBytes) close();
    current.bytes += bytes;
    current.items.push(item);
    current.texts.push(text);
  }
  close();
  return result;
}

/** Bytes of a string in UTF-8 (lone surrogates count as the 3-byte replacement character). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      index += 1;
    } else bytes += 3;
  }
  return bytes;
}
