// `coherence report --format html`: the dashboard as one self-contained file — its script, style and
// the figures inline, nothing loaded from the network — so it opens offline, from a mail attachment.
// The figures are the same buildInsight() the API's /api/insight answers, from the same store queries.

import type { SqliteStore } from '@coherence/api/sqlite';
import type { InsightSelection, ReportSelection } from '@coherence/api';
import { errors } from '../errors.js';

export interface HtmlReportRequest {
  selection: InsightSelection;
  /** The selection as the page shows it: days where days were given. */
  shown: ReportSelection;
}

export async function renderHtmlReport(store: SqliteStore, request: HtmlReportRequest): Promise<string> {
  // Loaded here, so that the table and CSV formats never load the page's code.
  const { buildInsight, dashboardAssets, DashboardMissingError, reportPage } = await import('@coherence/api');
  let assets;
  try {
    assets = dashboardAssets();
  } catch (error) {
    if (error instanceof DashboardMissingError) throw errors.dashboardMissing(error.message);
    throw error;
  }
  const insight = await buildInsight(store, request.selection);
  return reportPage(assets, insight, request.shown);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * How a --since/--until value reads on the page: a day as given (--until's day is included), anything
 * else ("2 weeks ago", a time) as the UTC day of the bound it resolved to.
 */
export function shownBound(given: string, resolved: string, isUntil: boolean): string {
  if (DATE_ONLY.test(given.trim())) return given.trim();
  const time = Date.parse(resolved) - (isUntil ? 1 : 0);
  return new Date(time).toISOString().slice(0, 10);
}
