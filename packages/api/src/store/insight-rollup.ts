// Folding contribution rows into the dashboard's cells, people and repository extents in one pass, for
// a store that streams its rows (SQLite: a scan of one covering index, summed here, is several times
// cheaper than the sorts GROUP BY needs). The rules are report()'s: a commit counts once per
// repository, with its lines and coherence once and its cost whole; a person once per contribution.

import type { InsightCell, InsightPerson, RepositoryExtent } from './insight-types.js';

/** One contribution, as the scan reads it: [asset, commit, contributor, timestamp, cents, score (hundredths), added, deleted, files]. */
export type InsightRow = [string, string, string, string, number, number, number, number, number];

interface CommitFigures {
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

/** What the fold keeps per repository: its commits by hash, the people credited, the newest commit time. */
interface AssetFold {
  commits: Map<string, CommitFigures>;
  people: Set<string>;
  last: string;
}

export function rollUp(rows: Iterable<InsightRow>, assetName: (id: string) => string, identities: People = EACH_ID_A_PERSON): Rollup {
  const assets = new Map<string, AssetFold>();
  const mergedCommits = new Set<string>();
  const people = new Map<string, Omit<InsightPerson, 'email' | 'name'>>();
  // The scan gives a repository's rows one after another (its index leads with the repository), so
  // its state is looked up once per run of rows rather than per row; any order still sums the same.
  let asset: string | undefined;
  let fold: AssetFold | undefined;
  for (const [rowAsset, hash, contributorId, timestamp, cents, score, added, deleted, files] of rows) {
    if (rowAsset !== asset || fold === undefined) {
      asset = rowAsset;
      fold = assets.get(asset);
      if (!fold) assets.set(asset, (fold = { commits: new Map(), people: new Set(), last: timestamp }));
    }
    const contributor = identities.personOf(contributorId);
    const commit = fold.commits.get(hash);
    if (commit) {
      commit.people += 1;
      commit.cents += cents;
      if (timestamp < commit.timestamp) commit.timestamp = timestamp;
    } else {
      fold.commits.set(hash, { timestamp, people: 1, cents, score, added, deleted, files });
    }
    const person = people.get(contributor);
    const again = identities.merged(contributor) && !addNew(mergedCommits, `${contributor}\u0000${asset}\u0000${hash}`);
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
    fold.people.add(contributor);
    if (timestamp > fold.last) fold.last = timestamp;
  }

  // Per repository, cells by week and score as one number (the week's position among those seen, times
  // 128, plus the score of 0–100), which a Map finds faster than a composed string. Days are looked up
  // once each: a day's week, and that week's position.
  const positions = new Map<string, number>();
  const weeks = new Map<string, { week: string; position: number }>();
  const cells: InsightCell[] = [];
  for (const [id, fold] of assets) {
    const repository = assetName(id);
    const assetCells = new Map<number, InsightCell>();
    for (const commit of fold.commits.values()) {
      const day = commit.timestamp.slice(0, 10);
      let week = weeks.get(day);
      if (week === undefined) {
        const monday = weekOf(commit.timestamp);
        if (!positions.has(monday)) positions.set(monday, positions.size);
        weeks.set(day, (week = { week: monday, position: positions.get(monday)! }));
      }
      const key = week.position * 128 + commit.score;
      const cell = assetCells.get(key);
      if (cell) {
        cell.commits += 1;
        cell.contributions += commit.people;
        cell.lines_added += commit.added;
        cell.lines_deleted += commit.deleted;
        cell.files_changed += commit.files;
        cell.cost_cents += commit.cents;
      } else {
        const created: InsightCell = {
          week: week.week,
          repository,
          score: commit.score,
          commits: 1,
          contributions: commit.people,
          lines_added: commit.added,
          lines_deleted: commit.deleted,
          files_changed: commit.files,
          cost_cents: commit.cents,
        };
        assetCells.set(key, created);
        cells.push(created);
      }
    }
  }
  const repositories = new Map<string, Omit<RepositoryExtent, 'repository'>>();
  for (const [id, fold] of assets) repositories.set(id, { contributors: fold.people.size, last_commit_at: fold.last });
  return { cells, people, repositories };
}
