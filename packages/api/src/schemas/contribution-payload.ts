// The request bodies that create contributions: the established payload (alone or in batches of up to
// 1,000) and the original id-based form. These schemas validate requests and generate /api/openapi.json.

import { z } from '@hono/zod-openapi';
import { MAX_BATCH_ITEMS, MAX_CLIENT_METADATA_BYTES } from '@coherence/core';
import { commitHash, count, dollars, email, repositoryName, text, timestamp, unstorableJson } from './fields.js';

export { MAX_BATCH_ITEMS };

const COUNT_DEFAULT = 'Missing means 0; the cost basis is then submitted_metadata.';

export const PayloadMetadataSchema = z
  .object({
    files_changed: count().optional().openapi({ description: COUNT_DEFAULT }),
    lines_added: count().optional().openapi({ description: COUNT_DEFAULT }),
    lines_deleted: count().optional().openapi({ description: 'Missing means 0.' }),
    binary_files: count().optional(),
    has_tests: z.boolean().optional(),
    has_docs: z.boolean().optional(),
    contributor_name: text(1024).optional(),
    role: z.enum(['author', 'co-author']).optional(),
    timestamp: timestamp().optional().openapi({ description: 'When the work was authored; the time of receipt when absent.' }),
    subject: text(65_536).optional(),
    parents: z.array(commitHash()).max(1024).optional(),
    authored_at: timestamp().optional(),
    committed_at: timestamp().optional(),
    co_authors: z.array(text(320)).max(1000).optional(),
    cost_basis: z.enum(['numstat', 'submitted_metadata', 'push_paths']).optional(),
    counted_files: count().optional(),
    counted_lines_added: count().optional(),
    excluded_files: count().optional(),
    credited: z.int().min(1).max(1000).optional().openapi({ description: 'How many people share the commit.' }),
    share_index: z.int().min(0).max(999).optional().openapi({ description: "This record's share of the commit (0 = the author)." }),
  })
  // Keys of the client's own (pr_number, labels, anything JSON) are kept and returned as submitted;
  // recordFor reads them from the raw body and checks them with clientMetadataProblems.
  .catchall(z.unknown())
  .refine((metadata) => (metadata.share_index ?? 0) < (metadata.credited ?? 1), {
    path: ['share_index'],
    message: 'must be less than credited',
  })
  .openapi('PayloadMetadata', {
    description: `The commit's figures. Keys other than these are the client's own: stored and returned as submitted, up to ${MAX_CLIENT_METADATA_BYTES} bytes of JSON.`,
  });

/** Why keys of a client's own cannot be stored as they are: per key, and for their size together (key undefined). */
export function clientMetadataProblems(own: Record<string, unknown>): Array<{ key: string | undefined; message: string }> {
  const problems: Array<{ key: string | undefined; message: string }> = [];
  for (const [key, value] of Object.entries(own)) {
    const problem = unstorableJson(key) === undefined ? unstorableJson(value) : 'the key must not contain NUL characters or unpaired surrogates';
    if (problem !== undefined) problems.push({ key, message: problem });
  }
  const bytes = Buffer.byteLength(JSON.stringify(own));
  if (bytes > MAX_CLIENT_METADATA_BYTES) {
    problems.push({ key: undefined, message: `keys of your own may take at most ${MAX_CLIENT_METADATA_BYTES} bytes of JSON (these take ${bytes})` });
  }
  return problems;
}

export const ContributionPayloadSchema = z
  .object({
    contributor_email: email(),
    repository: repositoryName(),
    commit_hash: commitHash(),
    cost_amount: dollars().openapi({ description: 'Dollars. Kept as provenance; the stored cost is re-estimated by the core formula.' }),
    metadata: PayloadMetadataSchema.nullish().openapi({ description: 'Missing (or null) means {}.' }),
  })
  .openapi('ContributionPayload');

export type ValidPayload = z.infer<typeof ContributionPayloadSchema>;

/** The batch as documented: every item a ContributionPayload. */
export const BatchRequestSchema = z
  .object({ items: z.array(ContributionPayloadSchema).min(1).max(MAX_BATCH_ITEMS) })
  .openapi('BatchRequest');

/** The batch as first checked: the envelope only, so one bad item is rejected alone (each is checked with ContributionPayloadSchema). */
export const BatchEnvelopeSchema = z.object({ items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS) });

export const ContributionByIdSchema = z
  .object({
    contributor_id: text(128).min(1),
    asset_id: text(128).min(1),
    commit_hash: commitHash(),
    cost_amount: dollars(),
    coherence_score: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .openapi({ description: 'Kept as provenance (meta.submitted_coherence); the stored score is the core rule applied to the metadata.' }),
    timestamp: timestamp().optional(),
    metadata: PayloadMetadataSchema.nullish(),
  })
  .openapi('ContributionById');
