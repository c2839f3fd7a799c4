// What every request handler can reach: the services createApp was given, and the request body once read.

import type { ContributionStore } from './store/types.js';
import type { AccessControl } from './access.js';
import type { InsightCache } from './insight/insight-cache.js';
import type { ApiMetrics } from './observability/metrics.js';
import type { ServerLog } from './observability/server-log.js';

export type Logger = (line: string) => void;

export interface AppServices {
  store: ContributionStore;
  /** The dashboard's figures, kept while the data does not change. */
  insight: InsightCache;
  access: AccessControl;
  /** Unset: the webhook receiver refuses every delivery. */
  webhookSecret: string | undefined;
  log: ServerLog;
  /** Unset when the app runs without metrics. */
  metrics: ApiMetrics | undefined;
}

export interface AppEnv {
  Variables: {
    services: AppServices;
    /** The body exactly as received (webhook signatures are computed over these bytes' text). */
    rawBody: string;
    /** The parsed JSON body. */
    body: unknown;
    /** Set by hono/request-id: the client's X-Request-Id, or a new one. */
    requestId: string;
    /** The webhook receiver acknowledged the delivery without recording anything. */
    webhookIgnored: boolean;
  };
}
