// A contribution's `metadata` as the established Contribution model returns it: the client's own keys
// as submitted, then the commit's figures and what the record is about. Derived from the stored row on
// the way out, so rows stored by any path (CLI, Action, webhook, older releases) answer the same shape.

import { numberOr } from './store-row.js';

export interface MetadataSubject {
  commit_hash: string;
  repository: string;
  contributor_email: string;
}

export function establishedMetadata(subject: MetadataSubject, meta: Record<string, unknown>): Record<string, unknown> {
  const own = meta.client_metadata;
  return {
    ...(own !== null && typeof own === 'object' && !Array.isArray(own) ? own : {}),
    // These win over a client key of the same name, as they did in the established system.
    files_changed: numberOr(meta.files_changed, 0),
    lines_added: numberOr(meta.lines_added, 0),
    lines_deleted: numberOr(meta.lines_deleted, 0),
    commit_hash: subject.commit_hash,
    repository: subject.repository,
    contributor_email: subject.contributor_email,
  };
}
