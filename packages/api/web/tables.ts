// The table beside each chart: the same figures as text, readable by screen readers and copyable.

import type { Insight } from '../src/insight/insight.ts';
import type { ChartName } from './charts.ts';
import { formatCents, formatCount, formatDay, formatScore, formatTime, shortHash } from './format.ts';

type Cell = string | { text: string; href?: string; title?: string; numeric?: boolean };

interface TableSpec {
  caption: string;
  headers: string[];
  /** Columns aligned right. */
  numeric: number[];
  rows: Cell[][];
}

export function tableSpec(name: ChartName | 'latest', insight: Insight): TableSpec {
  switch (name) {
    case 'weekly-cost':
    case 'weekly-commits':
      return {
        caption: name === 'weekly-cost' ? 'Cost per week' : 'Commits per week',
        headers: ['Week of', 'Commits', 'Lines added', 'Lines deleted', 'Cost'],
        numeric: [1, 2, 3, 4],
        rows: insight.weeks.map((week) => [week.week, formatCount(week.commits), formatCount(week.lines_added), formatCount(week.lines_deleted), formatCents(week.cost_cents)]),
      };
    case 'top-cost':
    case 'top-commits':
      return {
        caption: name === 'top-cost' ? 'Top contributors by cost' : 'Top contributors by commits',
        headers: ['Contributor', 'Email', 'Commits', 'Lines added', 'Cost', 'Coherence'],
        numeric: [2, 3, 4, 5],
        rows: (name === 'top-cost' ? insight.top_by_cost : insight.top_by_commits).map((person) => [
          person.name,
          person.email,
          formatCount(person.commits),
          formatCount(person.lines_added),
          formatCents(person.cost_cents),
          formatScore(person.mean_coherence),
        ]),
      };
    case 'coherence':
      return {
        caption: 'Commits per coherence score',
        headers: ['Score', 'Commits', 'Share'],
        numeric: [0, 1, 2],
        rows: insight.coherence.map((bucket) => [
          formatScore(bucket.score),
          formatCount(bucket.commits),
          `${((bucket.commits / Math.max(1, insight.totals.commits)) * 100).toFixed(1)}%`,
        ]),
      };
    case 'repositories':
      return {
        caption: 'Totals per repository',
        headers: ['Repository', 'Commits', 'People', 'Lines added', 'Cost', 'Coherence', 'Last commit'],
        numeric: [1, 2, 3, 4, 5],
        rows: insight.repositories.map((repository) => [
          repository.url ? { text: repository.name, href: repository.url } : repository.name,
          formatCount(repository.commits),
          formatCount(repository.contributors),
          formatCount(repository.lines_added),
          formatCents(repository.cost_cents),
          formatScore(repository.mean_coherence),
          formatDay(repository.last_commit_at),
        ]),
      };
    case 'latest':
      return {
        caption: 'Latest contributions',
        headers: ['When', 'Repository', 'Commit', 'Contributor', 'Role', 'Lines', 'Cost', 'Coherence'],
        numeric: [5, 6, 7],
        rows: insight.latest.map((row) => [
          formatTime(row.timestamp),
          row.repository,
          { text: shortHash(row.commit_hash), ...(row.url ? { href: row.url } : {}), title: row.subject ?? row.commit_hash },
          { text: row.contributor_name, title: row.contributor_email },
          row.role,
          `+${formatCount(row.lines_added)} −${formatCount(row.lines_deleted)}`,
          formatCents(row.cost_cents),
          formatScore(row.coherence_score),
        ]),
      };
  }
}

export function renderTable(spec: TableSpec, id: string): HTMLTableElement {
  const table = document.createElement('table');
  table.id = id;
  const caption = table.createCaption();
  caption.textContent = spec.caption;
  const head = table.createTHead().insertRow();
  spec.headers.forEach((header, index) => {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = header;
    if (spec.numeric.includes(index)) th.className = 'num';
    head.append(th);
  });
  const body = table.createTBody();
  for (const row of spec.rows) {
    const tr = body.insertRow();
    row.forEach((cell, index) => {
      const td = tr.insertCell();
      if (spec.numeric.includes(index)) td.className = 'num';
      if (typeof cell === 'string') {
        td.textContent = cell;
        return;
      }
      if (cell.title) td.title = cell.title;
      if (cell.href) {
        const link = document.createElement('a');
        link.href = cell.href;
        link.textContent = cell.text;
        link.rel = 'noopener noreferrer';
        link.target = '_blank';
        td.append(link);
      } else {
        td.textContent = cell.text;
      }
    });
  }
  if (spec.rows.length === 0) {
    const td = body.insertRow().insertCell();
    td.colSpan = spec.headers.length;
    td.textContent = 'Nothing in this selection.';
  }
  return table;
}

/** The table as tab-separated text, for pasting into a spreadsheet. */
export function tableText(spec: TableSpec): string {
  const text = (cell: Cell) => (typeof cell === 'string' ? cell : cell.text);
  return [spec.headers, ...spec.rows.map((row) => row.map(text))].map((row) => row.join('\t')).join('\n');
}
