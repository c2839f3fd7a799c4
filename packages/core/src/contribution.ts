// One commit → one contribution per credited person, with the commit's cost split exactly among them.

import { coherenceScore, type CoherenceScore } from './coherence.js';
import { countCostableChanges, estimateCost, splitCents, type CostBasis, type CostEstimate } from './cost.js';
import { isDocPath, isTestPath } from './classify.js';
import { createExcludeMatcher, type PathFilter } from './exclude.js';
import { creditedPeople, type CreditOptions } from './identity.js';
import type { Contributor, ContributionRole, GitCommit } from './types.js';

/** The figures of a commit as git counts them (every file, excluded or not). */
export interface CommitMetrics {
  files_changed: number;
  lines_added: number;
  lines_deleted: number;
  binary_files: number;
  has_tests: boolean;
  has_docs: boolean;
}

export interface CostProvenance {
  version: CostEstimate['version'];
  basis: CostBasis;
  confidence: number;
  /** The whole commit's cost; the record's own cost is its share of it. */
  commit_cents: number;
  counted_files: number;
  counted_lines_added: number;
  excluded_files: number;
  clamped: CostEstimate['clamped'];
  /** How many people share the commit, and this record's place among them (0 = the author's share). */
  credited: number;
  share_index: number;
  /** Set when a client submitted its own figure; kept for audit, never used for sums. */
  submitted_cents?: number;
}

export interface ContributionMeta extends CommitMetrics {
  commit_hash: string;
  role: ContributionRole;
  subject: string;
  parents: string[];
  authored_at: string;
  committed_at: string;
  login?: string;
  co_authors: string[];
  cost: CostProvenance;
  coherence: CoherenceScore;
  /** Metadata keys of the client's own (an API payload's `pr_number`, `labels` …), kept as submitted. */
  client_metadata?: Record<string, unknown>;
}

export interface ContributionRecord {
  repository: string;
  commitHash: string;
  contributor: Contributor;
  role: ContributionRole;
  costCents: number;
  coherence: number;
  /** When the work was authored, as UTC ISO 8601. */
  timestamp: string;
  meta: ContributionMeta;
}

export interface ContributionOptions extends CreditOptions {
  isExcluded?: PathFilter;
}

export function commitMetrics(commit: Pick<GitCommit, 'files'>): CommitMetrics {
  const metrics: CommitMetrics = {
    files_changed: commit.files.length,
    lines_added: 0,
    lines_deleted: 0,
    binary_files: 0,
    has_tests: false,
    has_docs: false,
  };
  for (const file of commit.files) {
    metrics.lines_added += file.linesAdded;
    metrics.lines_deleted += file.linesDeleted;
    if (file.binary) metrics.binary_files += 1;
    if (!metrics.has_tests && isTestPath(file.path)) metrics.has_tests = true;
    if (!metrics.has_docs && isDocPath(file.path)) metrics.has_docs = true;
  }
  return metrics;
}

export function scoreMetrics(metrics: CommitMetrics): CoherenceScore {
  return coherenceScore({
    filesChanged: metrics.files_changed,
    linesAdded: metrics.lines_added,
    linesDeleted: metrics.lines_deleted,
    hasTests: metrics.has_tests,
    hasDocs: metrics.has_docs,
  });
}

// The form toUtcIso answers, for dates whose every field is in range in every month (days past the 28th
// and hour 24 go through Date, which rolls them over: "02-30" is March 1st).
const PLAIN_UTC_ISO = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** True when toUtcIso(date) is date itself, known without parsing it. */
export function isPlainUtcIso(date: string): boolean {
  return PLAIN_UTC_ISO.test(date);
}

/** ISO 8601 with any offset → UTC ISO 8601 ("2024-01-02T03:04:05.000Z"). */
export function toUtcIso(date: string): string {
  // Already in this form (most records are): no date to parse.
  if (isPlainUtcIso(date)) return date;
  const parsed = new Date(date);
  if (Number.isNaN(parsed.getTime())) throw new RangeError(`not a date: ${date}`);
  return parsed.toISOString();
}

const defaultExcludes = createExcludeMatcher();

export function contributionsForCommit(
  commit: GitCommit,
  repository: string,
  options: ContributionOptions = {},
): ContributionRecord[] {
  const people = creditedPeople(commit.author, commit.message, options);
  if (people.length === 0) return [];
  const metrics = commitMetrics(commit);
  const counted = countCostableChanges(commit.files, options.isExcluded ?? defaultExcludes);
  const estimate = estimateCost(counted, 'numstat');
  const coherence = scoreMetrics(metrics);
  const shares = splitCents(estimate.cents, people.length);
  const coAuthors = people.filter((person) => person.role === 'co-author').map((person) => person.email);
  const timestamp = toUtcIso(commit.author.date);
  return people.map((person, index) => {
    const { role, ...contributor } = person;
    const meta: ContributionMeta = {
      commit_hash: commit.hash,
      role,
      ...metrics,
      subject: commit.subject,
      parents: commit.parents,
      authored_at: commit.author.date,
      committed_at: commit.committer.date,
      ...(contributor.login === undefined ? {} : { login: contributor.login }),
      co_authors: coAuthors,
      cost: {
        version: estimate.version,
        basis: estimate.basis,
        confidence: estimate.confidence,
        commit_cents: estimate.cents,
        counted_files: counted.filesChanged,
        counted_lines_added: counted.linesAdded,
        excluded_files: counted.excludedFiles,
        clamped: estimate.clamped,
        credited: people.length,
        share_index: index,
      },
      coherence,
    };
    return {
      repository,
      commitHash: commit.hash,
      contributor,
      role,
      costCents: shares[index]!,
      coherence: coherence.score,
      timestamp,
      meta,
    };
  });
}
