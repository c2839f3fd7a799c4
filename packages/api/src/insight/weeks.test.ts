import { describe, expect, it } from 'vitest';
import { fillWeeks, type WeekFigures } from './weeks.js';

const row = (week: string, commits: number, cost_cents: number): WeekFigures => ({
  week,
  commits,
  contributions: commits,
  lines_added: commits * 10,
  lines_deleted: commits,
  cost_cents,
  mean_coherence: 0.8,
});

describe('fillWeeks', () => {
  it('keeps every week from the first to the last, quiet weeks as zeros', () => {
    const weeks = fillWeeks([row('2024-01-01', 2, 150), row('2024-01-22', 1, 40)]);
    expect(weeks.map((week) => [week.week, week.commits, week.cost_cents])).toEqual([
      ['2024-01-01', 2, 150],
      ['2024-01-08', 0, 0],
      ['2024-01-15', 0, 0],
      ['2024-01-22', 1, 40],
    ]);
  });

  it('crosses month and year ends on Mondays', () => {
    const weeks = fillWeeks([row('2023-12-25', 1, 10), row('2024-01-08', 1, 10)]);
    expect(weeks.map((week) => week.week)).toEqual(['2023-12-25', '2024-01-01', '2024-01-08']);
  });

  it('is empty for no rows', () => {
    expect(fillWeeks([])).toEqual([]);
  });
});
