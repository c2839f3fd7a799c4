// The figures the dashboard and the HTML report draw: one selection's headline totals, its weeks,
// top contributors, coherence distribution, repositories and latest contributions, shaped from the
// store's insight() aggregates (cells per week, repository and score; people; repository extents).
// The same value feeds /api/insight and `report --format html`.

import { isValidRepositoryName } from '@coherence/core';
import type { CoherenceBucket, CommitSums, InsightCell, InsightPerson, LatestContribution } from '../store/insight-types.js';
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

type InsightSource = Pick<ContributionStore, 'insight'>;

/** Sums of cells: a commit's figures once, its cost whole, and its coherence for a mean. */
interface Sums extends CommitSums {
  score_sum: number;
}

const emptySums = (): Sums => ({ commits: 0, contributions: 0, lines_added: 0, lines_deleted: 0, files_changed: 0, cost_cents: 0, score_sum: 0 });

function add(sums: Sums, cell: InsightCell): void {
  sums.commits += cell.commits;
  sums.contributions += cell.contributions;
  sums.lines_added += cell.lines_added;
  sums.lines_deleted += cell.lines_deleted;
  sums.files_changed += cell.files_changed;
  sums.cost_cents += cell.cost_cents;
  sums.score_sum += cell.score * cell.commits;
}

function sumBy<K>(cells: readonly InsightCell[], key: (cell: InsightCell) => K): Map<K, Sums> {
  const groups = new Map<K, Sums>();
  for (const cell of cells) {
    let sums = groups.get(key(cell));
    if (!sums) groups.set(key(cell), (sums = emptySums()));
    add(sums, cell);
  }
  return groups;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function buildInsight(store: InsightSource, selection: InsightSelection, options: InsightOptions = {}): Promise<Insight> {
  const top = options.top ?? DEFAULT_TOP;
  const figures = await store.insight(toFilter(selection), options.latest ?? DEFAULT_LATEST);
  const total = sumBy(figures.cells, () => 'all').get('all') ?? emptySums();
  const weeks = [...sumBy(figures.cells, (cell) => cell.week)]
    .sort(([a], [b]) => byText(a, b))
    .map(([week, sums]): WeekFigures => ({
      week,
      commits: sums.commits,
      contributions: sums.contributions,
      lines_added: sums.lines_added,
      lines_deleted: sums.lines_deleted,
      cost_cents: sums.cost_cents,
      mean_coherence: meanHundredths(sums.score_sum, sums.commits),
    }));
  const extents = new Map(figures.repositories.map((extent) => [extent.repository, extent]));
  const repositories = [...sumBy(figures.cells, (cell) => cell.repository)]
    .map(([name, sums]): RepositoryFigures => ({
      name,
      commits: sums.commits,
      contributions: sums.contributions,
      contributors: extents.get(name)?.contributors ?? 0,
      lines_added: sums.lines_added,
      lines_deleted: sums.lines_deleted,
      cost_cents: sums.cost_cents,
      mean_coherence: meanHundredths(sums.score_sum, sums.commits),
      last_commit_at: extents.get(name)?.last_commit_at ?? '',
      url: githubRepositoryUrl(name),
    }))
    .sort((a, b) => b.cost_cents - a.cost_cents || b.commits - a.commits || byText(a.name, b.name));
  const coherence = [...sumBy(figures.cells, (cell) => cell.score)]
    .sort(([a], [b]) => a - b)
    .map(([score, sums]): CoherenceBucket => ({ score: score / 100, commits: sums.commits }));
  const people = figures.people.map(toContributor);
  return {
    selection,
    generated_at: (options.now ?? new Date()).toISOString(),
    totals: {
      contributors: people.length,
      commits: total.commits,
      contributions: total.contributions,
      lines_added: total.lines_added,
      lines_deleted: total.lines_deleted,
      files_changed: total.files_changed,
      cost_cents: total.cost_cents,
      mean_coherence: meanHundredths(total.score_sum, total.commits),
    },
    weeks: fillWeeks(weeks),
    // As `coherence report --by contributor` orders them.
    top_by_cost: [...people].sort((a, b) => b.cost_cents - a.cost_cents || b.commits - a.commits || byText(a.email, b.email)).slice(0, top),
    top_by_commits: [...people].sort((a, b) => b.commits - a.commits || b.cost_cents - a.cost_cents || byText(a.email, b.email)).slice(0, top),
    coherence,
    repositories,
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

function toContributor(person: InsightPerson): ContributorFigures {
  return {
    email: person.email,
    name: person.name,
    commits: person.commits,
    lines_added: person.lines_added,
    lines_deleted: person.lines_deleted,
    cost_cents: person.cost_cents,
    mean_coherence: meanHundredths(person.score_sum, person.commits),
  };
}
