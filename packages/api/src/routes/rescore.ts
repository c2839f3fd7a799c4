// Rescoring stored contributions with the current model versions (write key), one chunk per request:
// each chunk is one transaction, so a client that stops part-way resumes by sending the cursor back
// (or starts over: rows already rescored are skipped).

import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requireWriteKey } from '../access.js';
import type { AppEnv } from '../app-env.js';
import { jsonBody, validBody } from '../json-body.js';
import { DEFAULT_RESCORE_CHUNK, RescoreRequestSchema, RescoreResponseSchema } from '../schemas/identities.js';
import { errorResponses } from '../schemas/responses.js';

const rescoreRoute = createRoute({
  method: 'post',
  path: '/rescore',
  tags: ['contributions'],
  summary: 'Recompute cost and coherence of stored contributions with the current model versions, one chunk',
  description:
    'Rows already at the current versions are left alone; the replaced values are kept in meta.rescores; repository totals move in the same transaction.',
  security: [{ ApiKey: [] }],
  request: { body: { required: true, content: { 'application/json': { schema: RescoreRequestSchema } } } },
  responses: {
    200: { description: 'The chunk done', content: { 'application/json': { schema: RescoreResponseSchema } } },
    ...errorResponses(400, 401, 403, 413, 415, 422),
  },
});

export function registerRescore(api: OpenAPIHono<AppEnv>): void {
  api.openAPIRegistry.registerPath(rescoreRoute);
  api.post(rescoreRoute.path, requireWriteKey, jsonBody(), async (c) => {
    const body = validBody(c, RescoreRequestSchema);
    const { next, ...chunk } = await c.var.services.store.rescore({
      limit: body.limit ?? DEFAULT_RESCORE_CHUNK,
      ...(body.cursor === undefined ? {} : { after: body.cursor }),
    });
    if (chunk.rescored > 0) c.var.services.insight.refreshSoon();
    return c.json({ ...chunk, next_cursor: next }, 200);
  });
}
