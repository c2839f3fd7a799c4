// GET /metrics: the Prometheus text exposition, behind the read key when one is set. Prometheus sends
// a key as `authorization: { credentials: KEY }` (a Bearer token), which the read check accepts.

import type { Hono } from 'hono';
import { requireReadKey } from '../access.js';
import type { AppEnv } from '../app-env.js';
import type { ApiMetrics } from '../observability/metrics.js';

export function registerMetrics(app: Hono<AppEnv>, metrics: ApiMetrics): void {
  app.get('/metrics', requireReadKey, async (c) => {
    const { contentType, text } = await metrics.render();
    return c.body(text, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
  });
}
