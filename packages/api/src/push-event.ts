// A GitHub push webhook, read as contributions: each pushed commit credits its author and co-authors
// (core's creditedPeople). A push names changed paths but no line counts, so cost is estimated from
// the paths alone and recorded with the 'push_paths' basis, whose lower confidence says so.

import {
  centsToDollars,
  commitMetrics,
  countCostableChanges,
  createExcludeMatcher,
  creditedPeople,
  estimateCost,
  splitCents,
  type ContributionPayload,
  type FileChange,
} from '@coherence/core';
import { z } from '@hono/zod-openapi';
import { commitHash, repositoryName, text, timestamp } from './schemas/fields.js';

const paths = () => z.array(text(4096)).max(100_000).optional();

const PushCommitSchema = z.object({
  id: commitHash(),
  message: text(1_000_000),
  timestamp: timestamp(),
  author: z.object({ name: text(1024).nullish(), email: text(320).nullish() }),
  added: paths(),
  removed: paths(),
  modified: paths(),
});

/** The parts of GitHub's push event this server reads; everything else in it is ignored. */
export const PushEventSchema = z
  .object({
    ref: text(1024),
    deleted: z.boolean().optional(),
    repository: z.object({ full_name: repositoryName() }),
    commits: z.array(PushCommitSchema).max(10_000).optional(),
  })
  .openapi('PushEvent', { description: 'GitHub’s push event payload (only the fields read are listed).' });

export type PushEvent = z.infer<typeof PushEventSchema>;

const defaultExcludes = createExcludeMatcher();

/** One payload per credited person per commit, the commit's cost split among them as the CLI splits it. */
export function payloadsForPush(event: PushEvent): ContributionPayload[] {
  const repository = event.repository.full_name;
  const payloads: ContributionPayload[] = [];
  for (const commit of event.commits ?? []) {
    const changed = new Set([...(commit.added ?? []), ...(commit.removed ?? []), ...(commit.modified ?? [])]);
    const files: FileChange[] = [...changed].map((path) => ({ path, linesAdded: 0, linesDeleted: 0, binary: false }));
    const metrics = commitMetrics({ files });
    const counted = countCostableChanges(files, defaultExcludes);
    const estimate = estimateCost(counted, 'push_paths');
    const people = creditedPeople({ name: commit.author.name ?? '', email: commit.author.email ?? '' }, commit.message);
    const shares = splitCents(estimate.cents, people.length);
    const coAuthors = people.filter((person) => person.role === 'co-author').map((person) => person.email);
    people.forEach((person, index) => {
      payloads.push({
        contributor_email: person.email,
        repository,
        commit_hash: commit.id,
        cost_amount: centsToDollars(shares[index]!),
        metadata: {
          ...metrics,
          contributor_name: person.name,
          role: person.role,
          timestamp: commit.timestamp,
          subject: commit.message.split('\n')[0]!.trim(),
          authored_at: commit.timestamp,
          co_authors: coAuthors,
          cost_basis: 'push_paths',
          counted_files: counted.filesChanged,
          counted_lines_added: 0,
          excluded_files: counted.excludedFiles,
          credited: people.length,
          share_index: index,
        },
      });
    });
  }
  return payloads;
}
