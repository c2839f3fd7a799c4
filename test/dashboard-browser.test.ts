// The dashboard and the HTML report in a real browser (headless Chromium): a database made by
// `coherence track` from two repositories of a small team, served by the real `coherence serve`, and
// every figure on the page checked against the rows in the file, read independently of the store.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTool, launchChromium, screenshot, watchedPage } from './support/browser.js';
import { runCli } from './support/cli.js';
import { readContributions } from './support/database.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { buildTeamRepos, TEAM, type TeamRepos } from './support/team-repos.js';

const whole = new Intl.NumberFormat('en-US');
const dollars = (cents: number) => `$${whole.format(Math.trunc(cents / 100))}.${String(cents % 100).padStart(2, '0')}`;

/** The headline figures, computed from the stored rows: a commit counts once however many people share it. */
function expectedHeadline(db: string, repository?: string) {
  const rows = readContributions(db).filter((row) => repository === undefined || row.repository === repository);
  const commits = new Map(rows.map((row) => [`${row.repository} ${row.commit_hash}`, row]));
  const perCommit = [...commits.values()];
  const scoreSum = perCommit.reduce((sum, row) => sum + Math.round(row.coherence_score * 100), 0);
  const costs = new Map<string, number>();
  for (const row of rows) costs.set(row.name, (costs.get(row.name) ?? 0) + row.cost_cents);
  return {
    contributors: whole.format(new Set(rows.map((row) => row.email)).size),
    commits: whole.format(commits.size),
    lines: whole.format(perCommit.reduce((sum, row) => sum + row.lines_added + row.lines_deleted, 0)),
    cost: dollars(rows.reduce((sum, row) => sum + row.cost_cents, 0)),
    coherence: (Math.round(scoreSum / perCommit.length) / 100).toFixed(2),
    topByCost: [...costs].sort((a, b) => b[1] - a[1])[0]![0],
  };
}

async function headline(page: Page) {
  const value = (key: string) => page.locator(`[data-figure="${key}"] .value`).innerText();
  return {
    contributors: await value('contributors'),
    commits: await value('commits'),
    lines: await value('lines'),
    cost: await value('cost'),
    coherence: await value('coherence'),
    topByCost: await page.locator('#data-top-cost tbody tr:first-child td:first-child').innerText(),
  };
}

async function ready(page: Page): Promise<void> {
  await page.waitForSelector('body[data-state="ready"]', { timeout: 15_000 });
}

/** Every chart is an SVG with marks in it. */
async function chartsDrawn(page: Page): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of ['weekly-cost', 'weekly-commits', 'top-cost', 'top-commits', 'coherence', 'repositories']) {
    counts[name] = await page.locator(`#chart-${name} svg rect`).count();
  }
  return counts;
}

describe.skipIf(chromiumTool.skipReason !== undefined)(
  chromiumTool.skipReason === undefined ? 'the dashboard and the HTML report in Chromium' : `the dashboard in Chromium — SKIPPED: ${chromiumTool.skipReason}`,
  () => {
    let repos: TeamRepos;
    let dir: string;
    let db: string;
    let browser: Browser;
    const servers: ServerProcess[] = [];

    beforeAll(async () => {
      repos = buildTeamRepos();
      dir = mkdtempSync(join(tmpdir(), 'coherence-browser-'));
      db = join(dir, 'team.db');
      for (const [fixture, name] of [
        [repos.alpha, 'octo/alpha'],
        [repos.beta, 'octo/beta'],
      ] as const) {
        const tracked = await runCli(['track', '--repo', fixture.dir, '--db', db, '--repository', name, '--json']);
        expect(tracked.code, tracked.stderr).toBe(0);
      }
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
      for (const server of servers) await server.stop();
      repos?.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const serve = async (env: NodeJS.ProcessEnv = {}) => {
      const server = await startServerProcess(['--db', db], env);
      servers.push(server);
      return server;
    };

    it('loads with no console errors and shows the figures of the database, the top contributor and every chart', async () => {
      const server = await serve();
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const { page, errors, requests } = await watchedPage(context);
      await page.goto(`${server.url}/`);
      await ready(page);
      // The figures are asked for once: by the early request script, whose answer the page takes.
      expect(requests.filter((url) => url.includes('/api/insight'))).toHaveLength(1);
      const expected = expectedHeadline(db);
      expect(await headline(page)).toEqual(expected);
      expect(expected.topByCost).toBe(TEAM.ada.name);
      expect(expected.contributors).toBe('4');
      const drawn = await chartsDrawn(page);
      for (const [name, marks] of Object.entries(drawn)) expect(marks, name).toBeGreaterThan(0);
      // Four months of weeks, quiet ones included, in the table beside the chart.
      expect(await page.locator('#data-weekly-cost tbody tr').count()).toBe(16);
      // Commits of a GitHub repository link to GitHub.
      const link = page.locator('#data-latest tbody tr:first-child a');
      expect(await link.getAttribute('href')).toMatch(/^https:\/\/github\.com\/octo\/alpha\/commit\/[0-9a-f]{40}$/);
      expect(await page.locator('#selection-description').innerText()).toBe('all repositories · all time');
      await screenshot(page, 'dashboard');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(400);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, 'dashboard-phone');
      expect(errors).toEqual([]);
      await context.close();
    });

    it('filters by repository: the figures and the URL change, and the URL opens the same view', async () => {
      const server = await serve();
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const { page, errors } = await watchedPage(context);
      await page.goto(`${server.url}/`);
      await ready(page);
      await page.selectOption('#filter-repository', 'octo/beta');
      await page.waitForURL(/\?repository=octo%2Fbeta$/);
      await ready(page);
      const beta = expectedHeadline(db, 'octo/beta');
      expect(await headline(page)).toEqual(beta);
      expect(beta.topByCost).toBe(TEAM.dan.name);
      expect(await page.locator('#selection-description').innerText()).toBe('octo/beta · all time');

      // A shared link opens the same selection, dates included.
      const shared = await watchedPage(context);
      await shared.page.goto(`${server.url}/?repository=octo%2Falpha&since=2024-02-01&until=2024-02-29`);
      await ready(shared.page);
      expect(await shared.page.locator('[data-figure="commits"] .value').innerText()).toBe('3');
      expect(await shared.page.locator('#filter-since').inputValue()).toBe('2024-02-01');
      expect(await shared.page.locator('#selection-description').innerText()).toBe('octo/alpha · 2024-02-01 to 2024-02-29');

      await page.goBack();
      await ready(page);
      expect(await headline(page)).toEqual(expectedHeadline(db));
      expect(errors).toEqual([]);
      expect(shared.errors).toEqual([]);
      await context.close();
    });

    it('asks for the read key when one is set, refuses a wrong one, and keeps the right one for the tab only', async () => {
      const server = await serve({ COHERENCE_READ_KEY: 'the-read-key', COHERENCE_API_KEYS: 'the-write-key' });
      const context = await browser.newContext();
      const { page } = await watchedPage(context);
      await page.goto(`${server.url}/`);
      await page.waitForSelector('body[data-state="key"]');
      expect(await page.locator('#key-form').isVisible()).toBe(true);
      expect(await page.locator('#content').isVisible()).toBe(false);
      await page.fill('#key-input', 'not-the-key');
      await page.click('#key-form button[type="submit"]');
      await page.waitForFunction(() => document.getElementById('key-error')?.textContent === 'That key was not accepted.');
      await page.fill('#key-input', 'the-read-key');
      await page.click('#key-form button[type="submit"]');
      await ready(page);
      expect(await headline(page)).toEqual(expectedHeadline(db));
      await page.reload();
      await ready(page);
      expect(await page.locator('#key-form').isVisible()).toBe(false);

      // Another session does not have it.
      const other = await browser.newContext();
      const fresh = await watchedPage(other);
      await fresh.page.goto(`${server.url}/`);
      await fresh.page.waitForSelector('body[data-state="key"]');
      await other.close();
      await context.close();
      expect(server.stderr()).not.toContain('the-read-key');
    });

    it('renders the same figures from the HTML report, offline, loading nothing', async () => {
      const out = join(dir, 'report.html');
      const made = await runCli(['report', '--db', db, '--format', 'html', '--out', out]);
      expect(made.code, made.stderr).toBe(0);
      expect(made.stdout).toBe('');
      const html = readFileSync(out, 'utf8');
      // Everything inline: no script, style sheet or image to fetch (the offline browser below proves it).
      expect(/<script[^>]+src=|<link[^>]+stylesheet|<img[^>]+src="?https?:/i.test(html)).toBe(false);

      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, offline: true });
      const { page, errors, requests } = await watchedPage(context);
      await page.goto(pathToFileURL(out).href);
      await ready(page);
      expect(requests).toEqual([pathToFileURL(out).href]);
      expect(await headline(page)).toEqual(expectedHeadline(db));
      for (const [name, marks] of Object.entries(await chartsDrawn(page))) expect(marks, name).toBeGreaterThan(0);
      expect(await page.locator('#filters').count()).toBe(0);
      await screenshot(page, 'report');
      expect(errors).toEqual([]);

      const alphaOut = join(dir, 'alpha.html');
      const alpha = await runCli(['report', '--db', db, '--format', 'html', '--repository', 'octo/alpha', '--since', '2024-02-01', '--until', '2024-02-29', '--out', alphaOut]);
      expect(alpha.code, alpha.stderr).toBe(0);
      await page.goto(pathToFileURL(alphaOut).href);
      await ready(page);
      expect(await page.locator('[data-figure="commits"] .value').innerText()).toBe('3');
      expect(await page.locator('#selection-description').innerText()).toBe('octo/alpha · 2024-02-01 to 2024-02-29');
      expect(errors).toEqual([]);
      await context.close();
    });

    it('writes the HTML report to stdout without --out, and refuses an unwritable --out in one line', async () => {
      const printed = await runCli(['report', '--db', db, '--format', 'html', '--contributor', TEAM.ben.email]);
      expect(printed.code).toBe(0);
      expect(printed.stdout).toMatch(/^<!doctype html>/);
      expect(printed.stdout).toContain('"contributor":"ben@example.com"');
      const refused = await runCli(['report', '--db', db, '--format', 'html', '--out', join(dir, 'missing', 'report.html')]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`coherence: cannot write ${join(dir, 'missing', 'report.html')}: no such directory\n`);
      expect(existsSync(join(dir, 'missing'))).toBe(false);
    });
  },
);
