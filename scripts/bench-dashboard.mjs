// `pnpm bench:dashboard`: how fast the dashboard opens on a large database. Fills a SQLite file with
// 100,000 contributions (60 people, 6 repositories, three years, one in five commits co-authored) and
// serves it with `coherence serve`; then the same contributions in a PostgreSQL schema of its own
// (dropped afterwards), served the same way, when PostgreSQL is reachable. For each store it times
// GET /api/insight for the whole database as the server starts (every row folded: the request joins the
// fold the server begins as it starts), then for it, one repository and six months, each right after a
// write (the rows written since are added to the folds the server keeps) and the whole database again
// while nothing changes (the answer is kept), and, when Chromium is installed, the page from navigation
// to drawn charts: as the server starts, 3 s after, right after a write and unchanged. Each figure is
// the median of several runs after one warm-up. The page's time is split into the server's part (its
// Server-Timing), the browser's (navigation to the page's "drawn" mark) and, around them, the driver's
// (Playwright's navigation and wait). The server process's CPU time per computed answer is given too,
// since a busy machine stretches the wall-clock times. Also times `coherence report --format html`.
// Usage: pnpm bench:dashboard [-- --contributions 100000 --runs 5 --postgres-url postgres://…]

import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    contributions: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
    'postgres-url': { type: 'string', default: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const TARGET = Number(values.contributions);
const RUNS = Number(values.runs);
const BAR_MS = 1000;

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'packages/cli/dist/cli.js');
const { openPostgresStore, openSqliteStore, toStoreRow } = await import(join(root, 'packages/api/dist/index.js'));
const { recordFromPayload } = await import(join(root, 'packages/core/dist/index.js'));

const dir = mkdtempSync(join(tmpdir(), 'coherence-bench-dashboard-'));
const db = join(dir, 'dashboard.db');
const hash = (label) => createHash('sha1').update(label).digest('hex');
const START = Date.parse('2023-01-02T00:00:00Z');
const SPAN = 3 * 365 * 86_400_000;
const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');

/** The benchmark's contributions, in batches of 5,000; answers the number of commits. */
function generate(write) {
  const received = new Date();
  let made = 0;
  let commit = 0;
  let batch = [];
  while (made < TARGET) {
    const people = commit % 5 === 0 ? 2 : 1;
    const lines = (commit * 37) % 900;
    for (let share = 0; share < people && made < TARGET; share += 1) {
      batch.push(
        recordFromPayload(
          {
            contributor_email: `dev${(commit + share * 7) % 60}@example.com`,
            repository: `bench/repo-${commit % 6}`,
            commit_hash: hash(`commit:${commit}`),
            cost_amount: 0,
            metadata: {
              files_changed: 1 + (commit % 12),
              lines_added: lines,
              lines_deleted: (commit * 11) % 200,
              has_tests: commit % 3 === 0,
              has_docs: commit % 7 === 0,
              contributor_name: `Developer ${(commit + share * 7) % 60}`,
              role: share === 0 ? 'author' : 'co-author',
              credited: people,
              share_index: share,
              timestamp: new Date(START + Math.floor((commit / (TARGET * 0.85)) * SPAN)).toISOString(),
              subject: `Change ${commit}`,
              cost_basis: 'numstat',
            },
          },
          received,
        ),
      );
      made += 1;
    }
    commit += 1;
    if (batch.length >= 5000) {
      write(batch);
      batch = [];
    }
  }
  if (batch.length) write(batch);
  return commit;
}

function fillSqlite() {
  const store = openSqliteStore(db);
  const commits = generate((batch) => store.storeRows(batch.map(toStoreRow)));
  store.closeSync();
  return commits;
}

/** The same contributions in a schema of its own; answers how `coherence serve` reaches it, and how to drop it. */
async function fillPostgres(url) {
  const pg = (await import(createRequire(join(root, 'packages/api/package.json')).resolve('pg'))).default;
  const schema = `coherence_bench_dashboard_${process.pid}`;
  let store;
  try {
    store = await openPostgresStore({ connectionString: url, schema });
  } catch (error) {
    process.stderr.write(`PostgreSQL skipped: ${error.message}\n`);
    return undefined;
  }
  const drop = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  };
  try {
    const pending = [];
    generate((batch) => pending.push(batch));
    for (const batch of pending) for (let start = 0; start < batch.length; start += 1000) await store.ingestIds(batch.slice(start, start + 1000));
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`VACUUM ANALYZE "${schema}".contributions`);
    await client.end();
  } catch (error) {
    await drop();
    throw error;
  }
  const served = new URL(url);
  served.searchParams.set('options', `-c search_path=${schema}`);
  return { databaseUrl: served.toString(), drop };
}

function serve(args, env = {}) {
  const child = spawn(process.execPath, [cli, 'serve', ...args, '--port', '0', '--log-format', 'json'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DATABASE_URL: '', ...env },
  });
  return new Promise((resolvePromise, reject) => {
    let text = '';
    child.stderr.on('data', (chunk) => {
      text += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(text);
      if (match) resolvePromise({ url: match[1], child });
    });
    child.once('exit', () => reject(new Error(`serve exited:\n${text}`)));
  });
}

const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];

/** The server process's CPU time so far (its threads included), in ms. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
}

let written = 0;
/** One new contribution through the API: every answer kept so far is then out of date. */
async function write(base) {
  written += 1;
  const response = await fetch(`${base}/api/contributions/github`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      contributor_email: 'dev1@example.com',
      repository: 'bench/repo-0',
      commit_hash: hash(`bench write ${process.pid} ${written}`),
      cost_amount: 0.5,
      metadata: { files_changed: 1, lines_added: 3, lines_deleted: 1, contributor_name: 'Developer 1', role: 'author', timestamp: new Date(START + SPAN).toISOString(), subject: 'A write', cost_basis: 'numstat' },
    }),
  });
  if (!response.ok) throw new Error(`write: ${response.status} ${await response.text()}`);
}

async function request(url) {
  const started = performance.now();
  const response = await fetch(url, { headers: { 'accept-encoding': 'br' } });
  // fetch decompresses the body; Content-Length is what was sent.
  const body = Buffer.from(await response.arrayBuffer());
  if (!response.ok) throw new Error(`${response.status}: ${body}`);
  const timing = /dur=([\d.]+);desc="(\w+)"/.exec(response.headers.get('server-timing') ?? '');
  return { ms: performance.now() - started, bytes: body.length, sent: Number(response.headers.get('content-length')), kept: timing?.[2] === 'kept' };
}

/** Medians over RUNS: computed (a write before each) and, for the whole database, kept. */
async function timeApi(base, pid) {
  const computed = async (path) => {
    await request(`${base}${path}`);
    const runs = [];
    let cpu = 0;
    for (let run = 0; run < RUNS; run += 1) {
      await write(base);
      const before = cpuMs(pid);
      const result = await request(`${base}${path}`);
      cpu += cpuMs(pid) - before;
      if (result.kept) throw new Error(`${path} was kept after a write`);
      runs.push(result);
    }
    return { ms: median(runs.map((run) => run.ms)), bytes: runs[0].bytes, sent: runs[0].sent, cpu: cpu / RUNS };
  };
  const whole = await computed('/api/insight');
  const one = await computed('/api/insight?repository=bench/repo-3');
  const ranged = await computed('/api/insight?since=2025-01-01&until=2025-07-01');
  await request(`${base}/api/insight`); // computed once more: the last write came after it was kept
  const runs = [];
  for (let run = 0; run < RUNS; run += 1) runs.push(await request(`${base}/api/insight`));
  if (!runs.every((run) => run.kept)) throw new Error('the whole database was computed again with no write');
  return { whole, kept: { ms: median(runs.map((run) => run.ms)), bytes: runs[0].bytes }, one, ranged };
}

function chromiumPath() {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {}
  }
  return undefined;
}

/** The page, in a fresh browser context each run (nothing cached); `afterWrite`: its figures computed. */
async function timePage(browser, base, afterWrite) {
  const runs = [];
  for (let run = 0; run <= RUNS; run += 1) {
    if (afterWrite) await write(base);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const started = performance.now();
    await page.goto(`${base}/`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
    const wall = performance.now() - started;
    const inPage = await page.evaluate(() => ({
      drawn: performance.getEntriesByName('coherence:drawn')[0]?.startTime,
      server: performance
        .getEntriesByType('resource')
        .flatMap((entry) => (entry.name.includes('/api/insight') ? entry.serverTiming : []))
        .map((timing) => ({ ms: timing.duration, kept: timing.description === 'kept' }))[0],
    }));
    await page.close();
    if (inPage.server.kept === afterWrite) throw new Error(`the page's figures were ${inPage.server.kept ? 'kept' : 'computed'}`);
    if (run > 0) runs.push({ wall, drawn: inPage.drawn, server: inPage.server.ms });
  }
  return { wall: median(runs.map((run) => run.wall)), drawn: median(runs.map((run) => run.drawn)), server: median(runs.map((run) => run.server)) };
}

/**
 * The first GET /api/insight after the server starts, when every row is folded (as after a rescore or
 * an identity merge): medians over RUNS fresh servers.
 */
async function timeFirstAnswer(args, env) {
  const runs = [];
  for (let run = 0; run < RUNS; run += 1) {
    const { url, child } = await serve(args, env);
    try {
      const before = cpuMs(child.pid);
      const result = await request(`${url}/api/insight`);
      runs.push({ ms: result.ms, cpu: cpuMs(child.pid) - before });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolvePromise) => child.once('exit', resolvePromise));
    }
  }
  return { ms: median(runs.map((run) => run.ms)), cpu: median(runs.map((run) => run.cpu)) };
}

/**
 * The page as the first visit to a server started `delayMs` before: right away, it waits for the fold of
 * every row the server began as it started; a few seconds later, that fold is kept. Medians over RUNS fresh servers.
 */
async function timeFirstPage(browser, args, env, delayMs) {
  const runs = [];
  for (let run = 0; run < RUNS; run += 1) {
    const { url, child } = await serve(args, env);
    try {
      await new Promise((resolvePromise) => setTimeout(resolvePromise, delayMs));
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const started = performance.now();
      await page.goto(`${url}/`);
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
      runs.push(performance.now() - started);
      await page.close();
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolvePromise) => child.once('exit', resolvePromise));
    }
  }
  return median(runs);
}

async function launchChromium() {
  const executablePath = chromiumPath();
  if (!executablePath) return undefined;
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

/** Every figure for one store, served by `coherence serve` with these arguments and environment. */
async function measure(args, env) {
  const first = await timeFirstAnswer(args, env);
  const browser = await launchChromium();
  try {
    const firstPage = browser ? { now: await timeFirstPage(browser, args, env, 0), later: await timeFirstPage(browser, args, env, 3000) } : undefined;
    const { url, child } = await serve(args, env);
    try {
      const api = { ...(await timeApi(url, child.pid)), first };
      if (!browser) return { api };
      return { api, firstPage, kept: await timePage(browser, url, false), computed: await timePage(browser, url, true) };
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    await browser?.close();
  }
}

const ms = (value) => (value === undefined ? '' : `${value.toFixed(0)} ms`);
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

function rows(figures) {
  const { api, kept, computed } = figures;
  const page = (label, timing) =>
    timing === undefined
      ? []
      : [
          [`page, ${label}: navigation to charts drawn (driver's clock)`, ms(timing.wall)],
          ['  of which in the browser, navigation to drawn', ms(timing.drawn)],
          ['  of which the server, /api/insight', ms(timing.server)],
        ];
  return [
    ['GET /api/insight, whole database, first as the server starts (every row folded)', `${ms(api.first.ms)}, CPU ${ms(api.first.cpu)}`],
    ['GET /api/insight, whole database, after a write (computed)', `${ms(api.whole.ms)}, CPU ${ms(api.whole.cpu)}, ${kib(api.whole.bytes)} (${kib(api.whole.sent)} brotli)`],
    ['GET /api/insight, whole database, unchanged (kept)', ms(api.kept.ms)],
    ['GET /api/insight?repository=…, after a write', `${ms(api.one.ms)}, CPU ${ms(api.one.cpu)}`],
    ['GET /api/insight?since=…&until=… (6 months), after a write', `${ms(api.ranged.ms)}, CPU ${ms(api.ranged.cpu)}`],
    ...(figures.firstPage === undefined
      ? []
      : [
          ["page, first visit as the server starts (driver's clock)", ms(figures.firstPage.now)],
          ["page, first visit 3 s after the server started (driver's clock)", ms(figures.firstPage.later)],
        ]),
    ...page('data unchanged', kept),
    ...page('right after a write', computed),
  ];
}

function print(title, figures) {
  process.stdout.write(`\n${title}\n`);
  for (const [what, value] of rows(figures)) process.stdout.write(`${what.padEnd(64)} ${value}\n`);
  if (figures.kept === undefined) process.stdout.write('(no Chromium found: the page was not timed)\n');
}

try {
  process.stdout.write(`load average at the start: ${load()}\n`);
  let started = performance.now();
  const commits = fillSqlite();
  process.stderr.write(`filled ${db}: ${TARGET} contributions, ${commits} commits in ${((performance.now() - started) / 1000).toFixed(1)} s (${(statSync(db).size / 1048576).toFixed(0)} MiB)\n`);
  const sqlite = await measure(['--db', db], {});
  started = performance.now();
  const out = join(dir, 'report.html');
  execFileSync(process.execPath, [cli, 'report', '--db', db, '--format', 'html', '--out', out], { stdio: 'ignore' });
  const report = performance.now() - started;
  const header = `${TARGET.toLocaleString('en-US')} contributions, medians of ${RUNS} runs after a warm-up (bar: page open ≤ ${BAR_MS} ms)`;
  print(`${header}\nSQLite`, sqlite);
  process.stdout.write(`${'coherence report --format html (whole process)'.padEnd(64)} ${ms(report)}, ${existsSync(out) ? kib(statSync(out).size) : ''}\n`);

  const postgres = await fillPostgres(values['postgres-url']);
  if (postgres) {
    try {
      print('PostgreSQL (the same contributions, served by coherence serve)', await measure([], { DATABASE_URL: postgres.databaseUrl }));
    } finally {
      await postgres.drop();
    }
  }
  process.stdout.write(`\nload average at the end: ${load()}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
