// GET /insight: everything the dashboard draws for one selection, aggregated in the database, and
// answered from memory while the data has not changed (insight/insight-cache.ts).

import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requireReadKey } from '../access.js';
import type { AppEnv } from '../app-env.js';
import { encodingHeaders } from '../content-encoding.js';
import { InsightQuerySchema, InsightSchema } from '../schemas/insight.js';
import { errorResponses } from '../schemas/responses.js';
import { contributionFilter } from './contribution-reads.js';

const route = createRoute({
  method: 'get',
  path: '/insight',
  tags: ['stats'],
  summary: 'Headline figures, weeks, top contributors, coherence distribution, repositories and the latest contributions',
  middleware: [requireReadKey],
  request: { query: InsightQuerySchema },
  responses: {
    200: { description: 'The figures for the selection', content: { 'application/json': { schema: InsightSchema } } },
    ...errorResponses(401, 403, 422),
  },
});

export function registerInsight(api: OpenAPIHono<AppEnv>): void {
  api.openapi(route, async (c) => {
    const query = c.req.valid('query');
    const filter = contributionFilter(query);
    const selection = {
      ...(filter.repository === undefined ? {} : { repository: filter.repository }),
      ...(filter.contributorEmail === undefined ? {} : { contributor: filter.contributorEmail.trim().toLowerCase() }),
      ...(filter.since === undefined ? {} : { since: filter.since }),
      ...(filter.until === undefined ? {} : { until: filter.until }),
    };
    const started = performance.now();
    const answer = await c.var.services.insight.answer(selection, {
      ...(query.top === undefined ? {} : { top: query.top }),
      ...(query.latest === undefined ? {} : { latest: query.latest }),
    });
    const { body, encoding } = answer.body.forRequest(c.req.header('accept-encoding'));
    // Sent as kept, not through c.json (which would serialize it again): the route's typing knows only
    // c.json's responses, so it is told this one is one of them. InsightSchema still describes the body.
    const response = new Response(body, {
      status: 200,
      headers: {
        'content-type': 'application/json',
        ...encodingHeaders(encoding),
        // The server's share of the page's wait, for the browser's timing panel and the benchmark.
        'server-timing': `insight;dur=${(performance.now() - started).toFixed(1)};desc="${answer.cached ? 'kept' : 'computed'}"`,
      },
    });
    return response as never;
  });
}
