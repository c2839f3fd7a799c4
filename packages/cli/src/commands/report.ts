// `coherence report`: totals per contributor, day, week, month or repository from a tracked database.

import { existsSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { formatCents, formatDollars } from '@coherence/core';
import type { ReportGrouping, ReportRow } from '@coherence/api/store';
import { errors } from '../errors.js';
import { parseGitDate } from '../git/parse-date.js';
import { countOf, formatCount, renderCsv, renderTable } from '../output/format.js';
import { renderHtmlReport, shownBound } from '../output/html-report.js';
import { describe } from '../sinks/sqlite-sink.js';
import { databasePath, positiveInteger, repositoryName } from './options.js';

interface ReportCommandOptions {
  db?: string;
  repository?: string;
  contributor?: string;
  since?: string;
  until?: string;
  by: ReportGrouping;
  format: 'table' | 'json' | 'csv' | 'html';
  top?: number;
  out?: string;
}

const HEADERS = ['group', 'name', 'commits', 'contributions', 'lines_added', 'lines_deleted', 'files_changed', 'cost', 'mean_coherence'];

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('summarise tracked contributions: commits, lines, files, cost and mean coherence per group')
    .option('--db <file>', 'SQLite database to read (default $COHERENCE_DB or .coherence/coherence.db)')
    .option('--repository <owner/name>', 'only this repository', repositoryName)
    .option('--contributor <email>', 'only this contributor')
    .option('--since <date>', 'only work authored at or after this date')
    .option('--until <date>', 'only work authored before this date')
    .addOption(new Option('--by <group>', 'group rows by').choices(['contributor', 'day', 'week', 'month', 'repository']).default('contributor'))
    .addOption(new Option('--format <format>', 'output format; html: the dashboard as one offline file').choices(['table', 'json', 'csv', 'html']).default('table'))
    .option('--top <n>', 'only the N groups with the highest cost (totals still cover every group)', positiveInteger)
    .option('--out <file>', 'write the report to this file instead of stdout')
    .action(async (options: ReportCommandOptions) => {
      process.exitCode = await runReport(options);
    });
}

export async function runReport(options: ReportCommandOptions): Promise<number> {
  const now = new Date();
  const since = options.since === undefined ? undefined : reportDate('--since', options.since, now);
  const until = options.until === undefined ? undefined : reportDate('--until', options.until, now, true);
  const path = databasePath(options.db);
  if (!existsSync(path)) throw errors.databaseUnreadable(path, 'no such file; run "coherence track" first');
  const { openSqliteStore } = await import('@coherence/api/sqlite');
  let store;
  try {
    store = openSqliteStore(path, { readonly: true });
  } catch (error) {
    throw errors.databaseUnreadable(path, describe(error));
  }
  try {
    if (options.format === 'html') {
      const selection = {
        ...(options.repository === undefined ? {} : { repository: options.repository }),
        ...(options.contributor === undefined ? {} : { contributor: options.contributor.trim().toLowerCase() }),
        ...(since === undefined ? {} : { since }),
        ...(until === undefined ? {} : { until }),
      };
      const shown = {
        ...selection,
        ...(since === undefined ? {} : { since: shownBound(options.since!, since, false) }),
        ...(until === undefined ? {} : { until: shownBound(options.until!, until, true) }),
      };
      emit(await renderHtmlReport(store, { selection, shown }), options.out);
      return 0;
    }
    const rows = store.reportSync(
      {
        ...(options.repository === undefined ? {} : { repository: options.repository }),
        ...(options.contributor === undefined ? {} : { contributorEmail: options.contributor }),
        ...(since === undefined ? {} : { since }),
        ...(until === undefined ? {} : { until }),
      },
      options.by,
    );
    emit(`${render(rows, options)}\n`, options.out);
    return 0;
  } finally {
    store.closeSync();
  }
}

/** To stdout, or to --out (with a line on stderr saying where). */
function emit(text: string, out: string | undefined): void {
  if (out === undefined) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(out, text);
  } catch (error) {
    throw errors.outputUnwritable(out, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : describe(error));
  }
  process.stderr.write(`wrote ${out}\n`);
}

function render(all: ReportRow[], options: ReportCommandOptions): string {
  const rows = topGroups(all, options.top);
  const totalCents = all.reduce((sum, row) => sum + row.cost_cents, 0);
  if (options.format === 'json') {
    return JSON.stringify(
      {
        by: options.by,
        groups: all.length,
        total_cost: formatCents(totalCents),
        total_cost_cents: totalCents,
        rows: rows.map((row) => ({ ...row, cost: formatCents(row.cost_cents) })),
      },
      null,
      2,
    );
  }
  if (options.format === 'csv') {
    return renderCsv(
      HEADERS,
      rows.map((row) => [row.key, row.name, row.commits, row.contributions, row.lines_added, row.lines_deleted, row.files_changed, formatCents(row.cost_cents), row.mean_coherence.toFixed(2)]),
    );
  }
  if (all.length === 0) return 'No contributions match.';
  const table = renderTable(
    [options.by, 'commits', '+lines', '-lines', 'files', 'cost', 'coherence'],
    rows.map((row) => [
      options.by === 'contributor' && row.name !== row.key ? `${row.name} <${row.key}>` : row.key,
      formatCount(row.commits),
      formatCount(row.lines_added),
      formatCount(row.lines_deleted),
      formatCount(row.files_changed),
      formatDollars(row.cost_cents),
      row.mean_coherence.toFixed(2),
    ]),
    new Set([1, 2, 3, 4, 5, 6]),
  );
  const groups = options.by === 'contributor' ? countOf(all.length, 'contributor') : countOf(all.length, 'group');
  const shown = rows.length < all.length ? `top ${formatCount(rows.length)} of ${groups} shown` : groups;
  return `${table}\n\n${shown}, total cost ${formatDollars(totalCents)}`;
}

/**
 * The `top` groups with the highest cost (more commits first on a tie), kept in the report's own order
 * (time order for days, weeks and months); every group when `top` is not given.
 */
function topGroups(rows: ReportRow[], top: number | undefined): ReportRow[] {
  if (top === undefined || top >= rows.length) return rows;
  const chosen = new Set(
    rows
      .map((row, index) => ({ row, index }))
      .sort((a, b) => b.row.cost_cents - a.row.cost_cents || b.row.commits - a.row.commits || a.index - b.index)
      .slice(0, top)
      .map(({ row }) => row),
  );
  return rows.filter((row) => chosen.has(row));
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** As with `track`, a date-only --until means through the end of that day. */
function reportDate(option: string, value: string, now: Date, endOfDay = false): string {
  const seconds = parseGitDate(value, now);
  if (seconds === undefined) throw errors.badDate(option, value);
  const bound = endOfDay && DATE_ONLY.test(value.trim()) ? seconds + 86_400 : seconds;
  return new Date(bound * 1000).toISOString();
}
