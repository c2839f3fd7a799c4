// The field types requests are built from. Every string must be storable as-is by both databases
// (PostgreSQL refuses NUL and unpaired surrogates), so such input is a 422, never a 500.

import { isValidRepositoryName, parseDollars } from '@coherence/core';
import { z } from '@hono/zod-openapi';

// The largest count a column takes (an INTEGER everywhere); no commit comes near it.
export const MAX_COUNT = 2_147_483_647;
// The quick test finds any NUL or surrogate; only strings with surrogates need the precise one.
const NUL_OR_SURROGATE = /[\u0000\ud800-\udfff]/;
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const COMMIT_HASH = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export const text = (maxLength: number) =>
  z
    .string()
    .max(maxLength)
    .refine((value) => !NUL_OR_SURROGATE.test(value) || !UNSTORABLE.test(value), 'must not contain NUL characters or unpaired surrogates');

export const count = () => z.int().min(0).max(MAX_COUNT);

export const commitHash = () =>
  z.string().regex(COMMIT_HASH, 'must be a full commit hash (40 or 64 hex characters)').openapi({ example: '6113728f27ae82c7b1a177c8d03f9e96e0adf246' });

export const email = () => text(320).regex(EMAIL, 'must be an email address').openapi({ example: 'ann@example.com' });

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
