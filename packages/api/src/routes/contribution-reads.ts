// Reading contributions: the filtered, paginated list, one commit's contributions, and the stats.

import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { formatCents } from '@coherence/core';
import { requireReadKey } from '../access.js';
import type { AppEnv } from '../app-env.js';
import { pageBody, pageRequest } from '../pagination.js';
import { toUtcBound } from '../schemas/fields.js';
import { ContributionQuerySchema, ShaParamSchema, StatsQuerySchema } from '../schemas/queries.js';
import { CommitContributionsSchema, ContributionPageSchema, StatsSchema, errorResponses } from '../schemas/responses.js';
import type { ContributionFilter } from '../store/types.js';

const json = <T>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const routes = {
  list: createRoute({
    method: 'get',
    path: '/contributions',
    tags: ['contributions'],
    summary: 'List contributions, oldest first, with filters and cursor pagination',
    middleware: [requireReadKey],
    request: { query: ContributionQuerySchema },
    responses: { 200: json(ContributionPageSchema, 'A page of contributions'), ...errorResponses(401, 403, 422) },
  }),
  commit: createRoute({
    method: 'get',
    path: '/contributions/commit/{sha}',
    tags: ['contributions'],
    summary: "One commit's contributions (one per credited person, per repository)",
    description:
      'sha is a full hash or an abbreviation (4 to 64 hex digits, any case). Answers every contribution whose stored hash starts with sha, or is itself an abbreviation that sha starts with: hashes are stored as posted, so a short and a full hash of one commit are two records, and both are found.',
    middleware: [requireReadKey],
    request: { params: ShaParamSchema },
    responses: { 200: json(CommitContributionsSchema, 'The contributions; empty when the commit is unknown'), ...errorResponses(401, 403, 422) },
  }),
  stats: createRoute({
    method: 'get',
    path: '/stats',
    tags: ['stats'],
    summary: 'Contributions per day and the top contributors, with the same filters',
    middleware: [requireReadKey],
    request: { query: StatsQuerySchema },
    responses: { 200: json(StatsSchema, 'The figures'), ...errorResponses(401, 403, 422) },
  }),
};

/** The query's filters as the store takes them. */
export function contributionFilter(query: { repository?: string | undefined; contributor?: string | undefined; since?: string | undefined; until?: string | undefined }): ContributionFilter {
  return {
    ...(query.repository === undefined ? {} : { repository: query.repository }),
    ...(query.contributor === undefined ? {} : { contributorEmail: query.contributor }),
    ...(query.since === undefined ? {} : { since: toUtcBound(query.since) }),
    ...(query.until === undefined ? {} : { until: toUtcBound(query.until) }),
  };
}

export function registerContributionReads(api: OpenAPIHono<AppEnv>): void {
  api.openapi(routes.list, async (c) => {
    const query = c.req.valid('query');
    const page = await c.var.services.store.listContributions(contributionFilter(query), pageRequest(query));
    return c.json(pageBody(c, page), 200);
  });

  api.openapi(routes.commit, async (c) => {
    const sha = c.req.valid('param').sha.toLowerCase();
    const items = await c.var.services.store.contributionsForCommit(sha);
    return c.json({ commit_hash: sha, items }, 200);
  });

  api.openapi(routes.stats, async (c) => {
    const query = c.req.valid('query');
    const stats = await c.var.services.store.stats(contributionFilter(query), query.top ?? 10);
    return c.json(
      {
        per_day: stats.per_day.map((day) => ({ ...day, cost_amount: formatCents(day.cost_cents) })),
        top_contributors: stats.top_contributors.map(({ key, contributions: _contributions, ...row }) => ({
          email: key,
          ...row,
          cost_amount: formatCents(row.cost_cents),
        })),
      },
      200,
    );
  });
}
