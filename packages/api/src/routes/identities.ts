// One person under several addresses: the candidate groups and existing merges (read), and merging or
// unmerging addresses (write key). Core plans every merge; a refusal is a 422 naming the field.

import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { identityCandidates, type MergePlan, type MergeRefusal, type UnmergePlan } from '@coherence/core';
import { requireReadKey, requireWriteKey } from '../access.js';
import type { AppEnv } from '../app-env.js';
import { apiErrors } from '../errors.js';
import { jsonBody, validBody } from '../json-body.js';
import { IdentitiesSchema, MergeRequestSchema, MergesSchema, MergeResponseSchema, UnmergeRequestSchema, UnmergeResponseSchema } from '../schemas/identities.js';
import { errorResponses } from '../schemas/responses.js';
import { groupMerges, type IdentityOverview } from '../store/identities.js';

const json = <T>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const listRoute = createRoute({
  method: 'get',
  path: '/identities',
  tags: ['identities'],
  summary: 'Addresses, merges, and groups of addresses that are likely one person',
  middleware: [requireReadKey],
  responses: { 200: json(IdentitiesSchema, 'The addresses, merges and candidate groups'), ...errorResponses(401, 403) },
});

const mergesRoute = createRoute({
  method: 'get',
  path: '/identities/merges',
  tags: ['identities'],
  summary: 'Only the merges: which addresses count as which person',
  description: 'Reads no contributions, so a client can ask on every run (the CLI and the Action do, to count each person once in their summaries).',
  middleware: [requireReadKey],
  responses: { 200: json(MergesSchema, 'The merges, by primary then alias'), ...errorResponses(401, 403) },
});

const mergeRoute = createRoute({
  method: 'post',
  path: '/identities/merge',
  tags: ['identities'],
  summary: 'Count the aliases as the primary person, in every read',
  description:
    'Stored contributions keep their address; reads count them under the primary, including contributions recorded later. Idempotent. Refused (422): a primary that is itself an alias, an alias merged into another primary.',
  security: [{ ApiKey: [] }],
  request: { body: { required: true, content: { 'application/json': { schema: MergeRequestSchema } } } },
  responses: { 200: json(MergeResponseSchema, 'Merged'), ...errorResponses(400, 401, 403, 413, 415, 422) },
});

const unmergeRoute = createRoute({
  method: 'post',
  path: '/identities/unmerge',
  tags: ['identities'],
  summary: 'Make aliases their own people again',
  security: [{ ApiKey: [] }],
  request: { body: { required: true, content: { 'application/json': { schema: UnmergeRequestSchema } } } },
  responses: { 200: json(UnmergeResponseSchema, 'Unmerged'), ...errorResponses(400, 401, 403, 413, 415, 422) },
});

/** The overview as the API answers it: merges grouped by primary, and core's candidate groups. */
export function identitiesBody(overview: IdentityOverview) {
  const names = new Map(overview.addresses.map((address) => [address.email, address.name]));
  const primaryOf = new Map(overview.links.map((link) => [link.alias, link.primary]));
  return {
    addresses: overview.addresses.map((address) => {
      const primary = primaryOf.get(address.email);
      return primary === undefined ? address : { ...address, merged_into: primary };
    }),
    merges: groupMerges(overview.links.map((link) => ({ ...link, name: names.get(link.primary) ?? null }))),
    candidates: identityCandidates(overview.addresses, { links: overview.links }),
  };
}

function refused(outcome: MergeRefusal): never {
  throw apiErrors.validation([{ field: outcome.field, message: outcome.message }]);
}

export function registerIdentities(api: OpenAPIHono<AppEnv>): void {
  api.openapi(listRoute, async (c) => c.json(identitiesBody(await c.var.services.store.identities()), 200));
  api.openapi(mergesRoute, async (c) => c.json({ merges: await c.var.services.store.mergedPeople() }, 200));

  api.openAPIRegistry.registerPath(mergeRoute);
  api.post(mergeRoute.path, requireWriteKey, jsonBody(), async (c) => {
    const body = validBody(c, MergeRequestSchema);
    const outcome: MergePlan | MergeRefusal = await c.var.services.store.mergeIdentities(body.primary, body.aliases);
    if (!outcome.ok) refused(outcome);
    if (outcome.links.length > 0) c.var.services.insight.refreshSoon();
    return c.json({ primary: outcome.primary, merged: outcome.merged, already: outcome.already, moved: outcome.moved }, 200);
  });

  api.openAPIRegistry.registerPath(unmergeRoute);
  api.post(unmergeRoute.path, requireWriteKey, jsonBody(), async (c) => {
    const body = validBody(c, UnmergeRequestSchema);
    const outcome: UnmergePlan | MergeRefusal = await c.var.services.store.unmergeIdentities(body.aliases);
    if (!outcome.ok) refused(outcome);
    if (outcome.unmerged.length > 0) c.var.services.insight.refreshSoon();
    return c.json({ unmerged: outcome.unmerged, not_merged: outcome.notMerged }, 200);
  });
}
