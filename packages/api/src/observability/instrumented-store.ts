// The store as the routes see it when metrics are on: every method passes straight through, and on
// the way back the outcomes of writes are counted (created, duplicate) and every database failure is
// counted by operation. A Proxy, so methods the store gains later are forwarded without a change here.

import { InvalidCursorError } from '../store/cursor.js';
import type { ContributionStore } from '../store/types.js';
import type { ApiMetrics } from './metrics.js';

const WRITES = new Set(['ingest', 'ingestIds', 'createById']);

export function instrumentStore(store: ContributionStore, metrics: ApiMetrics): ContributionStore {
  return new Proxy(store, {
    get(target, property) {
      // The store as the receiver: a getter reading a private field would throw given the proxy.
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          // Called on the store itself: its private fields are not reachable through the proxy.
          result = Reflect.apply(value, target, args);
        } catch (error) {
          countFailure(metrics, property, error);
          throw error;
        }
        if (!(result instanceof Promise)) return result;
        return result.then(
          (settled: unknown) => {
            if (WRITES.has(property)) countOutcomes(metrics, settled);
            return settled;
          },
          (error: unknown) => {
            countFailure(metrics, property, error);
            throw error;
          },
        );
      };
    },
  });
}

function countOutcomes(metrics: ApiMetrics, settled: unknown): void {
  const outcomes = Array.isArray(settled) ? settled : [settled];
  let created = 0;
  let duplicates = 0;
  for (const outcome of outcomes as Array<{ status?: string }>) {
    if (outcome?.status === 'created') created += 1;
    else if (outcome?.status === 'duplicate') duplicates += 1;
  }
  metrics.ingested('created', created);
  metrics.ingested('duplicate', duplicates);
}

/** A cursor the client made up is its mistake, not the database's. */
function countFailure(metrics: ApiMetrics, operation: string, error: unknown): void {
  if (error instanceof InvalidCursorError || operation === 'close') return;
  metrics.databaseError(operation);
}
