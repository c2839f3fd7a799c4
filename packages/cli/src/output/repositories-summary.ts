// How a run over many repositories is shown: one line per repository as it finishes, then a total
// (stderr); or, under --json, one object with every repository's summary and the total (stdout).

import { formatCents } from '@coherence/core';
import type { RepositoryRun, RunTotals } from '../track/track-repositories.js';
import { formatCount } from './format.js';
import { summaryAsJson } from './track-summary.js';

export function repositoryLine(run: RepositoryRun): string {
  if (run.status === 'failed') return `✗ ${run.dir}: ${run.message}`;
  if (run.status === 'empty') return `- ${run.dir}: ${run.message}`;
  const { summary } = run;
  const shard = summary.shard === undefined ? '' : ` (shard ${summary.shard})`;
  const skipped = summary.skipped_known > 0 ? ` (${formatCount(summary.skipped_known)} already tracked)` : '';
  const pending = summary.pending > 0 ? `, ${formatCount(summary.pending)} pending` : '';
  return (
    `✓ ${summary.repository}${shard}: ${formatCount(summary.commits)} commits${skipped}, ` +
    `${formatCount(summary.contributions)} contributions (${formatCount(summary.created)} new${pending}), ` +
    `$${formatCents(summary.total_cost_cents)}, ${(summary.elapsed_ms / 1000).toFixed(1)} s`
  );
}

export function totalLine(totals: RunTotals, target: string, dryRun: boolean): string {
  const failed = totals.failed > 0 ? `, ${formatCount(totals.failed)} failed` : '';
  const pending = totals.pending > 0 ? `, ${formatCount(totals.pending)} pending (run "coherence flush")` : '';
  return (
    `Total: ${formatCount(totals.repositories)} repositories${failed}, ${formatCount(totals.commits)} commits, ` +
    `${formatCount(totals.contributions)} contributions (${formatCount(totals.created)} new${pending}), ` +
    `${formatCount(totals.contributors)} contributors, $${formatCents(totals.total_cost_cents)} ${dryRun ? '— nothing stored' : `into ${target}`}`
  );
}

export function repositoriesAsJson(runs: readonly RepositoryRun[], totals: RunTotals, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    repositories: runs.map((run) => {
      if (run.status === 'tracked') return { dir: run.dir, status: run.status, ...summaryAsJson(run.summary) };
      return { dir: run.dir, status: run.status, [run.status === 'failed' ? 'error' : 'message']: run.message };
    }),
    total: { ...totals, total_cost: formatCents(totals.total_cost_cents) },
    ...extra,
  };
}
