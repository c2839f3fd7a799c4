// GET /insight: everything the dashboard draws for one selection, aggregated in the database.

import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requireReadKey } from '../access.js';
import type { AppEnv } from '../app-env.js';
import { buildInsight } from '../insight/insight.js';
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
    const insight = await buildInsight(c.var.services.store, selection, {
      ...(query.top === undefined ? {} : { top: query.top }),
      ...(query.latest === undefined ? {} : { latest: query.latest }),
    });
    return c.json(insight, 200);
  });
}
