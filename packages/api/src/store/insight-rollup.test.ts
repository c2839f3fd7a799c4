import { describe, expect, it } from 'vitest';
import { InsightFold, weekOf, type InsightRow } from './insight-rollup.js';

/** Every row folded at once, repositories named by `assetName`. */
function rollUp(rows: InsightRow[], assetName: (id: string) => string) {
  const fold = new InsightFold();
  fold.add(rows);
  return fold.result(assetName);
}

describe('weekOf', () => {
  it('names a week by its Monday in UTC, across month and year ends', () => {
    expect(weekOf('2024-01-01T00:00:00.000Z')).toBe('2024-01-01');
    expect(weekOf('2024-01-07T23:59:59.999Z')).toBe('2024-01-01');
    expect(weekOf('2024-03-03T10:00:00.000Z')).toBe('2024-02-26');
    expect(weekOf('2023-01-01T12:00:00.000Z')).toBe('2022-12-26');
  });
});

describe('rollUp', () => {
  const rows: InsightRow[] = [
    // A commit shared by two people: one commit, 40 lines once, its cost whole.
    ['A', 'c1', 'ann', '2024-01-02T10:00:00.000Z', 30, 80, 40, 2, 3],
    ['A', 'c1', 'bob', '2024-01-02T10:00:00.000Z', 29, 80, 40, 2, 3],
    ['A', 'c2', 'ann', '2024-01-09T10:00:00.000Z', 50, 70, 500, 0, 1],
    ['B', 'c1', 'bob', '2024-01-03T10:00:00.000Z', 25, 80, 10, 1, 1],
  ];
  const rollup = rollUp(rows, (id) => `repo-${id}`);

  it('sums commits once per repository into (week, repository, score) cells', () => {
    expect(rollup.cells.sort((a, b) => (a.week + a.repository < b.week + b.repository ? -1 : 1))).toEqual([
      { week: '2024-01-01', repository: 'repo-A', score: 80, commits: 1, contributions: 2, lines_added: 40, lines_deleted: 2, files_changed: 3, cost_cents: 59 },
      { week: '2024-01-01', repository: 'repo-B', score: 80, commits: 1, contributions: 1, lines_added: 10, lines_deleted: 1, files_changed: 1, cost_cents: 25 },
      { week: '2024-01-08', repository: 'repo-A', score: 70, commits: 1, contributions: 1, lines_added: 500, lines_deleted: 0, files_changed: 1, cost_cents: 50 },
    ]);
  });

  it('gives each person every contribution of theirs, and each repository its people and newest commit', () => {
    expect(rollup.people.get('ann')).toEqual({ commits: 2, lines_added: 540, lines_deleted: 2, files_changed: 4, cost_cents: 80, score_sum: 150 });
    expect(rollup.people.get('bob')).toEqual({ commits: 2, lines_added: 50, lines_deleted: 3, files_changed: 4, cost_cents: 54, score_sum: 160 });
    expect(rollup.repositories.get('A')).toEqual({ contributors: 2, last_commit_at: '2024-01-09T10:00:00.000Z' });
    expect(rollup.repositories.get('B')).toEqual({ contributors: 1, last_commit_at: '2024-01-03T10:00:00.000Z' });
  });

  it('sums the same whatever order the rows come in, with the rows of one repository apart', () => {
    const sorted = (result: ReturnType<typeof rollUp>) => ({
      cells: result.cells.map((cell) => JSON.stringify(cell)).sort(),
      people: [...result.people].sort(),
      repositories: [...result.repositories].sort(),
    });
    const shuffled = [rows[3]!, rows[1]!, rows[2]!, rows[0]!];
    expect(sorted(rollUp(shuffled, (id) => `repo-${id}`))).toEqual(sorted(rollup));
  });

  it('puts two days of one week in one cell', () => {
    const week = rollUp(
      [
        ['A', 'c1', 'ann', '2024-01-01T10:00:00.000Z', 1, 50, 1, 0, 1],
        ['A', 'c2', 'ann', '2024-01-07T10:00:00.000Z', 2, 50, 1, 0, 1],
      ],
      (id) => id,
    );
    expect(week.cells).toEqual([{ week: '2024-01-01', repository: 'A', score: 50, commits: 2, contributions: 2, lines_added: 2, lines_deleted: 0, files_changed: 2, cost_cents: 3 }]);
  });
});
