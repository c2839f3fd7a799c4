// The one way a validated payload becomes a stored record: core's recordFromPayload, so a contribution
// posted to the API is exactly the row `coherence track --db` would have written.

import { clientMetadata, recordFromPayload, type ContributionRecord, type SubmittedPayload } from '@coherence/core';
import { apiErrors } from './errors.js';
import { clientMetadataProblems } from './schemas/contribution-payload.js';

/** A payload the schema accepted: metadata may be null, which means {}. */
export type ValidatedPayload = Omit<SubmittedPayload, 'metadata'> & { metadata?: SubmittedPayload['metadata'] | null };

export interface RecordSource {
  /** The item as the client sent it, before parsing: the metadata keys of the client's own are read from it. */
  raw?: unknown;
  /** Where the item sits in the request ("items.3"); the body itself when absent. */
  at?: string;
}

/** Throws a 422 naming the field if the client's own metadata cannot be stored, or core refuses the figures. */
export function recordFor(payload: ValidatedPayload, receivedAt: Date, source: RecordSource = {}): ContributionRecord {
  const prefix = source.at === undefined ? '' : `${source.at}.`;
  // Read from the raw body: parsing drops keys an object literal cannot hold as data ("__proto__").
  const rawMetadata = (source.raw as { metadata?: unknown } | null | undefined)?.metadata;
  const own = rawMetadata !== null && typeof rawMetadata === 'object' ? clientMetadata(rawMetadata) : undefined;
  if (own !== undefined) {
    const problems = clientMetadataProblems(own);
    if (problems.length > 0) {
      throw apiErrors.validation(problems.map(({ key, message }) => ({ field: `${prefix}metadata${key === undefined ? '' : `.${key}`}`, message })));
    }
  }
  try {
    return recordFromPayload({ ...payload, metadata: { ...payload.metadata, ...own } }, receivedAt);
  } catch (error) {
    if (error instanceof RangeError) throw apiErrors.validation([{ field: source.at ?? 'body', message: error.message }]);
    throw error;
  }
}
