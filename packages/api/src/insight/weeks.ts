// Weeks for a chart over time: every week from the first to the last with work, the empty ones as
// zeros, so a quiet week shows as a dip rather than vanishing from the axis.

export interface WeekFigures {
  /** The week's Monday, YYYY-MM-DD (UTC). */
  week: string;
  commits: number;
  contributions: number;
  lines_added: number;
  lines_deleted: number;
  cost_cents: number;
  mean_coherence: number;
}

const DAY_MS = 86_400_000;

/** `rows` are weeks with work, sorted. */
export function fillWeeks(rows: readonly WeekFigures[]): WeekFigures[] {
  if (rows.length === 0) return [];
  const byWeek = new Map(rows.map((row) => [row.week, row]));
  const first = Date.parse(`${rows[0]!.week}T00:00:00Z`);
  const last = Date.parse(`${rows.at(-1)!.week}T00:00:00Z`);
  const weeks: WeekFigures[] = [];
  for (let time = first; time <= last; time += 7 * DAY_MS) {
    const week = new Date(time).toISOString().slice(0, 10);
    const row = byWeek.get(week);
    weeks.push({
      week,
      commits: row?.commits ?? 0,
      contributions: row?.contributions ?? 0,
      lines_added: row?.lines_added ?? 0,
      lines_deleted: row?.lines_deleted ?? 0,
      cost_cents: row?.cost_cents ?? 0,
      mean_coherence: row?.mean_coherence ?? 0,
    });
  }
  return weeks;
}
