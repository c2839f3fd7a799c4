// The one way a validated payload becomes a stored record: core's recordFromPayload, so a contribution
// posted to the API is exactly the row `coherence track --db` would have written.

import { centsToDollars, parseDollars, recordFromPayload, type ContributionRecord } from '@coherence/core';
import { apiErrors } from './errors.js';
import type { ValidPayload } from './schemas/contribution-payload.js';

/** Throws a 422 naming `field` if core refuses the figures (the schema should already have). */
export function recordFor(payload: ValidPayload, receivedAt: Date, field = 'body'): ContributionRecord {
  try {
    const { metadata } = payload;
    return recordFromPayload(
      {
        ...payload,
        cost_amount: centsToDollars(parseDollars(payload.cost_amount)!),
        // Core's own defaults, spelled out because its type wants them present.
        metadata: { ...metadata, binary_files: metadata.binary_files ?? 0, has_tests: metadata.has_tests ?? false, has_docs: metadata.has_docs ?? false },
      },
      receivedAt,
    );
  } catch (error) {
    if (error instanceof RangeError) throw apiErrors.validation([{ field, message: error.message }]);
    throw error;
  }
}
