// Every chart on the page, drawn by Observable Plot as SVG. Colours are from the Okabe–Ito palette,
// which stays distinct under every common colour-vision deficiency; each chart has a table beside it.

import * as Plot from '@observablehq/plot';
import type { Insight } from '../src/insight/insight.ts';
import { formatCents, formatCentsShort, formatCount, formatScore } from './format.ts';

export const PALETTE = {
  blue: '#0072B2',
  orange: '#E69F00',
  green: '#009E73',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  sky: '#56B4E9',
} as const;

export type ChartName = 'weekly-cost' | 'weekly-commits' | 'top-cost' | 'top-commits' | 'coherence' | 'repositories';

const DAY_MS = 86_400_000;
const monday = (week: string) => new Date(`${week}T00:00:00Z`);
const sunday = (week: string) => new Date(Date.parse(`${week}T00:00:00Z`) + 7 * DAY_MS);
/** Counts take whole ticks: asking d3 for no more ticks than the largest count gives steps of 1 or more. */
const wholeTicks = (largest: number) => Math.max(1, Math.min(5, largest));
const truncate = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

/** Draws one chart at the given width; undefined when the selection has nothing to draw. */
export function drawChart(name: ChartName, insight: Insight, width: number): SVGSVGElement | HTMLElement | undefined {
  const common = { width, style: { fontSize: '12px', background: 'transparent' } };
  // Names beside horizontal bars get a third of a phone's width, and up to 190 px on a wide screen.
  const nameMargin = Math.min(190, Math.round(width * 0.35));
  const nameLength = Math.max(12, Math.floor(nameMargin / 7.2));
  switch (name) {
    case 'weekly-cost': {
      if (insight.weeks.length === 0) return undefined;
      return Plot.plot({
        ...common,
        height: 240,
        marginLeft: 64,
        ariaLabel: 'Cost per week',
        x: { type: 'utc', label: null },
        y: { grid: true, label: 'Cost', tickFormat: (value: number) => formatCentsShort(value * 100) },
        marks: [
          Plot.rectY(insight.weeks, { x1: (d) => monday(d.week), x2: (d) => sunday(d.week), y: (d) => d.cost_cents / 100, fill: PALETTE.blue, inset: 0.5 }),
          Plot.ruleY([0]),
          Plot.tip(
            insight.weeks,
            Plot.pointerX({
              x: (d) => new Date(Date.parse(`${d.week}T00:00:00Z`) + 3.5 * DAY_MS),
              y: (d) => d.cost_cents / 100,
              title: (d) => `Week of ${d.week}\n${formatCents(d.cost_cents)} · ${formatCount(d.commits)} commits`,
            }),
          ),
        ],
      });
    }
    case 'weekly-commits': {
      if (insight.weeks.length === 0) return undefined;
      return Plot.plot({
        ...common,
        height: 240,
        ariaLabel: 'Commits per week',
        x: { type: 'utc', label: null },
        y: { grid: true, label: 'Commits', ticks: wholeTicks(Math.max(...insight.weeks.map((d) => d.commits))) },
        marks: [
          Plot.rectY(insight.weeks, { x1: (d) => monday(d.week), x2: (d) => sunday(d.week), y: 'commits', fill: PALETTE.orange, inset: 0.5 }),
          Plot.ruleY([0]),
          Plot.tip(
            insight.weeks,
            Plot.pointerX({
              x: (d) => new Date(Date.parse(`${d.week}T00:00:00Z`) + 3.5 * DAY_MS),
              y: 'commits',
              title: (d) => `Week of ${d.week}\n${formatCount(d.commits)} commits · ${formatCount(d.lines_added)} lines added`,
            }),
          ),
        ],
      });
    }
    case 'top-cost':
    case 'top-commits': {
      const byCost = name === 'top-cost';
      const people = byCost ? insight.top_by_cost : insight.top_by_commits;
      if (people.length === 0) return undefined;
      const label = (d: (typeof people)[number]) => truncate(d.name || d.email, nameLength);
      return Plot.plot({
        ...common,
        height: 40 + people.length * 26,
        marginLeft: nameMargin,
        marginRight: 80,
        ariaLabel: byCost ? 'Top contributors by cost' : 'Top contributors by commits',
        x: byCost
          ? { grid: true, label: 'Cost', tickFormat: (value: number) => formatCentsShort(value * 100) }
          : { grid: true, label: 'Commits', ticks: wholeTicks(Math.max(...people.map((d) => d.commits))) },
        y: { label: null, domain: people.map(label) },
        marks: [
          Plot.barX(people, {
            x: (d) => (byCost ? d.cost_cents / 100 : d.commits),
            y: label,
            fill: byCost ? PALETTE.blue : PALETTE.orange,
            title: (d) => `${d.name} <${d.email}>\n${formatCents(d.cost_cents)} · ${formatCount(d.commits)} commits`,
          }),
          Plot.text(people, {
            x: (d) => (byCost ? d.cost_cents / 100 : d.commits),
            y: label,
            text: (d) => (byCost ? formatCents(d.cost_cents) : formatCount(d.commits)),
            textAnchor: 'start',
            dx: 4,
          }),
          Plot.ruleX([0]),
        ],
      });
    }
    case 'coherence': {
      if (insight.coherence.length === 0) return undefined;
      return Plot.plot({
        ...common,
        height: 240,
        ariaLabel: 'Distribution of coherence scores over commits',
        x: { label: 'Coherence score', domain: [0, 1], ticks: 10 },
        y: { grid: true, label: 'Commits', ticks: wholeTicks(Math.max(...insight.coherence.map((d) => d.commits))) },
        marks: [
          Plot.rectY(insight.coherence, {
            x1: (d) => d.score - 0.02,
            x2: (d) => d.score + 0.02,
            y: 'commits',
            fill: PALETTE.green,
            title: (d) => `Score ${formatScore(d.score)}: ${formatCount(d.commits)} commits`,
          }),
          Plot.ruleY([0]),
          Plot.ruleX([insight.totals.mean_coherence], { stroke: PALETTE.vermillion, strokeDasharray: '4,3' }),
        ],
      });
    }
    case 'repositories': {
      if (insight.repositories.length === 0) return undefined;
      const shown = insight.repositories.slice(0, 15);
      return Plot.plot({
        ...common,
        height: 40 + shown.length * 26,
        marginLeft: nameMargin,
        marginRight: 80,
        ariaLabel: 'Cost per repository',
        x: { grid: true, label: 'Cost', tickFormat: (value: number) => formatCentsShort(value * 100) },
        y: { label: null, domain: shown.map((d) => truncate(d.name, nameLength)) },
        marks: [
          Plot.barX(shown, {
            x: (d) => d.cost_cents / 100,
            y: (d) => truncate(d.name, nameLength),
            fill: PALETTE.purple,
            title: (d) => `${d.name}\n${formatCents(d.cost_cents)} · ${formatCount(d.commits)} commits · ${formatCount(d.contributors)} people`,
          }),
          Plot.text(shown, { x: (d) => d.cost_cents / 100, y: (d) => truncate(d.name, nameLength), text: (d) => formatCents(d.cost_cents), textAnchor: 'start', dx: 4 }),
          Plot.ruleX([0]),
        ],
      });
    }
  }
}
