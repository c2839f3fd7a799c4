// A contribution record flattened for storage, its meta already JSON. It is what the SQLite thread
// receives: strings copy between threads far more cheaply than the nested record they came from.

import type { ContributionRecord } from '@coherence/core';

export interface StoreRow {
  email: string;
  name: string;
  login: string | undefined;
  repository: string;
  commitHash: string;
  role: string;
  costCents: number;
  coherence: number;
  filesChanged: number;
  linesAdded: number;
  linesDeleted: number;
  timestamp: string;
  metaJson: string;
}

export function toStoreRow(record: ContributionRecord): StoreRow {
  return {
    email: record.contributor.email,
    name: record.contributor.name,
    login: record.contributor.login,
    repository: record.repository,
    commitHash: record.commitHash,
    role: record.role,
    costCents: record.costCents,
    coherence: record.coherence,
    filesChanged: record.meta.files_changed,
    linesAdded: record.meta.lines_added,
    linesDeleted: record.meta.lines_deleted,
    timestamp: record.timestamp,
    metaJson: JSON.stringify(record.meta),
  };
}

/** A mean of scores summed in hundredths, back to a two-decimal score. */
export function meanHundredths(sum: number, count: number): number {
  return count === 0 ? 0 : Math.round(sum / count) / 100;
}

/** A whole count from client-supplied metadata, or the fallback. */
export function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : fallback;
}
