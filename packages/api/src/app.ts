// The Coherence API as a Hono app: every route under /api and again under /v1, one error handler,
// one request log. Testable without a socket through app.request().

import { OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { createAccessControl } from './access.js';
import type { AppEnv, AppServices, Logger } from './app-env.js';
import { errorHandler, notFound } from './error-handler.js';
import { apiErrors, fieldErrors } from './errors.js';
import { InsightCache } from './insight/insight-cache.js';
import { registerOpenApi } from './openapi.js';
import { instrumentStore } from './observability/instrumented-store.js';
import { createApiMetrics } from './observability/metrics.js';
import { requestObserver } from './observability/request-observer.js';
import { createServerLog, type LogFormat } from './observability/server-log.js';
import { registerContributionReads } from './routes/contribution-reads.js';
import { registerContributionWrites } from './routes/contribution-writes.js';
import { registerDashboard } from './routes/dashboard.js';
import { registerDirectory } from './routes/directory.js';
import { registerGithubWebhook } from './routes/github-webhook.js';
import { registerHealth } from './routes/health.js';
import { registerInsight } from './routes/insight.js';
import { registerMetrics } from './routes/metrics.js';
import { registerIdentities } from './routes/identities.js';
import { registerRescore } from './routes/rescore.js';
import type { ContributionStore } from './store/types.js';

export interface AppOptions {
  store: ContributionStore;
  /** Keys accepted for writes (X-API-Key). None: writes are open, which startServer allows on loopback only. */
  apiKeys?: readonly string[];
  /** When set, reads need X-API-Key with this key (or a write key). */
  readKey?: string;
  /** When set, /api/webhooks/github accepts deliveries signed with it. */
  webhookSecret?: string;
  /** Receives one line per request, and internal errors. Default: stderr. */
  logger?: Logger;
  /** JSON lines (the default), or short lines for a terminal. */
  logFormat?: LogFormat;
  /** Serve GET /metrics and count what the API does (default true). */
  metrics?: boolean;
  /**
   * Fold the whole database's dashboard figures once in the background as the app starts, so that the
   * first visit after a start or a deploy finds them kept instead of waiting for every row to be read.
   */
  warmDashboard?: boolean;
}

export type CoherenceApp = Hono<AppEnv>;

/**
 * Lines to stderr, gathered per turn of the event loop: under load one write carries many lines
 * (a write to a pipe or file is a system call, and at hundreds of requests a second they add up).
 */
function stderrLogger(): Logger {
  let pending: string[] = [];
  const flush = () => {
    const text = pending.join('');
    pending = [];
    process.stderr.write(text);
  };
  return (line) => {
    if (pending.push(`${line}\n`) === 1) setImmediate(flush);
  };
}

export function createApp(options: AppOptions): CoherenceApp {
  const apiKeys = (options.apiKeys ?? []).filter((key) => key !== '');
  const readKey = options.readKey === '' ? undefined : options.readKey;
  const webhookSecret = options.webhookSecret === '' ? undefined : options.webhookSecret;
  const log = createServerLog(options.logger ?? stderrLogger(), options.logFormat ?? 'json', [...apiKeys, readKey, webhookSecret]);
  const metrics = options.metrics === false ? undefined : createApiMetrics(options.store);
  const store = metrics ? instrumentStore(options.store, metrics) : options.store;
  const services: AppServices = { store, insight: new InsightCache(store), access: createAccessControl(apiKeys, readKey), webhookSecret, log, metrics };

  const api = new OpenAPIHono<AppEnv>({
    // Query and path parameters that fail their schema: a 422 naming each one, from the one error handler.
    defaultHook: (result) => {
      if (!result.success) throw apiErrors.validation(fieldErrors(result.error.issues));
    },
  });
  registerContributionWrites(api);
  registerContributionReads(api);
  registerDirectory(api);
  registerGithubWebhook(api);
  registerHealth(api);
  registerInsight(api);
  registerIdentities(api);
  registerRescore(api);
  registerOpenApi(api);

  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('services', services);
    await next();
  });
  app.use('*', ...requestObserver(log, metrics));
  app.route('/api', api);
  app.route('/v1', api);
  if (metrics) registerMetrics(app, metrics);
  registerDashboard(app);
  app.onError(errorHandler(log));
  app.notFound(notFound);
  if (options.warmDashboard) services.insight.refreshSoon(0);
  return app;
}
