import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contributionsForCommit, previousModelScores, type GitCommit, type GitFileChange } from '@coherence/core';
import { openSqliteStore, type SqliteStore } from './sqlite.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import { toStoreRow } from './store-row.js';
import type { InsightFigures } from './insight-types.js';
import type { ContributionFilter } from './types.js';

// The server's kept folds (InsightFolds) against the figures computed afresh by a read-only store, after
// every kind of change: inserts by this store and by another connection, a co-author arriving later, an
// identity merge, a rewritten figure, a removed row, a VACUUM and renumbered rowids.

let dir: string;
let path: string;
let store: SqliteStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coherence-insight-folds-'));
  path = join(dir, 'coherence.db');
  store = openSqliteStore(path);
});

afterEach(() => {
  store.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

let made = 0;
function commit(author: [string, string], date: string, files: GitFileChange[], coAuthors: Array<[string, string]> = []): GitCommit {
  made += 1;
  const trailers = coAuthors.map(([name, email]) => `Co-authored-by: ${name} <${email}>`).join('\n');
  return {
    hash: made.toString(16).padStart(40, '0'),
    parents: [],
    author: { name: author[0], email: author[1], date },
    committer: { name: author[0], email: author[1], date },
    subject: `Change ${made}`,
    message: trailers ? `Change ${made}\n\n${trailers}\n` : `Change ${made}`,
    files,
  };
}

const ANN: [string, string] = ['Ann', 'ann@example.com'];
const ANN_OLD: [string, string] = ['Ann', 'ann@old.example'];
const BOB: [string, string] = ['Bob', 'bob@example.com'];
const CY: [string, string] = ['Cy', 'cy@example.com'];
const file = (path: string, added: number, deleted = 0): GitFileChange => ({ path, linesAdded: added, linesDeleted: deleted, binary: false });

function write(target: SqliteStore, commits: GitCommit[], repository = 'octo/one', options: { previousModel?: boolean } = {}): void {
  const records = commits.flatMap((each) => contributionsForCommit(each, repository));
  target.storeRows(records.map((record) => toStoreRow(options.previousModel ? { ...record, ...previousModelScores(record.meta) } : record)));
}

/** Figures in a stable order, for comparing. */
function sorted(figures: InsightFigures) {
  return {
    cells: figures.cells.map((cell) => JSON.stringify(cell)).sort(),
    people: figures.people.map((person) => JSON.stringify(person)).sort(),
    repositories: figures.repositories.map((extent) => JSON.stringify(extent)).sort(),
    latest: figures.latest,
    repository_names: figures.repository_names,
  };
}

const SELECTIONS: ContributionFilter[] = [
  {},
  { repository: 'octo/one' },
  { since: '2024-02-01T00:00:00.000Z', until: '2024-06-01T00:00:00.000Z' },
  { contributorEmail: 'ann@example.com' },
];

/** Every selection, from the kept folds and afresh, must agree. */
async function expectFoldsCurrent(): Promise<void> {
  const fresh = openSqliteStore(path, { readonly: true });
  try {
    for (const selection of SELECTIONS) {
      expect(sorted(await store.insight(selection, 5)), JSON.stringify(selection)).toEqual(sorted(await fresh.insight(selection, 5)));
    }
  } finally {
    fresh.closeSync();
  }
}

describe('the server’s kept insight folds', () => {
  it('add what is written after them, here or by another connection, and equal the figures computed afresh', async () => {
    const shared = commit(ANN, '2024-03-05T10:00:00Z', [file('src/a.ts', 40, 3), file('test/a.test.ts', 10)]);
    write(store, [
      commit(ANN, '2024-01-02T10:00:00Z', [file('src/a.ts', 40, 3), file('test/a.test.ts', 10)]),
      commit(BOB, '2024-01-03T10:00:00Z', [file('README.md', 4, 1)], [CY]),
      shared,
      commit(CY, '2024-07-01T10:00:00Z', [file('src/big.ts', 1500)]),
    ]);
    await expectFoldsCurrent();

    // This store's own insert, then another connection's (another process, as the CLI would be).
    write(store, [commit(BOB, '2024-03-06T10:00:00Z', [file('src/b.ts', 2, 2)])]);
    await expectFoldsCurrent();
    const other = openSqliteStore(path);
    write(other, [commit(ANN_OLD, '2024-05-01T10:00:00Z', [file('docs/x.md', 3)])], 'octo/two');
    other.closeSync();
    await expectFoldsCurrent();

    // A co-author recorded later for a commit already folded, credited a week earlier: the commit
    // moves to the earlier week's cell, with its new share of the cost.
    const later = { ...shared, author: { ...shared.author, date: '2024-02-26T10:00:00Z' }, message: `${shared.subject}\n\nCo-authored-by: Bob <bob@example.com>\n` };
    write(store, [later]);
    await expectFoldsCurrent();
  });

  it('are made again after a rescore, which moves scores without a trigger', async () => {
    write(
      store,
      [commit(ANN, '2024-01-02T10:00:00Z', [file('src/a.ts', 0, 30)]), commit(BOB, '2024-02-02T10:00:00Z', [file('src/b.ts', 1200), file('test/b.test.ts', 5)], [CY])],
      'octo/one',
      { previousModel: true },
    );
    await expectFoldsCurrent();
    const chunk = await store.rescore({ limit: 1000 });
    expect(chunk.rescored).toBe(3);
    await expectFoldsCurrent();
  });

  it('are made again after a merge, a rewritten figure, a removed row and renumbered rowids', async () => {
    write(store, [
      commit(ANN, '2024-01-02T10:00:00Z', [file('src/a.ts', 40, 3)]),
      commit(ANN_OLD, '2024-01-09T10:00:00Z', [file('src/a.ts', 4)]),
      commit(BOB, '2024-03-03T10:00:00Z', [file('src/b.ts', 500, 20)], [CY]),
    ]);
    await expectFoldsCurrent();

    await store.mergeIdentities('ann@example.com', ['ann@old.example']);
    await expectFoldsCurrent();

    const raw = new Database(path);
    try {
      raw.prepare('UPDATE contributions SET cost_cents = cost_cents + 7, coherence_score = 0.1 WHERE rowid = 1').run();
      await expectFoldsCurrent();
      raw.prepare('DELETE FROM contributions WHERE rowid = 2').run();
      await expectFoldsCurrent();
      raw.exec('VACUUM');
      await expectFoldsCurrent();
      // Rowids renumbered, as VACUUM may do to a table without an INTEGER PRIMARY KEY: no figure moves,
      // so the epoch stands still, and only the count tells the folds their rowids mean other rows now.
      raw.prepare('UPDATE contributions SET rowid = rowid + 100').run();
    } finally {
      raw.close();
    }
    write(store, [commit(CY, '2024-04-01T10:00:00Z', [file('src/c.ts', 9)])]);
    await expectFoldsCurrent();
  });

  it('are not kept by a store at a schema without the epoch, which computes every answer afresh', async () => {
    const older = openSqliteStore(join(dir, 'older.db'), { migrations: SQLITE_MIGRATIONS.filter((migration) => migration.version < 8) });
    try {
      write(older, [commit(ANN, '2024-01-02T10:00:00Z', [file('src/a.ts', 4)])]);
      expect((await older.insight({}, 5)).cells).toHaveLength(1);
      write(older, [commit(BOB, '2024-01-03T10:00:00Z', [file('src/b.ts', 4)])]);
      expect((await older.insight({}, 5)).cells.map((cell) => cell.commits)).toEqual([2]);
    } finally {
      older.closeSync();
    }
  });
});
