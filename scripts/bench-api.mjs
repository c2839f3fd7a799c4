// `pnpm bench:api`: the Coherence API under load, as a separate `coherence serve` process on 127.0.0.1.
// Measures batched ingestion (contributions/s) into SQLite and into PostgreSQL, and the latency of single
// POST /api/contributions/github at a fixed, open-loop rate (latency counts from each request's scheduled
// start, so a slow server cannot hide its queueing by slowing the client down).
// Usage: pnpm bench:api [-- --contributions 50000 --rate 500 --seconds 10 --postgres-url postgres://…]

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const { values } = parseArgs({
  options: {
    // A backfill of a large repository: ~50,000 contributions (about 40,000 commits).
    contributions: { type: 'string', default: '50000' },
    'postgres-contributions': { type: 'string', default: '50000' },
    batch: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '2' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    'postgres-url': { type: 'string', default: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const SQLITE_ROWS = Number(values.contributions);
const POSTGRES_ROWS = Number(values['postgres-contributions']);
const BATCH = Number(values.batch);
const CONCURRENCY = Number(values.concurrency);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const BARS = { sqliteBatch: 20_000, postgresBatch: 5_000, p99Ms: 20 };
const PHASE_TIMEOUT_MS = 120_000;

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'packages/cli/dist/cli.js');
// undici is the CLI's HTTP client and pg the API's driver; the bench borrows them from those packages.
const { Pool } = createRequire(join(root, 'packages/cli/package.json'))('undici');
const pg = createRequire(join(root, 'packages/api/package.json'))('pg');

const API_KEY = 'bench-key';

// The latency clock runs in this process, so a garbage collection here would count against the server:
// collect before each latency run (gc() is reachable without --expose-gc through this V8 flag).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');
const hash = (label) => createHash('sha1').update(label).digest('hex');

function item(index, run) {
  return {
    contributor_email: `dev${index % 250}@example.com`,
    repository: `bench/repo-${index % 4}`,
    commit_hash: hash(`${run}:${index}`),
    cost_amount: 0.85,
    metadata: {
      files_changed: 1 + (index % 12),
      lines_added: (index * 37) % 900,
      lines_deleted: (index * 11) % 300,
      binary_files: 0,
      has_tests: index % 3 === 0,
      has_docs: index % 7 === 0,
      contributor_name: `Developer ${index % 250}`,
      role: 'author',
      timestamp: new Date(Date.UTC(2023, 0, 1) + index * 60_000).toISOString(),
      subject: `Change number ${index}`,
      parents: [hash(`${run}:${index - 1}`)],
      cost_basis: 'numstat',
      credited: 1,
      share_index: 0,
    },
  };
}

/** Starts `coherence serve --port 0` and resolves once it prints its URL. */
function startServer(env) {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--host', '127.0.0.1', ...env.args], {
    env: { ...process.env, COHERENCE_API_KEYS: API_KEY, COHERENCE_READ_KEY: '', DATABASE_URL: env.databaseUrl ?? '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${stderr}`)), 15_000);
    child.stderr.on('data', (chunk) => {
      // Keep only the start-up lines: the per-request log would grow without bound.
      if (stderr.length < 10_000) stderr += chunk;
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${stderr}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function post(pool, path, body) {
  const response = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': API_KEY }, body });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${path} answered ${response.statusCode}: ${text.slice(0, 300)}`);
  return text;
}

function withTimeout(promise, label) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${label} took longer than ${PHASE_TIMEOUT_MS / 1000} s`)), PHASE_TIMEOUT_MS);
    }),
  ]);
}

/** Posts `rows` contributions in batches, `CONCURRENCY` requests in flight; answers contributions/s. */
async function batchIngestion(url, rows, run) {
  const pool = new Pool(url, { connections: CONCURRENCY });
  try {
    // Bodies are built before the clock starts: the client's JSON work is not the server's.
    const bodies = [];
    for (let start = 0; start < rows; start += BATCH) {
      bodies.push(JSON.stringify({ items: Array.from({ length: Math.min(BATCH, rows - start) }, (_, offset) => item(start + offset, run)) }));
    }
    // One untimed batch first, so the server's code is compiled (JIT) before the clock starts.
    await post(pool, '/api/contributions/batch', JSON.stringify({ items: Array.from({ length: BATCH }, (_, index) => item(index, `${run}-warmup`)) }));
    let next = 0;
    let created = 0;
    const started = performance.now();
    await withTimeout(
      Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < bodies.length) {
            const answer = JSON.parse(await post(pool, '/api/contributions/batch', bodies[next++]));
            created += answer.created;
          }
        }),
      ),
      'batch ingestion',
    );
    const seconds = (performance.now() - started) / 1000;
    if (created !== rows) throw new Error(`expected ${rows} created, the server created ${created}`);
    return { rows, seconds, perSecond: rows / seconds };
  } finally {
    await pool.close();
  }
}

/** Single posts at a fixed rate for a fixed time, open loop; answers latency percentiles in ms. */
async function singlePostLatency(url, run) {
  const pool = new Pool(url, { connections: 128 });
  try {
    const total = RATE * SECONDS;
    const bodies = Array.from({ length: total }, (_, index) => JSON.stringify(item(index, run)));
    for (let index = 0; index < 200; index += 1) await post(pool, '/api/contributions/github', JSON.stringify(item(index, `${run}-warmup`)));
    collectGarbage();
    const latencies = new Array(total);
    let answered = 0;
    const pending = [];
    let errors = 0;
    const interval = 1000 / RATE;
    const started = performance.now();
    for (let index = 0; index < total; index += 1) {
      const scheduled = started + index * interval;
      const wait = scheduled - performance.now();
      if (wait > 1) await new Promise((resolveWait) => setTimeout(resolveWait, wait));
      pending.push(
        post(pool, '/api/contributions/github', bodies[index]).then(
          () => (latencies[answered++] = performance.now() - scheduled),
          () => (errors += 1),
        ),
      );
    }
    await withTimeout(Promise.all(pending), 'latency run');
    const achieved = total / ((performance.now() - started) / 1000);
    const measured = latencies.slice(0, answered).sort((a, b) => a - b);
    const at = (quantile) => measured[Math.min(measured.length - 1, Math.floor(quantile * measured.length))];
    return { requests: total, errors, achieved, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: measured.at(-1) };
  } finally {
    await pool.close();
  }
}

const format = (value, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
const results = [];

/** Runs `measure` against a fresh `coherence serve` over a new SQLite file. */
async function withSqliteServer(measure) {
  const dir = mkdtempSync(join(tmpdir(), 'coherence-bench-api-'));
  const server = startServer({ args: ['--db', join(dir, 'bench.db')] });
  try {
    return await measure(await server.url);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `measure` against a fresh `coherence serve` over a new PostgreSQL schema (dropped afterwards). */
async function withPostgresServer(admin, label, measure) {
  const schema = `coherence_bench_${process.pid}_${label}`;
  await admin.query(`CREATE SCHEMA "${schema}"`);
  const databaseUrl = new URL(values['postgres-url']);
  databaseUrl.searchParams.set('options', `-c search_path=${schema}`);
  const server = startServer({ args: [], databaseUrl: databaseUrl.toString() });
  try {
    return await measure(await server.url);
  } finally {
    await server.stop();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

const latencyLine = (store, latency, bar) =>
  `${store.padEnd(11)} single POST /api/contributions/github at ${RATE} req/s for ${SECONDS} s (achieved ${format(latency.achieved)} req/s, ${latency.errors} errors): ` +
  `p50 ${format(latency.p50, 2)} ms, p90 ${format(latency.p90, 2)} ms, p99 ${format(latency.p99, 2)} ms, max ${format(latency.max, 2)} ms` +
  (bar ? `   bar p99 ≤ ${BARS.p99Ms} ms: ${verdict(latency.p99 <= BARS.p99Ms && latency.errors === 0)}` : '   (no bar)');

const batchLine = (store, batch, bar) =>
  `${store.padEnd(11)} batch ingestion   ${format(batch.perSecond)} contributions/s (${format(batch.rows)} in ${format(batch.seconds, 2)} s, ${BATCH} per request, ${CONCURRENCY} in flight)   bar ≥ ${format(bar)}/s: ${verdict(batch.perSecond >= bar)}`;

// Each measurement gets a server and database of its own, so one does not inherit the other's backlog.
async function sqlitePhase() {
  const batch = await withSqliteServer((url) => batchIngestion(url, SQLITE_ROWS, 'sqlite'));
  results.push(batchLine('SQLite', batch, BARS.sqliteBatch));
  const latency = await withSqliteServer((url) => singlePostLatency(url, 'sqlite-single'));
  results.push(latencyLine('SQLite', latency, true));
}

async function postgresPhase() {
  const admin = new pg.Client({ connectionString: values['postgres-url'], connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (error) {
    results.push(`PostgreSQL  SKIPPED: not reachable at ${values['postgres-url']} (${error.message})`);
    return;
  }
  try {
    const batch = await withPostgresServer(admin, 'batch', (url) => batchIngestion(url, POSTGRES_ROWS, 'postgres'));
    results.push(batchLine('PostgreSQL', batch, BARS.postgresBatch));
    const latency = await withPostgresServer(admin, 'single', (url) => singlePostLatency(url, 'postgres-single'));
    results.push(latencyLine('PostgreSQL', latency, false));
  } finally {
    await admin.end();
  }
}

process.stderr.write(`benchmarking ${cli} serve on 127.0.0.1 …\n`);
await sqlitePhase();
await postgresPhase();
process.stdout.write(`\n${results.join('\n')}\n`);
