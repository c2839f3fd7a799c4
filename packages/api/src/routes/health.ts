// Liveness and readiness, for load balancers and orchestrators: /health says the process answers,
// /ready that the database does too (503 when it does not).

import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { apiErrors } from '../errors.js';
import { errorResponses } from '../schemas/responses.js';

const READY_TIMEOUT_MS = 2_000;

const routes = {
  health: createRoute({
    method: 'get',
    path: '/health',
    tags: ['health'],
    summary: 'The process is up',
    responses: { 200: { description: 'Up', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
  }),
  ready: createRoute({
    method: 'get',
    path: '/ready',
    tags: ['health'],
    summary: 'The database is reachable',
    responses: {
      200: {
        description: 'Ready',
        content: { 'application/json': { schema: z.object({ status: z.literal('ready'), database: z.enum(['sqlite', 'postgres']) }) } },
      },
      ...errorResponses(503),
    },
  }),
};

export function registerHealth(api: OpenAPIHono<AppEnv>): void {
  api.openapi(routes.health, (c) => c.json({ status: 'ok' as const }, 200));

  api.openapi(routes.ready, async (c) => {
    const { store } = c.var.services;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        store.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      throw apiErrors.notReady(error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
    }
    return c.json({ status: 'ready' as const, database: store.dialect }, 200);
  });
}
