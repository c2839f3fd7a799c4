// The run's page in the workflow summary: the range, then every contributor with commits, lines, cost and
// mean coherence, and the totals.

import * as core from '@actions/core';
import { formatDollars } from '@coherence/core';
import { summaryAsJson, type ContributorTotals, type TrackSummary } from '@coherence/cli';
import type { RunTotals } from './run-totals.js';

export interface SummaryContext {
  description: string;
  dryRun: boolean;
  spoolPath: string;
}

/** A contributor as the CLI's JSON summary gives it: the run's totals, with the mean coherence worked out. */
type ContributorRow = Omit<ContributorTotals, 'coherence_sum_hundredths'> & { mean_coherence: number };

export async function writeJobSummary(summary: TrackSummary, totals: RunTotals, context: SummaryContext): Promise<void> {
  // The CLI's JSON summary already formats cost and mean coherence per contributor.
  const json = summaryAsJson(summary) as unknown as { by_contributor: ContributorRow[] };
  const header = ['Contributor', 'Commits', 'Lines added', 'Lines deleted', 'Cost', 'Mean coherence'].map((data) => ({ data, header: true }));
  const rows = json.by_contributor.map((person) => [
    person.name === person.email ? escapeHtml(person.email) : `${escapeHtml(person.name)} &lt;${escapeHtml(person.email)}&gt;`,
    count(person.commits),
    count(person.lines_added),
    count(person.lines_deleted),
    formatDollars(person.cost_cents),
    person.mean_coherence.toFixed(2),
  ]);
  const total = [
    `Total (${count(summary.contributors)} ${summary.contributors === 1 ? 'contributor' : 'contributors'})`,
    count(totals.commits),
    count(totals.linesAdded),
    count(totals.linesDeleted),
    formatDollars(summary.total_cost_cents),
    totals.meanCoherence.toFixed(2),
  ].map((data) => `<b>${data}</b>`);

  core.summary
    .addHeading(context.dryRun ? 'Coherence (dry run: nothing posted)' : 'Coherence', 2)
    .addRaw(
      `<p><b>${escapeHtml(summary.repository)}</b>: ${escapeHtml(context.description)} — ${count(summary.commits)} ${summary.commits === 1 ? 'commit' : 'commits'} ` +
        `(<code>${escapeHtml(summary.range)}</code>)${context.dryRun ? '' : `, posted to ${escapeHtml(summary.target)}: ${count(summary.created)} new, ${count(summary.duplicates)} already recorded`}</p>`,
      true,
    )
    .addTable([header, ...rows, total]);
  if (summary.pending > 0) {
    core.summary.addRaw(
      `<p>⚠️ ${count(summary.pending)} ${summary.pending === 1 ? 'contribution' : 'contributions'} could not be posted and were kept in <code>${escapeHtml(context.spoolPath)}</code>.</p>`,
      true,
    );
  }
  await flushSummary();
}

/** A run that records nothing still says why. */
export async function writeSkippedSummary(reason: string): Promise<void> {
  core.summary.addHeading('Coherence', 2).addRaw(`<p>Nothing recorded: ${escapeHtml(reason)}.</p>`, true);
  await flushSummary();
}

async function flushSummary(): Promise<void> {
  // Outside GitHub (or on an old runner) there is no summary file to write.
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.debug('GITHUB_STEP_SUMMARY is not set: no job summary written');
    core.summary.emptyBuffer();
    return;
  }
  await core.summary.write();
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
