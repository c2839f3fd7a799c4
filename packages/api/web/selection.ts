// The selection a view shows, held in the page's URL (?repository=&contributor=&since=&until=) so a
// view can be shared. Dates are days; `until` is the last day included, as on `coherence report`.

export interface PageSelection {
  repository?: string;
  contributor?: string;
  /** YYYY-MM-DD, the first day included. */
  since?: string;
  /** YYYY-MM-DD, the last day included. */
  until?: string;
}

const KEYS = ['repository', 'contributor', 'since', 'until'] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function selectionFromSearch(search: string): PageSelection {
  const params = new URLSearchParams(search);
  const selection: PageSelection = {};
  for (const key of KEYS) {
    const value = params.get(key)?.trim();
    if (!value) continue;
    if ((key === 'since' || key === 'until') && !DAY.test(value)) continue;
    selection[key] = value;
  }
  return selection;
}

export function selectionToSearch(selection: PageSelection): string {
  const params = new URLSearchParams();
  for (const key of KEYS) if (selection[key]) params.set(key, selection[key]!);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The API's query: `until` becomes the next day's midnight, since the API's bound excludes it. */
export function insightQuery(selection: PageSelection): string {
  const params = new URLSearchParams();
  if (selection.repository) params.set('repository', selection.repository);
  if (selection.contributor) params.set('contributor', selection.contributor);
  if (selection.since) params.set('since', selection.since);
  if (selection.until) params.set('until', nextDay(selection.until));
  params.set('top', '10');
  params.set('latest', '20');
  return params.toString();
}

/** The page's request for the selection's figures, relative to the page. */
export const insightUrl = (selection: PageSelection): string => `api/insight?${insightQuery(selection)}`;

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** A line saying what is shown, for headings and the report's header. */
export function describeSelection(selection: PageSelection): string {
  const parts: string[] = [];
  parts.push(selection.repository ? selection.repository : 'all repositories');
  if (selection.contributor) parts.push(selection.contributor);
  if (selection.since && selection.until) parts.push(`${selection.since} to ${selection.until}`);
  else if (selection.since) parts.push(`from ${selection.since}`);
  else if (selection.until) parts.push(`through ${selection.until}`);
  else parts.push('all time');
  return parts.join(' · ');
}
