// Sending spooled contributions to the API again: what `coherence flush` and the Action's retry run.

import { ApiClient, ApiRefusedError, ApiUnavailableError } from './api-client.js';
import { Spool, type SpooledItem } from './spool.js';
import { batchPayloads } from '@coherence/core';
import { OVERSIZED_REASON } from '../sinks/api-sink.js';
import { errors } from '../errors.js';

export interface FlushSummary {
  spool: string;
  target: string;
  sent: number;
  created: number;
  duplicates: number;
  rejected: number;
  pending: number;
}

/**
 * Sends every spooled item in batches; what the API took (created or duplicate) leaves the spool, the rest
 * stays with its latest reason. Stops at the first outage, keeping everything not yet sent.
 */
export async function flushSpool(spool: Spool, client: ApiClient, target: string): Promise<FlushSummary> {
  const items = spool.read();
  const { batches, oversized } = batchPayloads(items, (item) => JSON.stringify(item.payload));
  const kept: SpooledItem[] = oversized.map((item) => ({ ...item, reason: OVERSIZED_REASON }));
  const summary: FlushSummary = { spool: spool.path, target, sent: 0, created: 0, duplicates: 0, rejected: 0, pending: 0 };
  const unsent = (from: number) => batches.slice(from).flatMap((batch) => batch.items);
  try {
    for (const [index, batch] of batches.entries()) {
      let results;
      try {
        results = await client.postBatch(batch);
      } catch (error) {
        if (error instanceof ApiUnavailableError) {
          kept.push(...unsent(index).map((item) => ({ ...item, reason: error.message })));
          break;
        }
        if (error instanceof ApiRefusedError) {
          kept.push(...unsent(index));
          spool.replace(kept);
          throw errors.apiRejected(error.status, error.message);
        }
        throw error;
      }
      summary.sent += batch.items.length;
      for (const result of results) {
        if (result.status === 'created') summary.created += 1;
        else if (result.status === 'duplicate') summary.duplicates += 1;
        else {
          summary.rejected += 1;
          const reason = (result.errors ?? []).map((error) => `${error.field}: ${error.message}`).join('; ') || 'rejected';
          kept.push({ ...batch.items[result.index]!, reason: `rejected: ${reason}` });
        }
      }
    }
    spool.replace(kept);
  } finally {
    await client.close();
  }
  summary.pending = kept.length;
  return summary;
}
