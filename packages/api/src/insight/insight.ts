// The figures the dashboard and the HTML report draw: one selection's headline totals, its weeks,
// top contributors, coherence distribution, repositories and latest contributions. Assembled from the
// store's report() (so per-person and per-commit figures follow the one rule every report follows)
// and the store's insight() aggregates. The same value feeds /api/insight and `report --format html`.

import { isValidRepositoryName } from '@coherence/core';
import type { CoherenceBucket, LatestContribution } from '../store/insight-types.js';
import { meanHundredths } from '../store/store-row.js';
import type { ContributionFilter, ContributionStore, ReportRow } from '../store/types.js';
import { fillWeeks, type WeekFigures } from './weeks.js';

export const DEFAULT_TOP = 10;
export const DEFAULT_LATEST = 20;

/** What was asked for, as the page shows it and puts in its URL. */
export interface InsightSelection {
  repository?: string;
  contributor?: string;
  /** Inclusive lower bound (UTC ISO). */
  since?: string;
  /** Exclusive upper bound (UTC ISO). */
  until?: string;
}

/** report()'s figures over the whole selection, and how many people they credit. */
export interface InsightTotals extends Omit<ReportRow, 'key' | 'name'> {
  contributors: number;
}

export interface ContributorFigures extends Omit<ReportRow, 'key' | 'contributions' | 'files_changed'> {
  email: string;
}

export interface RepositoryFigures {
  name: string;
  commits: number;
  contributions: number;
  contributors: number;
  lines_added: number;
  lines_deleted: number;
  cost_cents: number;
  mean_coherence: number;
  last_commit_at: string;
  /** The repository on GitHub, when its name is OWNER/NAME. */
  url: string | null;
}

export interface LatestFigures extends LatestContribution {
  /** The commit on GitHub, when the repository is there. */
  url: string | null;
}

export interface Insight {
  selection: InsightSelection;
  generated_at: string;
  totals: InsightTotals;
  weeks: WeekFigures[];
  /** Highest cost first. */
  top_by_cost: ContributorFigures[];
  /** Most commits first. */
  top_by_commits: ContributorFigures[];
  coherence: CoherenceBucket[];
  /** Highest cost first. */
  repositories: RepositoryFigures[];
  latest: LatestFigures[];
  repository_names: string[];
}

export interface InsightOptions {
  top?: number;
  latest?: number;
  now?: Date;
}

type InsightSource = Pick<ContributionStore, 'report' | 'insight'>;

export async function buildInsight(store: InsightSource, selection: InsightSelection, options: InsightOptions = {}): Promise<Insight> {
  const filter = toFilter(selection);
  const top = options.top ?? DEFAULT_TOP;
  // One at a time: on SQLite they queue on one connection anyway, and PostgreSQL runs each in parallel inside.
  const weeks = await store.report(filter, 'week');
  const people = await store.report(filter, 'contributor');
  const repositories = await store.report(filter, 'repository');
  const figures = await store.insight(filter, options.latest ?? DEFAULT_LATEST);

  const extents = new Map(figures.repositories.map((extent) => [extent.repository, extent]));
  const commits = sum(repositories, (row) => row.commits);
  const scoreSum = figures.coherence.reduce((total, bucket) => total + Math.round(bucket.score * 100) * bucket.commits, 0);
  return {
    selection,
    generated_at: (options.now ?? new Date()).toISOString(),
    totals: {
      contributors: people.length,
      commits,
      contributions: sum(repositories, (row) => row.contributions),
      lines_added: sum(repositories, (row) => row.lines_added),
      lines_deleted: sum(repositories, (row) => row.lines_deleted),
      files_changed: sum(repositories, (row) => row.files_changed),
      cost_cents: sum(repositories, (row) => row.cost_cents),
      mean_coherence: meanHundredths(scoreSum, commits),
    },
    weeks: fillWeeks(weeks),
    top_by_cost: people.slice(0, top).map(toContributor),
    top_by_commits: [...people]
      .sort((a, b) => b.commits - a.commits || b.cost_cents - a.cost_cents || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, top)
      .map(toContributor),
    coherence: figures.coherence,
    repositories: repositories.map((row) => ({
      name: row.key,
      commits: row.commits,
      contributions: row.contributions,
      contributors: extents.get(row.key)?.contributors ?? 0,
      lines_added: row.lines_added,
      lines_deleted: row.lines_deleted,
      cost_cents: row.cost_cents,
      mean_coherence: row.mean_coherence,
      last_commit_at: extents.get(row.key)?.last_commit_at ?? '',
      url: githubRepositoryUrl(row.key),
    })),
    latest: figures.latest.map((row) => {
      const repository = githubRepositoryUrl(row.repository);
      return { ...row, url: repository === null ? null : `${repository}/commit/${row.commit_hash}` };
    }),
    repository_names: figures.repository_names,
  };
}

export function toFilter(selection: InsightSelection): ContributionFilter {
  return {
    ...(selection.repository === undefined ? {} : { repository: selection.repository }),
    ...(selection.contributor === undefined ? {} : { contributorEmail: selection.contributor }),
    ...(selection.since === undefined ? {} : { since: selection.since }),
    ...(selection.until === undefined ? {} : { until: selection.until }),
  };
}

/**
 * Repositories are named OWNER/NAME only when they came from GitHub (the origin remote, the Action, a
 * webhook); a repository tracked from elsewhere is named by its folder, without a slash.
 */
export function githubRepositoryUrl(repository: string): string | null {
  if (!repository.includes('/') || !isValidRepositoryName(repository)) return null;
  return `https://github.com/${repository}`;
}

function toContributor(row: ReportRow): ContributorFigures {
  return {
    email: row.key,
    name: row.name,
    commits: row.commits,
    lines_added: row.lines_added,
    lines_deleted: row.lines_deleted,
    cost_cents: row.cost_cents,
    mean_coherence: row.mean_coherence,
  };
}

function sum<T>(rows: readonly T[], value: (row: T) => number): number {
  return rows.reduce((total, row) => total + value(row), 0);
}
