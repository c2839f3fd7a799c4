// Creating contributions: the established payload (one, or a batch of up to 1,000 in one transaction)
// and the original id-based form. All are idempotent on (repository, commit, contributor).
// Bodies are read once by jsonBody and checked with the same schemas the routes document.

import type { ContributionRecord } from '@coherence/core';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireWriteKey } from '../access.js';
import type { AppEnv } from '../app-env.js';
import { ApiError, apiErrors, fieldErrors, type FieldError } from '../errors.js';
import { jsonBody, validBody } from '../json-body.js';
import { recordFor } from '../payload-record.js';
import {
  BatchEnvelopeSchema,
  BatchRequestSchema,
  ContributionByIdSchema,
  ContributionPayloadSchema,
} from '../schemas/contribution-payload.js';
import { BatchResponseSchema, ContributionSchema, errorResponses } from '../schemas/responses.js';
import type { StoredContribution } from '../store/types.js';

const contributionAnswers = {
  201: { description: 'Recorded', content: { 'application/json': { schema: ContributionSchema } } },
  200: { description: 'Already recorded: the stored contribution; nothing was created', content: { 'application/json': { schema: ContributionSchema } } },
} as const;

const githubRoute = createRoute({
  method: 'post',
  path: '/contributions/github',
  tags: ['contributions'],
  summary: 'Record a contribution from the established payload',
  description:
    'Finds or creates the contributor (by email) and the repository asset (by name), re-estimates the cost and scores coherence with the core rules, and stores it. The same (repository, commit, contributor) again answers 200 with the stored record.',
  security: [{ ApiKey: [] }],
  request: { body: { required: true, content: { 'application/json': { schema: ContributionPayloadSchema } } } },
  responses: { ...contributionAnswers, ...errorResponses(400, 401, 403, 413, 415, 422) },
});

const batchRoute = createRoute({
  method: 'post',
  path: '/contributions/batch',
  tags: ['contributions'],
  summary: 'Record up to 1,000 contributions in one transaction',
  description:
    'Each item is checked on its own: a rejected item is reported with its errors and does not stop the others. Everything accepted is stored in one transaction.',
  security: [{ ApiKey: [] }],
  request: { body: { required: true, content: { 'application/json': { schema: BatchRequestSchema } } } },
  responses: {
    200: { description: 'Per-item results, in request order', content: { 'application/json': { schema: BatchResponseSchema } } },
    ...errorResponses(400, 401, 403, 413, 415, 422),
  },
});

const byIdRoute = createRoute({
  method: 'post',
  path: '/contributions',
  tags: ['contributions'],
  summary: 'Record a contribution for an existing contributor and asset (the original form)',
  security: [{ ApiKey: [] }],
  request: { body: { required: true, content: { 'application/json': { schema: ContributionByIdSchema } } } },
  responses: { ...contributionAnswers, ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
});

type BatchResult =
  | { index: number; status: 'created' | 'duplicate'; id: string }
  | { index: number; status: 'rejected'; errors: FieldError[] };

export function registerContributionWrites(api: OpenAPIHono<AppEnv>): void {
  api.openAPIRegistry.registerPath(githubRoute);
  api.post(githubRoute.path, requireWriteKey, jsonBody(), async (c) => {
    const record = recordFor(validBody(c, ContributionPayloadSchema), new Date(), { raw: c.var.body });
    const [outcome] = await c.var.services.store.ingest([record]);
    return answer(c, outcome!);
  });

  // The envelope first, then each item on its own, so that one bad item is rejected alone.
  api.openAPIRegistry.registerPath(batchRoute);
  api.post(batchRoute.path, requireWriteKey, jsonBody(), async (c) => {
    const envelope = BatchEnvelopeSchema.safeParse(c.var.body);
    if (!envelope.success) throw apiErrors.validation(fieldErrors(envelope.error.issues));
    const receivedAt = new Date();
    const results: BatchResult[] = [];
    const accepted: Array<{ index: number; record: ContributionRecord }> = [];
    envelope.data.items.forEach((item, index) => {
      const parsed = ContributionPayloadSchema.safeParse(item);
      if (!parsed.success) {
        results[index] = { index, status: 'rejected', errors: fieldErrors(parsed.error.issues, ['items', index]) };
        return;
      }
      try {
        accepted.push({ index, record: recordFor(parsed.data, receivedAt, { raw: item, at: `items.${index}` }) });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        results[index] = { index, status: 'rejected', errors: error.fields ?? [] };
      }
    });
    const stored = await c.var.services.store.ingestIds(accepted.map((item) => item.record));
    stored.forEach((outcome, position) => {
      const { index } = accepted[position]!;
      results[index] = { index, status: outcome.status, id: outcome.id };
    });
    const tally = { created: 0, duplicates: 0, rejected: 0 };
    for (const result of results) {
      if (result.status === 'created') tally.created += 1;
      else if (result.status === 'duplicate') tally.duplicates += 1;
      else tally.rejected += 1;
    }
    c.var.services.metrics?.ingested('rejected', tally.rejected);
    return c.json({ results, ...tally }, 200);
  });

  api.openAPIRegistry.registerPath(byIdRoute);
  api.post(byIdRoute.path, requireWriteKey, jsonBody(), async (c) => {
    const input = validBody(c, ContributionByIdSchema);
    const { store } = c.var.services;
    const [contributor, asset] = await Promise.all([store.getContributor(input.contributor_id), store.getAsset(input.asset_id)]);
    if (!contributor) throw apiErrors.notFound(`contributor ${input.contributor_id}`);
    if (!asset) throw apiErrors.notFound(`asset ${input.asset_id}`);
    // The same rules as every other write: core re-estimates the cost and scores the metadata.
    const record = recordFor(
      {
        contributor_email: contributor.email,
        repository: asset.name,
        commit_hash: input.commit_hash,
        cost_amount: input.cost_amount,
        metadata: {
          ...input.metadata,
          contributor_name: input.metadata?.contributor_name ?? contributor.name,
          ...(input.timestamp === undefined ? {} : { timestamp: input.timestamp }),
        },
      },
      new Date(),
      { raw: c.var.body },
    );
    const outcome = await store.createById({
      contributor_id: contributor.id,
      asset_id: asset.id,
      commit_hash: record.commitHash,
      cost_cents: record.costCents,
      coherence_score: record.coherence,
      timestamp: record.timestamp,
      meta: input.coherence_score === undefined ? { ...record.meta } : { ...record.meta, submitted_coherence: input.coherence_score },
    });
    if (outcome.status === 'unknown_contributor') throw apiErrors.notFound(`contributor ${input.contributor_id}`);
    if (outcome.status === 'unknown_asset') throw apiErrors.notFound(`asset ${input.asset_id}`);
    return answer(c, outcome);
  });
}

function answer(c: Context<AppEnv>, outcome: { status: 'created' | 'duplicate'; contribution: StoredContribution }) {
  return c.json(outcome.contribution, outcome.status === 'created' ? 201 : 200);
}
