// The field types requests are built from. Every string must be storable as-is by both databases
// (PostgreSQL refuses NUL and unpaired surrogates), so such input is a 422, never a 500.

import { isGitAddress, isValidRepositoryName, MAX_EMAIL_LENGTH, parseDollars } from '@coherence/core';
import { z } from '@hono/zod-openapi';

// The largest count a column takes (an INTEGER everywhere); no commit comes near it.
export const MAX_COUNT = 2_147_483_647;
// The quick test finds any NUL or surrogate; only strings with surrogates need the precise one.
const NUL_OR_SURROGATE = /[\u0000\ud800-\udfff]/;
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// A full hash (40 or 64 hex digits) or an abbreviation of one, down to git's shortest (4).
const COMMIT_HASH = /^[0-9a-fA-F]{4,64}$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export const text = (maxLength: number) =>
  z
    .string()
    .max(maxLength)
    .refine(isStorableText, 'must not contain NUL characters or unpaired surrogates');

export const count = () => z.int().min(0).max(MAX_COUNT);

/** True when a string can be stored by both databases as it is. */
export function isStorableText(value: string): boolean {
  return !NUL_OR_SURROGATE.test(value) || !UNSTORABLE.test(value);
}

// How deeply a client's own metadata may nest; far beyond any real use, well within the stack.
const MAX_JSON_DEPTH = 64;

/**
 * Why a client's own JSON value cannot be stored as it is, or undefined when it can: every key and
 * string storable, every number finite (JSON.parse turns 1e999 into Infinity), nesting bounded.
 * Iterative, so no body can exhaust the stack.
 */
export function unstorableJson(value: unknown): string | undefined {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (typeof item === 'string') {
      if (!isStorableText(item)) return 'must not contain NUL characters or unpaired surrogates';
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item)) return 'numbers must be finite';
    } else if (item !== null && typeof item === 'object') {
      if (depth >= MAX_JSON_DEPTH) return `must not nest more than ${MAX_JSON_DEPTH} levels deep`;
      for (const [key, child] of Object.entries(item)) {
        if (!isStorableText(key)) return 'keys must not contain NUL characters or unpaired surrogates';
        pending.push([child, depth + 1]);
      }
    }
  }
  return undefined;
}

export const commitHash = () =>
  z
    .string()
    .regex(COMMIT_HASH, 'must be a commit hash: 4 to 64 hex characters (a full hash or an abbreviation)')
    .openapi({ example: '6113728f27ae82c7b1a177c8d03f9e96e0adf246' });

/** An author address as git records it: one without a domain, or none at all (""), included. */
export const email = () =>
  text(MAX_EMAIL_LENGTH)
    .refine(isGitAddress, 'must be an author address as git records it (no "<", ">" or line breaks)')
    .openapi({ example: 'ann@example.com' });

export const repositoryName = () =>
  text(200)
    .refine(isValidRepositoryName, 'must be OWNER/NAME or NAME (letters, digits, ".", "-", "_")')
    .openapi({ example: 'octo/hello' });

/** Dollars, as a JSON number or a decimal string, never finer than cents. */
const DOLLARS_MESSAGE = 'must be a dollar amount ≥ 0 with at most two decimals';
export const dollars = () =>
  z
    .union([z.number(), z.string()], { error: DOLLARS_MESSAGE })
    .refine((value) => parseDollars(value) !== undefined, DOLLARS_MESSAGE)
    .openapi({ example: 0.85 });

/** ISO 8601 with a Z or an offset, in the years both databases store. */
export const timestamp = () =>
  z.iso
    // abort: a malformed timestamp is reported once, not again as out of range.
    .datetime({ offset: true, abort: true })
    .refine(inStorableYears, 'must fall between the years 0001 and 9999 (UTC)')
    .openapi({ example: '2024-03-01T10:00:00+02:00' });

/** A date (midnight UTC) or an ISO 8601 timestamp, for query filters. */
export const dateOrTimestamp = () =>
  z
    .string()
    .refine(
      (value) => (DATE_ONLY.test(value) || z.iso.datetime({ offset: true }).safeParse(value).success) && inStorableYears(value),
      'must be a date (2024-01-31) or an ISO 8601 timestamp with an offset (2024-01-31T12:00:00Z)',
    )
    .openapi({ example: '2024-01-31' });

/** The UTC ISO form stored timestamps are compared against. */
export function toUtcBound(value: string): string {
  return new Date(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value).toISOString();
}

function inStorableYears(value: string): boolean {
  const time = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(time)) return false;
  const year = new Date(time).getUTCFullYear();
  return year >= 1 && year <= 9999;
}
