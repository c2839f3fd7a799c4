// Around every request: a request id (the client's X-Request-Id when it is a sane one, else a new
// UUID, echoed in the response), one log entry, and the request's metrics — its duration by route,
// and what it means for ingestion (contributions refused, webhook deliveries by result).

import type { Context, MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../app-env.js';
import type { ApiMetrics, WebhookResult } from './metrics.js';
import type { ServerLog } from './server-log.js';

const WRITE_ROUTE = /^\/(?:api|v1)\/contributions(?:\/github)?$/;
const WEBHOOK_ROUTE = /^\/(?:api|v1)\/webhooks\/github$/;
// A write refused for what it carried (not for its key): each is one contribution rejected.
const REJECTING_STATUSES = new Set([400, 404, 413, 415, 422]);

export function requestObserver(log: ServerLog, metrics: ApiMetrics | undefined): MiddlewareHandler<AppEnv>[] {
  return [
    requestId({ limitLength: 128 }) as unknown as MiddlewareHandler<AppEnv>,
    async (c, next) => {
      const started = performance.now();
      try {
        await next();
      } finally {
        const durationMs = performance.now() - started;
        const route = routeLabel(c);
        const status = c.res.status;
        log.request({ requestId: c.var.requestId, method: c.req.method, path: c.req.path, route, status, durationMs });
        if (metrics) {
          metrics.observeRequest(c.req.method, route, status, durationMs / 1000);
          if (c.req.method === 'POST' && WRITE_ROUTE.test(route) && REJECTING_STATUSES.has(status)) metrics.ingested('rejected');
          if (WEBHOOK_ROUTE.test(route)) metrics.webhookDelivery(webhookResult(status, c.var.webhookIgnored === true));
        }
      }
    },
  ];
}

/** The pattern of the route that answered, so that ids in paths do not make a series each. */
function routeLabel(c: Context<AppEnv>): string {
  const routes = matchedRoutes(c).filter((route) => route.method !== 'ALL');
  return routes.at(-1)?.path ?? 'unmatched';
}

function webhookResult(status: number, ignored: boolean): WebhookResult {
  if (status >= 500) return 'failed';
  if (status === 401 || status === 403) return 'refused';
  if (status >= 400) return 'invalid';
  return ignored ? 'ignored' : 'recorded';
}
