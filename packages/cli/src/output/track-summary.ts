// How a finished `track` run is shown: a short human summary on stderr, or one JSON object on stdout.

import { formatCents, formatDollars } from '@coherence/core';
import type { TrackSummary } from '../track/track-history.js';
import { formatCount, renderTable } from './format.js';
import { bold } from './terminal.js';

const TOP_CONTRIBUTORS_SHOWN = 10;

export function summaryAsJson(summary: TrackSummary, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    repository: summary.repository,
    range: summary.range,
    target: summary.target,
    shard: summary.shard ?? null,
    range_commits: summary.range_commits,
    commits: summary.commits,
    skipped_known: summary.skipped_known,
    uncredited: summary.uncredited,
    contributions: summary.contributions,
    created: summary.created,
    duplicates: summary.duplicates,
    pending: summary.pending,
    contributors: summary.contributors,
    total_cost: formatCents(summary.total_cost_cents),
    total_cost_cents: summary.total_cost_cents,
    elapsed_ms: summary.elapsed_ms,
    ...extra,
    by_contributor: summary.by_contributor.map((person) => ({
      email: person.email,
      name: person.name,
      commits: person.commits,
      lines_added: person.lines_added,
      lines_deleted: person.lines_deleted,
      cost: formatCents(person.cost_cents),
      cost_cents: person.cost_cents,
      mean_coherence: meanCoherence(person.coherence_sum_hundredths, person.commits),
    })),
  };
}

export function summaryAsText(summary: TrackSummary, dryRun: boolean): string {
  const lines = [
    `${bold(dryRun ? 'Dry run' : 'Tracked')} ${summary.repository} (${summary.range}) ${dryRun ? '— nothing stored' : `into ${summary.target}`}`,
    `  commits        ${formatCount(summary.commits)} ${inRange(summary)}${detail([
      [summary.skipped_known, 'already tracked'],
      [summary.uncredited, 'bot-only, not credited'],
    ])}`,
    `  contributions  ${formatCount(summary.contributions)}${dryRun ? '' : `: ${formatCount(summary.created)} new, ${formatCount(summary.duplicates)} already stored`}${
      summary.pending > 0 ? `, ${formatCount(summary.pending)} pending (run "coherence flush")` : ''
    }`,
    `  contributors   ${formatCount(summary.contributors)}`,
    `  total cost     ${formatDollars(summary.total_cost_cents)}`,
  ];
  if (summary.by_contributor.length > 0) {
    const top = summary.by_contributor.slice(0, TOP_CONTRIBUTORS_SHOWN);
    lines.push(
      '',
      renderTable(
        ['contributor', 'commits', '+lines', '-lines', 'cost', 'coherence'],
        top.map((person) => [
          person.name === person.email ? person.email : `${person.name} <${person.email}>`,
          formatCount(person.commits),
          formatCount(person.lines_added),
          formatCount(person.lines_deleted),
          formatDollars(person.cost_cents),
          meanCoherence(person.coherence_sum_hundredths, person.commits).toFixed(2),
        ]),
        new Set([1, 2, 3, 4, 5]),
      ),
    );
    if (summary.by_contributor.length > top.length) lines.push(`… and ${formatCount(summary.by_contributor.length - top.length)} more`);
  }
  return lines.join('\n');
}

function inRange(summary: TrackSummary): string {
  if (summary.shard === undefined) return 'in range';
  return `in shard ${summary.shard} (of ${formatCount(summary.range_commits)} in range)`;
}

function detail(parts: Array<[number, string]>): string {
  const shown = parts.filter(([count]) => count > 0).map(([count, label]) => `${formatCount(count)} ${label}`);
  return shown.length ? ` (${shown.join(', ')})` : '';
}

function meanCoherence(sumHundredths: number, count: number): number {
  return count === 0 ? 0 : Math.round(sumHundredths / count) / 100;
}
