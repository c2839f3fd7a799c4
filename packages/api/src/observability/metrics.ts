// The API's Prometheus metrics (prom-client): request durations by route and status, contributions
// ingested, webhook deliveries, database errors and pool use, each repository's latest contribution,
// and Node's default process metrics. Each app has a registry of its own; the process metrics are
// collected once per process and served by every app in it.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ContributionStore } from '../store/types.js';

export type IngestResultLabel = 'created' | 'duplicate' | 'rejected';
export type WebhookResult = 'recorded' | 'ignored' | 'refused' | 'invalid' | 'failed';

const INGEST_RESULTS: readonly IngestResultLabel[] = ['created', 'duplicate', 'rejected'];
const WEBHOOK_RESULTS: readonly WebhookResult[] = ['recorded', 'ignored', 'refused', 'invalid', 'failed'];
// From a 1 ms read to a 10 s batch into a struggling database.
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let processRegistry: Registry | undefined;

/** Node's default metrics (CPU, memory, event loop lag, GC …), registered once per process. */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    // Gauges named like counters, which `promtool check metrics` refuses; the same counts are also
    // given per type (nodejs_active_handles{type=…} …), which stay.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      processRegistry.removeSingleMetric(name);
    }
  }
  return processRegistry;
}

export interface ApiMetrics {
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  ingested(result: IngestResultLabel, count?: number): void;
  webhookDelivery(result: WebhookResult): void;
  databaseError(operation: string): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; text: string }>;
}

/** `store` is read at scrape time for the pool and each repository's latest contribution. */
export function createApiMetrics(store: ContributionStore): ApiMetrics {
  const registry = new Registry();
  const requestDuration = new Histogram({
    name: 'coherence_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const ingested = new Counter({
    name: 'coherence_contributions_ingested_total',
    help: 'Contributions received for storage: created, duplicate (already stored) or rejected (invalid)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'coherence_webhook_deliveries_total',
    help: 'GitHub webhook deliveries: recorded, ignored (other events, deleted refs), refused (signature), invalid (body) or failed (server error)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const databaseErrors = new Counter({
    name: 'coherence_database_errors_total',
    help: 'Database operations that failed, by store operation',
    labelNames: ['operation'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'coherence_database_pool_connections',
    help: 'Database connections (or the SQLite thread) by state: busy or idle',
    labelNames: ['pool', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const pool of store.poolStatus?.() ?? []) {
        this.set({ pool: pool.name, state: 'busy' }, pool.total - pool.idle);
        this.set({ pool: pool.name, state: 'idle' }, pool.idle);
      }
    },
  });
  new Gauge({
    name: 'coherence_database_pool_waiting_requests',
    help: 'Database requests waiting for a connection (or for the SQLite thread)',
    labelNames: ['pool'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const pool of store.poolStatus?.() ?? []) this.set({ pool: pool.name }, pool.waiting);
    },
  });
  const lastReceived = new Gauge({
    name: 'coherence_repository_last_contribution_timestamp_seconds',
    help: "When each repository's newest contribution was received (Unix seconds)",
    labelNames: ['repository'] as const,
    registers: [registry],
  });
  /** Read before the registry is serialised, so that a failure shows in this very scrape. */
  const refreshLastReceived = async () => {
    try {
      const rows = await store.repositoryActivity();
      lastReceived.reset();
      for (const row of rows) lastReceived.set({ repository: row.repository }, Date.parse(row.last_received_at) / 1000);
    } catch {
      // The scrape still answers, with the error counted and the last values known kept.
      databaseErrors.inc({ operation: 'repositoryActivity' });
    }
  };
  for (const result of INGEST_RESULTS) ingested.inc({ result }, 0);
  for (const result of WEBHOOK_RESULTS) webhooks.inc({ result }, 0);

  return {
    observeRequest: (method, route, status, seconds) => requestDuration.observe({ method, route, status: String(status) }, seconds),
    ingested: (result, count = 1) => {
      if (count > 0) ingested.inc({ result }, count);
    },
    webhookDelivery: (result) => webhooks.inc({ result }),
    databaseError: (operation) => databaseErrors.inc({ operation }),
    async render() {
      await refreshLastReceived();
      const own = await registry.metrics();
      const shared = await processMetrics().metrics();
      return { contentType: registry.contentType, text: `${own}\n${shared}` };
    },
  };
}
