// Folding contribution rows into the dashboard's cells, people and repository extents in one pass, for
// a store that streams its rows (SQLite: a scan of one covering index, summed here, is several times
// cheaper than the sorts GROUP BY needs). The rules are report()'s: a commit counts once per
// repository, with its lines and coherence once and its cost whole; a person once per contribution.

import type { InsightCell, InsightFigures, InsightPerson, RepositoryExtent } from './insight-types.js';

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

/** A contributor as both stores read them (CONTRIBUTOR_PEOPLE_SQL): id, the person it counts under, its own address and name. */
export type ContributorRow = [id: string, person: string, email: string, name: string];

/** People from every contributor row and the addresses others are merged into. */
export function peopleOf(contributors: readonly ContributorRow[], primaries: readonly string[]): People {
  const personOf = new Map(contributors.map(([id, person]) => [id, person]));
  const merged = new Set(primaries);
  return { personOf: (id) => personOf.get(id) ?? id, merged: (person) => merged.has(person) };
}

/**
 * What a store answers of a fold: its cells, its repositories by name, and its people each named as the
 * row of their primary address names them ('' where there is none).
 */
export function namedFigures(
  fold: InsightFold,
  assets: ReadonlyMap<string, string>,
  contributors: readonly ContributorRow[],
): Pick<InsightFigures, 'cells' | 'people' | 'repositories'> {
  const rollup = fold.result((id) => assets.get(id) ?? id);
  const names = new Map(contributors.map(([, , email, name]) => [email, name]));
  return {
    cells: rollup.cells,
    people: [...rollup.people].map(([email, figures]) => ({ email, name: names.get(email) ?? '', ...figures })),
    repositories: [...rollup.repositories].map(([id, extent]) => ({ repository: assets.get(id) ?? id, ...extent })),
  };
}

/** A repository's commits as the fold keeps them: each in the cell of its week and score. */
interface AssetFold {
  commits: Map<string, FoldedCommit>;
  /** By (week position × 128 + score); emptied cells are removed. */
  cells: Map<number, CellSums>;
  people: Set<string>;
  last: string;
}

interface FoldedCommit extends CommitFigures {
  /** The key of the cell the commit is summed in. */
  cell: number;
}

type CellSums = Omit<InsightCell, 'repository'>;

/**
 * The rollup as a running fold: rows can be added to it at any time (a store adds the rows written since
 * it last read, instead of reading every row again), and result() gives the rollup of all the rows added
 * so far, in whatever order and batches they came. A commit that gains a row (a co-author, a person's other address) leaves its cell
 * and enters the cell it now belongs to, so cells always sum the commits as they stand.
 */
export class InsightFold {
  readonly #assets = new Map<string, AssetFold>();
  readonly #mergedCommits = new Set<string>();
  readonly #people = new Map<string, Omit<InsightPerson, 'email' | 'name'>>();
  /** Weeks by Monday, numbered as first seen; and each day's week, so a day is placed once. */
  readonly #positions = new Map<string, number>();
  readonly #days = new Map<string, { week: string; position: number }>();
  #commits = 0;

  /** Commits folded (each repository's once), which is what a fold's memory grows with. */
  get commits(): number {
    return this.#commits;
  }

  add(rows: Iterable<InsightRow>, identities: People = EACH_ID_A_PERSON): void {
    // The scan gives a repository's rows one after another (its index leads with the repository), so
    // its state is looked up once per run of rows rather than per row; any order still sums the same.
    let asset: string | undefined;
    let fold: AssetFold | undefined;
    for (const [rowAsset, hash, contributorId, timestamp, cents, score, added, deleted, files] of rows) {
      if (rowAsset !== asset || fold === undefined) {
        asset = rowAsset;
        fold = this.#assets.get(asset);
        if (!fold) this.#assets.set(asset, (fold = { commits: new Map(), cells: new Map(), people: new Set(), last: timestamp }));
      }
      const contributor = identities.personOf(contributorId);
      const commit = fold.commits.get(hash);
      if (commit) {
        this.#leaveCell(fold, commit);
        commit.people += 1;
        commit.cents += cents;
        if (timestamp < commit.timestamp) commit.timestamp = timestamp;
        this.#enterCell(fold, commit);
      } else {
        const created: FoldedCommit = { timestamp, people: 1, cents, score, added, deleted, files, cell: 0 };
        fold.commits.set(hash, created);
        this.#commits += 1;
        this.#enterCell(fold, created);
      }
      const person = this.#people.get(contributor);
      const again = identities.merged(contributor) && !addNew(this.#mergedCommits, `${contributor}\u0000${asset}\u0000${hash}`);
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
        this.#people.set(contributor, { commits: 1, lines_added: added, lines_deleted: deleted, files_changed: files, cost_cents: cents, score_sum: score });
      }
      fold.people.add(contributor);
      if (timestamp > fold.last) fold.last = timestamp;
    }
  }

  /** The rollup of every row added so far; later additions do not change what it returned. */
  result(assetName: (id: string) => string): Rollup {
    const cells: InsightCell[] = [];
    const repositories = new Map<string, Omit<RepositoryExtent, 'repository'>>();
    for (const [id, fold] of this.#assets) {
      const repository = assetName(id);
      for (const cell of fold.cells.values()) cells.push({ ...cell, repository });
      repositories.set(id, { contributors: fold.people.size, last_commit_at: fold.last });
    }
    // In one order whatever order the rows came in, so every store gives the same answer.
    cells.sort((a, b) => (a.week < b.week ? -1 : a.week > b.week ? 1 : a.repository < b.repository ? -1 : a.repository > b.repository ? 1 : a.score - b.score));
    const people = new Map<string, Omit<InsightPerson, 'email' | 'name'>>();
    for (const [key, person] of this.#people) people.set(key, { ...person });
    return { cells, people, repositories };
  }

  /**
   * Cells are keyed by week and score as one number (the week's position among those seen, times 128,
   * plus the score of 0–100), which a Map finds faster than a composed string.
   */
  #enterCell(fold: AssetFold, commit: FoldedCommit): void {
    const day = commit.timestamp.slice(0, 10);
    let week = this.#days.get(day);
    if (week === undefined) {
      const monday = weekOf(commit.timestamp);
      if (!this.#positions.has(monday)) this.#positions.set(monday, this.#positions.size);
      this.#days.set(day, (week = { week: monday, position: this.#positions.get(monday)! }));
    }
    commit.cell = week.position * 128 + commit.score;
    const cell = fold.cells.get(commit.cell);
    if (cell) {
      cell.commits += 1;
      cell.contributions += commit.people;
      cell.lines_added += commit.added;
      cell.lines_deleted += commit.deleted;
      cell.files_changed += commit.files;
      cell.cost_cents += commit.cents;
    } else {
      fold.cells.set(commit.cell, {
        week: week.week,
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

  #leaveCell(fold: AssetFold, commit: FoldedCommit): void {
    const cell = fold.cells.get(commit.cell)!;
    if (cell.commits === 1) {
      fold.cells.delete(commit.cell);
      return;
    }
    cell.commits -= 1;
    cell.contributions -= commit.people;
    cell.lines_added -= commit.added;
    cell.lines_deleted -= commit.deleted;
    cell.files_changed -= commit.files;
    cell.cost_cents -= commit.cents;
  }
}
