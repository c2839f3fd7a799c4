// The established webhook payload, and the one way back from it to a contribution record.
// The CLI builds payloads with toPayload; the API turns them into records with recordFromPayload,
// so a contribution posted to the API is the same record `coherence track --db` stores.

import { estimateCost, splitCents, type CostBasis } from './cost.js';
import { commitMetrics, scoreMetrics, toUtcIso, type CommitMetrics, type ContributionMeta, type ContributionRecord } from './contribution.js';
import { toContributor } from './identity.js';
import { centsToDollars, parseDollars } from './money.js';
import type { ContributionRole } from './types.js';

export interface PayloadMetadata extends CommitMetrics {
  contributor_name?: string;
  role?: ContributionRole;
  /** When the work was authored (ISO 8601); the time of receipt when absent. */
  timestamp?: string;
  subject?: string;
  parents?: string[];
  authored_at?: string;
  committed_at?: string;
  co_authors?: string[];
  /** How the counts below were measured, and the share of the commit this item carries. */
  cost_basis?: CostBasis;
  counted_files?: number;
  counted_lines_added?: number;
  excluded_files?: number;
  credited?: number;
  share_index?: number;
}

export interface ContributionPayload {
  contributor_email: string;
  repository: string;
  commit_hash: string;
  /** Dollars, two decimals. */
  cost_amount: number;
  metadata: PayloadMetadata;
}

/**
 * A payload as clients send it (the established workflow sends only files_changed and lines_added):
 * metadata and each count may be missing (0). Keys of the client's own ride along in metadata at run
 * time; recordFromPayload keeps them as meta.client_metadata.
 */
export interface SubmittedPayload extends Omit<ContributionPayload, 'metadata' | 'cost_amount'> {
  /** Dollars, as a number or a decimal string. */
  cost_amount: number | string;
  metadata?: Partial<CommitMetrics> & Omit<PayloadMetadata, keyof CommitMetrics>;
}

/** The metadata keys Coherence reads; every other key is the client's own. */
const PAYLOAD_METADATA_KEYS: ReadonlySet<string> = new Set(
  Object.keys({
    files_changed: true,
    lines_added: true,
    lines_deleted: true,
    binary_files: true,
    has_tests: true,
    has_docs: true,
    contributor_name: true,
    role: true,
    timestamp: true,
    subject: true,
    parents: true,
    authored_at: true,
    committed_at: true,
    co_authors: true,
    cost_basis: true,
    counted_files: true,
    counted_lines_added: true,
    excluded_files: true,
    credited: true,
    share_index: true,
  } satisfies Record<keyof PayloadMetadata, true>),
);

/** Keys of the client's own may take this much JSON per contribution; more is refused, never cut. */
export const MAX_CLIENT_METADATA_BYTES = 16 * 1024;

export function isPayloadMetadataKey(key: string): boolean {
  return PAYLOAD_METADATA_KEYS.has(key);
}

/** The keys of a submitted metadata object that Coherence does not read, as submitted; undefined if none. */
export function clientMetadata(metadata: object): Record<string, unknown> | undefined {
  let own: Record<string, unknown> | undefined;
  for (const key of Object.keys(metadata)) {
    if (PAYLOAD_METADATA_KEYS.has(key)) continue;
    const value = (metadata as Record<string, unknown>)[key];
    if (value === undefined) continue;
    // defineProperty: a client key named "__proto__" is data like any other, never a prototype.
    if (key === '__proto__') Object.defineProperty((own ??= {}), key, { value, enumerable: true, writable: true, configurable: true });
    else (own ??= {})[key] = value;
  }
  return own;
}

export function toPayload(record: ContributionRecord): ContributionPayload {
  const { meta } = record;
  return {
    contributor_email: record.contributor.email,
    repository: record.repository,
    commit_hash: record.commitHash,
    cost_amount: centsToDollars(record.costCents),
    metadata: {
      files_changed: meta.files_changed,
      lines_added: meta.lines_added,
      lines_deleted: meta.lines_deleted,
      binary_files: meta.binary_files,
      has_tests: meta.has_tests,
      has_docs: meta.has_docs,
      contributor_name: record.contributor.name,
      role: record.role,
      timestamp: record.timestamp,
      subject: meta.subject,
      parents: meta.parents,
      authored_at: meta.authored_at,
      committed_at: meta.committed_at,
      co_authors: meta.co_authors,
      cost_basis: meta.cost.basis,
      counted_files: meta.cost.counted_files,
      counted_lines_added: meta.cost.counted_lines_added,
      excluded_files: meta.cost.excluded_files,
      credited: meta.cost.credited,
      share_index: meta.cost.share_index,
    },
  };
}

/**
 * Builds the record for a validated payload. Cost is re-estimated from the counts with the core
 * formula (the submitted figure is kept as provenance, never trusted for sums), coherence is scored
 * from the metadata, and identities are normalised exactly as the CLI does.
 */
export function recordFromPayload(payload: SubmittedPayload, receivedAt: Date = new Date()): ContributionRecord {
  const metadata = payload.metadata ?? {};
  const metrics: CommitMetrics = {
    files_changed: metadata.files_changed ?? 0,
    lines_added: metadata.lines_added ?? 0,
    lines_deleted: metadata.lines_deleted ?? 0,
    binary_files: metadata.binary_files ?? 0,
    has_tests: metadata.has_tests ?? false,
    has_docs: metadata.has_docs ?? false,
  };
  const basis: CostBasis = metadata.cost_basis ?? 'submitted_metadata';
  const counted = {
    filesChanged: metadata.counted_files ?? metrics.files_changed,
    linesAdded: metadata.counted_lines_added ?? metrics.lines_added,
  };
  const estimate = estimateCost(counted, basis);
  const credited = metadata.credited ?? 1;
  const shareIndex = metadata.share_index ?? 0;
  const costCents = splitCents(estimate.cents, credited)[shareIndex] ?? 0;
  const coherence = scoreMetrics(metrics);
  const contributor = toContributor({ name: metadata.contributor_name ?? '', email: payload.contributor_email });
  const role: ContributionRole = metadata.role ?? 'author';
  const timestamp = metadata.timestamp === undefined ? receivedAt.toISOString() : toUtcIso(metadata.timestamp);
  const submittedCents = parseDollars(payload.cost_amount);
  const own = clientMetadata(metadata);
  const meta: ContributionMeta = {
    commit_hash: payload.commit_hash.toLowerCase(),
    role,
    ...metrics,
    subject: metadata.subject ?? '',
    parents: metadata.parents ?? [],
    authored_at: metadata.authored_at ?? timestamp,
    committed_at: metadata.committed_at ?? metadata.authored_at ?? timestamp,
    ...(contributor.login === undefined ? {} : { login: contributor.login }),
    co_authors: metadata.co_authors ?? [],
    cost: {
      version: estimate.version,
      basis,
      confidence: estimate.confidence,
      commit_cents: estimate.cents,
      counted_files: counted.filesChanged,
      counted_lines_added: counted.linesAdded,
      excluded_files: metadata.excluded_files ?? 0,
      clamped: estimate.clamped,
      credited,
      share_index: shareIndex,
      ...(submittedCents === undefined || submittedCents === costCents ? {} : { submitted_cents: submittedCents }),
    },
    coherence,
    ...(own === undefined ? {} : { client_metadata: own }),
  };
  return {
    repository: payload.repository,
    commitHash: payload.commit_hash.toLowerCase(),
    contributor,
    role,
    costCents,
    coherence: coherence.score,
    timestamp,
    meta,
  };
}

export { commitMetrics };
