// Request and response bodies of the identity routes (/identities) and the rescore route (/rescore).

import { z } from '@hono/zod-openapi';
import { email, text } from './fields.js';

const MAX_ALIASES = 1000;
export const MAX_RESCORE_CHUNK = 50_000;
export const DEFAULT_RESCORE_CHUNK = 5_000;

export const MergeRequestSchema = z
  .object({
    primary: email().openapi({ description: 'The address the person is counted under.' }),
    aliases: z.array(email()).min(1).max(MAX_ALIASES).openapi({ description: 'Addresses to count under the primary, seen yet or not.' }),
  })
  .openapi('MergeRequest');

export const UnmergeRequestSchema = z
  .object({ aliases: z.array(email()).min(1).max(MAX_ALIASES) })
  .openapi('UnmergeRequest');

const link = z.object({ alias: z.string(), primary: z.string() });

export const MergeResponseSchema = z
  .object({
    primary: z.string(),
    merged: z.array(z.string()).openapi({ description: 'Aliases linked by this request.' }),
    already: z.array(z.string()).openapi({ description: 'Aliases that were already merged into this primary.' }),
    moved: z.array(link).openapi({ description: 'Aliases of a merged address, moved to the primary so links stay one level deep.' }),
  })
  .openapi('MergeResponse');

export const UnmergeResponseSchema = z
  .object({
    unmerged: z.array(link),
    not_merged: z.array(z.string()).openapi({ description: 'Addresses that were not aliases: nothing to do.' }),
  })
  .openapi('UnmergeResponse');

const merge = z.object({
  primary: z.string().openapi({ description: 'The address the person is counted under.' }),
  name: z.string().nullable(),
  aliases: z.array(z.string()),
});

export const MergesSchema = z
  .object({
    merges: z.array(merge.extend({ name: z.string().nullable().openapi({ description: "The name on the primary address's own commits; null before any are stored." }) })),
  })
  .openapi('Merges');

const address = z.object({ email: z.string(), name: z.string(), contributions: z.int(), merged_into: z.string().optional() });

export const IdentitiesSchema = z
  .object({
    addresses: z.array(address).openapi({ description: 'Every stored address, with its contributions.' }),
    merges: z.array(merge),
    candidates: z
      .array(
        z.object({
          primary: z.string().openapi({ description: 'The suggested primary.' }),
          aliases: z.array(z.string()),
          addresses: z.array(address),
          evidence: z.array(
            z.object({
              kind: z.enum(['same_name', 'noreply_login', 'mailmap']),
              addresses: z.array(z.string()),
              detail: z.string(),
            }),
          ),
          contributions: z.int(),
        }),
      )
      .openapi({ description: 'Groups of addresses that are likely one person, with the evidence.' }),
  })
  .openapi('Identities');

export const RescoreRequestSchema = z
  .object({
    cursor: text(128).regex(/^[0-9A-Za-z-]+$/, 'must be a next_cursor from a previous answer').optional(),
    limit: z.int().min(1).max(MAX_RESCORE_CHUNK).optional().openapi({ description: `Rows to examine (default ${DEFAULT_RESCORE_CHUNK}).` }),
  })
  .openapi('RescoreRequest');

export const RescoreResponseSchema = z
  .object({
    examined: z.int(),
    rescored: z.int(),
    skipped: z.int().openapi({ description: 'Rows of a model version this server does not know, or without figures.' }),
    cost_cents_change: z.int(),
    next_cursor: z.string().nullable().openapi({ description: 'Send it back for the next chunk; null when the scan is complete.' }),
  })
  .openapi('RescoreResponse');
