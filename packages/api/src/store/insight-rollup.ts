// Folding contribution rows into the dashboard's cells, people and repository extents in one pass, for
// a store that streams its rows (SQLite: a scan of one covering index, summed here, is several times
// cheaper than the sorts GROUP BY needs). The rules are report()'s: a commit counts once per
// repository, with its lines and coherence once and its cost whole; a person once per contribution.

import type { InsightCell, InsightPerson, RepositoryExtent } from './insight-types.js';

/** One contribution, as the scan reads it: [asset, commit, contributor, timestamp, cents, score (hundredths), added, deleted, files]. */
export type InsightRow = [string, string, string, string, number, number, number, number, number];

interface CommitFigures {
  asset: string;
  timestamp: string;
  people: number;
  cents: number;
  score: number;
  added: number;
  deleted: number;
  files: number;
}

export interface Rollup {
  cells: InsightCell[];
  /** By contributor id; the store adds names and addresses. */
  people: Map<string, Omit<InsightPerson, 'email' | 'name'>>;
  /** By asset id; the store adds names. */
  repositories: Map<string, Omit<RepositoryExtent, 'repository'>>;
}

const DAY_MS = 86_400_000;

function addNew(set: Set<string>, value: string): boolean {
  if (set.has(value)) return false;
  set.add(value);
  return true;
}

/** The Monday (UTC) of the week a UTC ISO time falls in, YYYY-MM-DD. */
export function weekOf(timestamp: string): string {
  const day = Date.parse(`${timestamp.slice(0, 10)}T00:00:00Z`);
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * DAY_MS).toISOString().slice(0, 10);
}

/**
 * How contributor ids count as people: `personOf` gives the key a contributor id counts under (merged
 * addresses share their primary's), `merged` says whether that person has several addresses, whose
 * rows on one commit must count once (as report() counts them).
 */
export interface People {
  personOf(contributorId: string): string;
  merged(person: string): boolean;
}

const EACH_ID_A_PERSON: People = { personOf: (id) => id, merged: () => false };

export function rollUp(rows: Iterable<InsightRow>, assetName: (id: string) => string, identities: People = EACH_ID_A_PERSON): Rollup {
  const commits = new Map<string, CommitFigures>();
  const mergedCommits = new Set<string>();
  const people = new Map<string, Omit<InsightPerson, 'email' | 'name'>>();
  const assetPeople = new Map<string, Set<string>>();
  const lastCommit = new Map<string, string>();
  for (const [asset, hash, contributorId, timestamp, cents, score, added, deleted, files] of rows) {
    const contributor = identities.personOf(contributorId);
    const key = `${asset}\u0000${hash}`;
    const commit = commits.get(key);
    if (commit) {
      commit.people += 1;
      commit.cents += cents;
      if (timestamp < commit.timestamp) commit.timestamp = timestamp;
    } else {
      commits.set(key, { asset, timestamp, people: 1, cents, score, added, deleted, files });
    }
    const person = people.get(contributor);
    const again = identities.merged(contributor) && !addNew(mergedCommits, `${contributor}\u0000${key}`);
    if (person && again) {
      // The same person's other address on a commit they already count: its share of the cost only.
      person.cost_cents += cents;
    } else if (person) {
      person.commits += 1;
      person.lines_added += added;
      person.lines_deleted += deleted;
      person.files_changed += files;
      person.cost_cents += cents;
      person.score_sum += score;
    } else {
      people.set(contributor, { commits: 1, lines_added: added, lines_deleted: deleted, files_changed: files, cost_cents: cents, score_sum: score });
    }
    let seen = assetPeople.get(asset);
    if (!seen) assetPeople.set(asset, (seen = new Set()));
    seen.add(contributor);
    if ((lastCommit.get(asset) ?? '') < timestamp) lastCommit.set(asset, timestamp);
  }

  const weeks = new Map<string, string>();
  const cells = new Map<string, InsightCell>();
  for (const commit of commits.values()) {
    const day = commit.timestamp.slice(0, 10);
    let week = weeks.get(day);
    if (week === undefined) weeks.set(day, (week = weekOf(commit.timestamp)));
    const key = `${week}\u0000${commit.asset}\u0000${commit.score}`;
    const cell = cells.get(key);
    if (cell) {
      cell.commits += 1;
      cell.contributions += commit.people;
      cell.lines_added += commit.added;
      cell.lines_deleted += commit.deleted;
      cell.files_changed += commit.files;
      cell.cost_cents += commit.cents;
    } else {
      cells.set(key, {
        week,
        repository: assetName(commit.asset),
        score: commit.score,
        commits: 1,
        contributions: commit.people,
        lines_added: commit.added,
        lines_deleted: commit.deleted,
        files_changed: commit.files,
        cost_cents: commit.cents,
      });
    }
  }
  const repositories = new Map<string, Omit<RepositoryExtent, 'repository'>>();
  for (const [asset, seen] of assetPeople) repositories.set(asset, { contributors: seen.size, last_commit_at: lastCommit.get(asset)! });
  return { cells: [...cells.values()], people, repositories };
}
