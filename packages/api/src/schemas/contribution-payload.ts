// The request bodies that create contributions: the established payload (alone or in batches of up to
// 1,000) and the original id-based form. These schemas validate requests and generate /api/openapi.json.

import { z } from '@hono/zod-openapi';
import { MAX_BATCH_ITEMS } from '@coherence/core';
import { commitHash, count, dollars, email, repositoryName, text, timestamp } from './fields.js';

export { MAX_BATCH_ITEMS };

export const PayloadMetadataSchema = z
  .object({
    files_changed: count(),
    lines_added: count(),
    lines_deleted: count(),
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
  .refine((metadata) => (metadata.share_index ?? 0) < (metadata.credited ?? 1), {
    path: ['share_index'],
    message: 'must be less than credited',
  })
  .openapi('PayloadMetadata');

export const ContributionPayloadSchema = z
  .object({
    contributor_email: email(),
    repository: repositoryName(),
    commit_hash: commitHash(),
    cost_amount: dollars().openapi({ description: 'Dollars. Kept as provenance; the stored cost is re-estimated by the core formula.' }),
    metadata: PayloadMetadataSchema,
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
    metadata: PayloadMetadataSchema,
  })
  .openapi('ContributionById');
