// The response bodies, for /api/openapi.json: what the stores return, pages, stats, batch results, errors.

import { z } from '@hono/zod-openapi';

const meta = () => z.record(z.string(), z.unknown());

export const ContributionSchema = z
  .object({
    id: z.string(),
    contributor_id: z.string(),
    asset_id: z.string(),
    commit_hash: z.string(),
    cost_amount: z.string().openapi({ description: 'Dollars with two decimals, as text.', example: '0.85' }),
    cost_cents: z.int(),
    coherence_score: z.number().openapi({ example: 0.8 }),
    timestamp: z.string().openapi({ description: 'When the work was authored (UTC).' }),
    created_at: z.string(),
    contributor_email: z.string(),
    contributor_name: z.string(),
    repository: z.string(),
    meta: meta().openapi({
      description: "Commit figures, cost provenance (meta.cost), the coherence breakdown, and the client's own metadata keys (meta.client_metadata).",
    }),
    metadata: meta().openapi({
      description:
        "The established Contribution model's metadata: the client's own keys as submitted, then files_changed, lines_added, lines_deleted, commit_hash, repository and contributor_email.",
      example: { pr_number: 42, files_changed: 3, lines_added: 50, lines_deleted: 0, commit_hash: 'abc123', repository: 'octo/hello', contributor_email: 'ann@example.com' },
    }),
  })
  .openapi('Contribution');

export const ContributorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    created_at: z.string(),
    meta: meta(),
    aliases: z.array(z.string()).openapi({ description: 'Addresses merged into this one (see /identities): counted as this person.' }),
    merged_into: z.string().optional().openapi({ description: 'Set when this address is merged into another: the primary it counts under.' }),
  })
  .openapi('Contributor');

export const AssetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    asset_type: z.string().openapi({ example: 'REPOSITORY' }),
    total_cost: z.string().openapi({ example: '12.40' }),
    total_cost_cents: z.int(),
    created_at: z.string(),
    meta: meta(),
  })
  .openapi('Asset');

const page = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      items: z.array(item),
      next: z.string().nullable().openapi({ description: 'The next page (same filters), or null on the last page.' }),
      next_cursor: z.string().nullable(),
    })
    .openapi(name);

export const ContributionPageSchema = page(ContributionSchema, 'ContributionPage');
export const ContributorPageSchema = page(ContributorSchema, 'ContributorPage');
export const AssetPageSchema = page(AssetSchema, 'AssetPage');

export const CommitContributionsSchema = z.object({ commit_hash: z.string(), items: z.array(ContributionSchema) }).openapi('CommitContributions');

export const BatchResultSchema = z
  .object({
    index: z.int(),
    status: z.enum(['created', 'duplicate', 'rejected']),
    id: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('BatchResult');

export const BatchResponseSchema = z
  .object({ results: z.array(BatchResultSchema), created: z.int(), duplicates: z.int(), rejected: z.int() })
  .openapi('BatchResponse');

export const StatsSchema = z
  .object({
    per_day: z.array(z.object({ day: z.string(), commits: z.int(), contributions: z.int(), cost_cents: z.int(), cost_amount: z.string() })),
    top_contributors: z.array(
      z.object({
        email: z.string(),
        name: z.string(),
        commits: z.int(),
        lines_added: z.int(),
        lines_deleted: z.int(),
        files_changed: z.int(),
        cost_cents: z.int(),
        cost_amount: z.string(),
        mean_coherence: z.number(),
      }),
    ),
  })
  .openapi('Stats');

export const WebhookResultSchema = z
  .object({
    event: z.string(),
    ignored: z.string().optional(),
    repository: z.string().optional(),
    commits: z.int().optional(),
    created: z.int().optional(),
    duplicates: z.int().optional(),
  })
  .openapi('WebhookResult');

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum([
        'validation_failed',
        'unauthorized',
        'forbidden',
        'not_found',
        'payload_too_large',
        'unsupported_media_type',
        'malformed_json',
        'not_ready',
        'internal',
      ]),
      message: z.string(),
      fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error');

const ERROR_DESCRIPTIONS = {
  400: 'Malformed JSON',
  401: 'No X-API-Key (or, for webhooks, no signature)',
  403: 'A wrong X-API-Key (or signature)',
  404: 'Not found',
  413: 'Body over 1 MB',
  415: 'Body is not JSON',
  422: 'Validation failed; error.fields names each bad field',
  503: 'The database is not reachable',
} as const;

/** The documented error answers of a route, all with the one error body. */
export function errorResponses<S extends keyof typeof ERROR_DESCRIPTIONS>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, { description: ERROR_DESCRIPTIONS[status], content: { 'application/json': { schema: ErrorSchema } } }]),
  ) as unknown as Record<S, { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }>;
}
