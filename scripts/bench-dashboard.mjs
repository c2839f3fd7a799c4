// `pnpm bench:dashboard`: how fast the dashboard opens on a large database. Fills a SQLite file with
// 100,000 contributions (60 people, 6 repositories, three years, one in five commits co-authored),
// serves it with `coherence serve`, and times GET /api/insight for the whole database and for one
// repository (median of several runs after one warm-up), then, when Chromium is installed, the page
// from navigation to drawn charts. Also times `coherence report --format html` on the same file, and
// the same figures from PostgreSQL (a schema of its own, dropped afterwards) when it is reachable.
// Usage: pnpm bench:dashboard [-- --contributions 100000 --runs 5 --postgres-url postgres://…]

import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
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
const { buildInsight, openPostgresStore, openSqliteStore, toStoreRow } = await import(join(root, 'packages/api/dist/index.js'));
const { recordFromPayload } = await import(join(root, 'packages/core/dist/index.js'));

const dir = mkdtempSync(join(tmpdir(), 'coherence-bench-dashboard-'));
const db = join(dir, 'dashboard.db');
const hash = (label) => createHash('sha1').update(label).digest('hex');
const START = Date.parse('2023-01-02T00:00:00Z');
const SPAN = 3 * 365 * 86_400_000;

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

function fill() {
  const store = openSqliteStore(db);
  const commits = generate((batch) => store.storeRows(batch.map(toStoreRow)));
  store.closeSync();
  return commits;
}

/** buildInsight on PostgreSQL, in process: the whole database and one repository. */
async function timePostgres(url) {
  const pg = (await import(createRequire(join(root, 'packages/api/package.json')).resolve('pg'))).default;
  const schema = `coherence_bench_dashboard_${process.pid}`;
  let store;
  try {
    store = await openPostgresStore({ connectionString: url, schema });
  } catch (error) {
    process.stderr.write(`PostgreSQL skipped: ${error.message}\n`);
    return undefined;
  }
  try {
    const pending = [];
    generate((batch) => pending.push(batch));
    for (const batch of pending) for (let start = 0; start < batch.length; start += 1000) await store.ingestIds(batch.slice(start, start + 1000));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`VACUUM ANALYZE "${schema}".contributions`);
    await client.end();
    const timed = async (selection) => {
      await buildInsight(store, selection);
      const runs = [];
      for (let run = 0; run < RUNS; run += 1) {
        const started = performance.now();
        await buildInsight(store, selection);
        runs.push(performance.now() - started);
      }
      return median(runs);
    };
    return { whole: await timed({}), one: await timed({ repository: 'bench/repo-3' }) };
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

function serve() {
  const child = spawn(process.execPath, [cli, 'serve', '--db', db, '--port', '0', '--log-format', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
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

async function time(url) {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  if (!response.ok) throw new Error(`${response.status}: ${body}`);
  return { ms: performance.now() - started, bytes: Buffer.byteLength(body) };
}

async function timeRequests(url) {
  await time(url); // warm-up: the page cache and the statement cache
  const runs = [];
  for (let run = 0; run < RUNS; run += 1) runs.push(await time(url));
  return { ms: median(runs.map((run) => run.ms)), bytes: runs[0].bytes };
}

function chromiumPath() {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {}
  }
  return undefined;
}

async function timePage(url) {
  const executablePath = chromiumPath();
  if (!executablePath) return undefined;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  try {
    const times = [];
    for (let run = 0; run <= RUNS; run += 1) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const started = performance.now();
      await page.goto(url);
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
      if (run > 0) times.push(performance.now() - started);
      await page.close();
    }
    return median(times);
  } finally {
    await browser.close();
  }
}

try {
  let started = performance.now();
  const commits = fill();
  process.stderr.write(`filled ${db}: ${TARGET} contributions, ${commits} commits in ${((performance.now() - started) / 1000).toFixed(1)} s (${(statSync(db).size / 1048576).toFixed(0)} MiB)\n`);
  const { url, child } = await serve();
  try {
    const whole = await timeRequests(`${url}/api/insight`);
    const one = await timeRequests(`${url}/api/insight?repository=bench/repo-3`);
    const ranged = await timeRequests(`${url}/api/insight?since=2025-01-01&until=2025-07-01`);
    const page = await timePage(`${url}/`);
    started = performance.now();
    const out = join(dir, 'report.html');
    execFileSync(process.execPath, [cli, 'report', '--db', db, '--format', 'html', '--out', out], { stdio: 'ignore' });
    const report = performance.now() - started;
    const postgres = await timePostgres(values['postgres-url']);
    const rows = [
      ['GET /api/insight (everything)', whole.ms, `${(whole.bytes / 1024).toFixed(0)} KiB`],
      ['GET /api/insight?repository=…', one.ms, `${(one.bytes / 1024).toFixed(0)} KiB`],
      ['GET /api/insight?since=…&until=… (6 months)', ranged.ms, `${(ranged.bytes / 1024).toFixed(0)} KiB`],
      ...(page === undefined ? [] : [['dashboard page, navigation to charts drawn (Chromium)', page, '']]),
      ['coherence report --format html (whole process)', report, existsSync(out) ? `${(statSync(out).size / 1024).toFixed(0)} KiB` : ''],
      ...(postgres === undefined
        ? []
        : [
            ['PostgreSQL: the same figures (everything, in process)', postgres.whole, ''],
            ['PostgreSQL: one repository (in process)', postgres.one, ''],
          ]),
    ];
    process.stdout.write(`\n${TARGET.toLocaleString('en-US')} contributions, median of ${RUNS} runs after a warm-up (bar: page open ≤ ${BAR_MS} ms)\n`);
    for (const [what, ms, size] of rows) process.stdout.write(`${what.padEnd(56)} ${ms.toFixed(0).padStart(6)} ms  ${size}\n`);
    if (page === undefined) process.stdout.write('(no Chromium found: the page was not timed)\n');
  } finally {
    child.kill('SIGTERM');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
