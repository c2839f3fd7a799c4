// The dashboard: served by `coherence serve` at / (reading /api/insight for the selection in the URL),
// and the same code inside the HTML report of `coherence report --format html`, where the figures are
// embedded in the page and nothing is fetched.

import type { Insight } from '../src/insight/insight.ts';
import { drawChart, type ChartName } from './charts.ts';
import { formatCents, formatCount, formatScore, formatTime } from './format.ts';
import { KEY_STORAGE, takeInsightResponse } from './insight-request.ts';
import { describeSelection, insightUrl, selectionFromSearch, selectionToSearch, type PageSelection } from './selection.ts';
import { renderTable, tableSpec, tableText } from './tables.ts';

/** What the HTML report embeds in <script type="application/json" id="coherence-data">. */
export interface EmbeddedReport {
  insight: Insight;
  selection: PageSelection;
}

const PANELS: Array<{ name: ChartName; title: string; wide?: boolean }> = [
  { name: 'weekly-cost', title: 'Cost per week', wide: true },
  { name: 'weekly-commits', title: 'Commits per week', wide: true },
  { name: 'top-cost', title: 'Top contributors by cost' },
  { name: 'top-commits', title: 'Top contributors by commits' },
  { name: 'coherence', title: 'Coherence of commits' },
  { name: 'repositories', title: 'Cost per repository' },
];

const HEADLINES: Array<{ key: string; label: string; value: (insight: Insight) => string; detail?: (insight: Insight) => string }> = [
  { key: 'contributors', label: 'Contributors', value: (i) => formatCount(i.totals.contributors) },
  { key: 'commits', label: 'Commits', value: (i) => formatCount(i.totals.commits), detail: (i) => `${formatCount(i.totals.contributions)} contributions` },
  {
    key: 'lines',
    label: 'Lines changed',
    value: (i) => formatCount(i.totals.lines_added + i.totals.lines_deleted),
    detail: (i) => `+${formatCount(i.totals.lines_added)} −${formatCount(i.totals.lines_deleted)}`,
  },
  { key: 'cost', label: 'Total cost', value: (i) => formatCents(i.totals.cost_cents) },
  { key: 'coherence', label: 'Mean coherence', value: (i) => formatScore(i.totals.mean_coherence), detail: () => 'over commits, 0–1' },
];

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The page's fixed parts; filled by render(). */
function layout(root: HTMLElement, live: boolean) {
  root.replaceChildren();
  const header = element('header', { class: 'top' });
  const title = element('h1', {}, live ? 'Coherence' : 'Coherence report');
  const subtitle = element('p', { class: 'subtitle', id: 'selection-description' });
  header.append(title, subtitle);
  const status = element('p', { class: 'status', id: 'status', role: 'status', 'aria-live': 'polite' });

  const filters = element('form', { class: 'filters', id: 'filters', 'aria-label': 'Selection' });
  if (live) {
    filters.innerHTML = `
      <label>Repository <select name="repository" id="filter-repository"><option value="">All repositories</option></select></label>
      <label>Contributor <input name="contributor" id="filter-contributor" type="email" list="contributor-choices" placeholder="email" autocomplete="off"></label>
      <datalist id="contributor-choices"></datalist>
      <label>From <input name="since" id="filter-since" type="date"></label>
      <label>Through <input name="until" id="filter-until" type="date"></label>
      <div class="filter-actions"><button type="submit">Apply</button><button type="reset" class="secondary">Clear</button></div>`;
    header.append(filters);
  }

  const keyForm = element('form', { class: 'key-prompt', id: 'key-form', hidden: '' });
  keyForm.innerHTML = `
    <h2>This dashboard needs a read key</h2>
    <p>Enter the server's read key (COHERENCE_READ_KEY) or a write key. It is kept for this browser tab only.</p>
    <label>Key <input id="key-input" name="key" type="password" autocomplete="off" required></label>
    <button type="submit">Open</button>
    <p class="error" id="key-error" role="alert"></p>`;

  const main = element('main', { id: 'content' });
  const headline = element('section', { class: 'headline', id: 'headline', 'aria-label': 'Headline figures' });
  for (const figure of HEADLINES) {
    const card = element('div', { class: 'figure', 'data-figure': figure.key });
    card.append(element('span', { class: 'label' }, figure.label), element('span', { class: 'value' }, '–'), element('span', { class: 'detail' }));
    headline.append(card);
  }
  main.append(headline);
  for (const panel of PANELS) main.append(panelSection(panel.name, panel.title, panel.wide === true));
  main.append(panelSection('latest', 'Latest contributions', true, false));

  const footer = element('footer', { id: 'footer' });
  root.append(header, status, keyForm, main, footer);
  return { filters, keyForm, main, status };
}

function panelSection(name: ChartName | 'latest', title: string, wide: boolean, chart = true): HTMLElement {
  const section = element('section', { class: `panel${wide ? ' wide' : ''}${chart ? '' : ' table-only'}`, id: `panel-${name}`, 'aria-labelledby': `title-${name}` });
  const heading = element('div', { class: 'panel-heading' });
  heading.append(element('h2', { id: `title-${name}` }, title));
  const copy = element('button', { type: 'button', class: 'copy secondary', 'data-copy': name, 'aria-label': `Copy the table: ${title}` }, 'Copy table');
  heading.append(copy);
  const body = element('div', { class: 'panel-body' });
  if (chart) body.append(element('figure', { class: 'chart', id: `chart-${name}`, 'aria-label': title }));
  body.append(element('div', { class: 'table-wrap', id: `table-${name}`, tabindex: '0', role: 'region', 'aria-label': `${title} as a table` }));
  section.append(heading, body);
  return section;
}

function render(insight: Insight, selection: PageSelection): void {
  document.getElementById('selection-description')!.textContent = describeSelection(selection);
  for (const figure of HEADLINES) {
    const card = document.querySelector(`[data-figure="${figure.key}"]`)!;
    card.querySelector('.value')!.textContent = figure.value(insight);
    card.querySelector('.detail')!.textContent = figure.detail?.(insight) ?? '';
  }
  // Charts first: each asks for its figure's width, which lays the page out, and before the tables
  // are filled that layout is of a few dozen boxes rather than thousands of table cells.
  drawCharts(insight);
  for (const name of [...PANELS.map((panel) => panel.name), 'latest' as const]) {
    const spec = tableSpec(name, insight);
    document.getElementById(`table-${name}`)!.replaceChildren(renderTable(spec, `data-${name}`));
    const copy = document.querySelector<HTMLButtonElement>(`[data-copy="${name}"]`)!;
    copy.onclick = () => copyText(tableText(spec), copy);
  }
  document.getElementById('footer')!.textContent =
    `Figures as of ${formatTime(insight.generated_at)}. A commit shared by co-authors counts once in commits, lines and coherence, and once per person in contributors; its cost is split between them. Coherence and cost rules: see the Coherence README.`;
  document.body.dataset.state = 'ready';
  // For the browser's performance panel and the benchmark: when the figures were drawn.
  performance.mark('coherence:drawn');
}

function drawCharts(insight: Insight): void {
  for (const panel of PANELS) {
    const figure = document.getElementById(`chart-${panel.name}`)!;
    const width = Math.max(280, Math.floor(figure.clientWidth || 600));
    const chart = drawChart(panel.name, insight, width);
    figure.replaceChildren(chart ?? element('p', { class: 'empty' }, 'Nothing in this selection.'));
  }
}

async function copyText(text: string, button: HTMLButtonElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Offline files and older browsers: a hidden textarea and the copy command.
    const area = element('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  button.textContent = 'Copied';
  setTimeout(() => (button.textContent = 'Copy table'), 1500);
}

function redrawOnResize(insight: () => Insight | undefined): void {
  let width = window.innerWidth;
  let timer: number | undefined;
  window.addEventListener('resize', () => {
    if (window.innerWidth === width) return;
    width = window.innerWidth;
    clearTimeout(timer);
    timer = window.setTimeout(() => {
      const current = insight();
      if (current) drawCharts(current);
    }, 150);
  });
}

function startReport(root: HTMLElement, report: EmbeddedReport): void {
  layout(root, false);
  document.title = `Coherence report · ${describeSelection(report.selection)}`;
  render(report.insight, report.selection);
  redrawOnResize(() => report.insight);
}

function startLive(root: HTMLElement): void {
  const { filters, keyForm, main, status } = layout(root, true);
  let selection = selectionFromSearch(location.search);
  let current: Insight | undefined;
  let loading = 0;

  const fillForm = () => {
    for (const name of ['repository', 'contributor', 'since', 'until'] as const) {
      (filters.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value = selection[name] ?? '';
    }
  };

  const setChoices = (insight: Insight) => {
    const select = filters.elements.namedItem('repository') as HTMLSelectElement;
    const names = new Set(insight.repository_names);
    if (selection.repository) names.add(selection.repository);
    select.replaceChildren(element('option', { value: '' }, 'All repositories'), ...[...names].sort().map((name) => element('option', { value: name }, name)));
    select.value = selection.repository ?? '';
    const people = new Map([...insight.top_by_cost, ...insight.top_by_commits].map((person) => [person.email, person.name]));
    document.getElementById('contributor-choices')!.replaceChildren(
      ...[...people].map(([email, name]) => element('option', { value: email }, name)),
    );
  };

  const showKeyPrompt = (message: string) => {
    keyForm.hidden = false;
    main.hidden = true;
    document.getElementById('key-error')!.textContent = message;
    document.body.dataset.state = 'key';
    (document.getElementById('key-input') as HTMLInputElement).focus();
  };

  const load = async () => {
    const ticket = ++loading;
    main.setAttribute('aria-busy', 'true');
    status.textContent = 'Loading…';
    document.body.dataset.state = 'loading';
    const key = sessionStorage.getItem(KEY_STORAGE);
    let response: Response;
    try {
      response = await takeInsightResponse(insightUrl(selection), key);
    } catch (error) {
      if (ticket !== loading) return;
      status.textContent = `The server could not be reached: ${(error as Error).message}`;
      document.body.dataset.state = 'error';
      return;
    }
    if (ticket !== loading) return;
    main.removeAttribute('aria-busy');
    if (response.status === 401 || response.status === 403) {
      sessionStorage.removeItem(KEY_STORAGE);
      status.textContent = '';
      showKeyPrompt(key ? 'That key was not accepted.' : '');
      return;
    }
    performance.mark('coherence:answered');
    const body = (await response.json().catch(() => undefined)) as (Insight & { error?: { message: string } }) | undefined;
    if (!response.ok || body === undefined || body.error) {
      status.textContent = `The server answered ${response.status}: ${body?.error?.message ?? response.statusText}`;
      document.body.dataset.state = 'error';
      return;
    }
    keyForm.hidden = true;
    main.hidden = false;
    status.textContent = '';
    current = body;
    setChoices(body);
    render(body, selection);
  };

  const choose = (next: PageSelection) => {
    selection = next;
    history.pushState(null, '', `${location.pathname}${selectionToSearch(selection)}`);
    fillForm();
    void load();
  };

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(filters);
    const next: PageSelection = {};
    for (const name of ['repository', 'contributor', 'since', 'until'] as const) {
      const value = String(data.get(name) ?? '').trim();
      if (value) next[name] = name === 'contributor' ? value.toLowerCase() : value;
    }
    choose(next);
  });
  // A repository or a date applies at once; the contributor field waits for Enter or Apply.
  filters.addEventListener('change', (event) => {
    if ((event.target as HTMLElement).id !== 'filter-contributor') filters.requestSubmit();
  });
  filters.addEventListener('reset', (event) => {
    event.preventDefault();
    choose({});
  });
  keyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = document.getElementById('key-input') as HTMLInputElement;
    sessionStorage.setItem(KEY_STORAGE, input.value.trim());
    input.value = '';
    void load();
  });
  window.addEventListener('popstate', () => {
    selection = selectionFromSearch(location.search);
    fillForm();
    void load();
  });
  redrawOnResize(() => current);
  fillForm();
  void load();
}

const root = document.getElementById('app')!;
const embedded = document.getElementById('coherence-data');
if (embedded?.textContent) startReport(root, JSON.parse(embedded.textContent) as EmbeddedReport);
else startLive(root);
