// The query and the answer of GET /api/insight, the dashboard's one request.

import { z } from '@hono/zod-openapi';
import { StatsQuerySchema } from './queries.js';

export const InsightQuerySchema = StatsQuerySchema.extend({
  latest: z.coerce.number().int().min(0).max(100).optional().openapi({ description: 'How many of the latest contributions (default 20).' }),
});

const contributor = z.object({
  email: z.string(),
  name: z.string(),
  commits: z.int(),
  lines_added: z.int(),
  lines_deleted: z.int(),
  cost_cents: z.int(),
  mean_coherence: z.number(),
});

export const InsightSchema = z
  .object({
    selection: z.object({ repository: z.string().optional(), contributor: z.string().optional(), since: z.string().optional(), until: z.string().optional() }),
    generated_at: z.string(),
    totals: z.object({
      contributors: z.int(),
      commits: z.int(),
      contributions: z.int(),
      lines_added: z.int(),
      lines_deleted: z.int(),
      files_changed: z.int(),
      cost_cents: z.int(),
      mean_coherence: z.number(),
    }),
    weeks: z.array(
      z.object({
        week: z.string().openapi({ description: 'The Monday, YYYY-MM-DD' }),
        commits: z.int(),
        contributions: z.int(),
        lines_added: z.int(),
        lines_deleted: z.int(),
        cost_cents: z.int(),
        mean_coherence: z.number(),
      }),
    ),
    top_by_cost: z.array(contributor),
    top_by_commits: z.array(contributor),
    coherence: z.array(z.object({ score: z.number(), commits: z.int() })),
    repositories: z.array(
      z.object({
        name: z.string(),
        commits: z.int(),
        contributions: z.int(),
        contributors: z.int(),
        lines_added: z.int(),
        lines_deleted: z.int(),
        cost_cents: z.int(),
        mean_coherence: z.number(),
        last_commit_at: z.string(),
        url: z.string().nullable(),
      }),
    ),
    latest: z.array(
      z.object({
        repository: z.string(),
        commit_hash: z.string(),
        contributor_email: z.string(),
        contributor_name: z.string(),
        role: z.string(),
        timestamp: z.string(),
        cost_cents: z.int(),
        coherence_score: z.number(),
        lines_added: z.int(),
        lines_deleted: z.int(),
        subject: z.string().nullable(),
        url: z.string().nullable(),
      }),
    ),
    repository_names: z.array(z.string()),
  })
  .openapi('Insight');
