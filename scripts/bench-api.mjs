// `pnpm bench:api`: the Coherence API under load, as separate `coherence serve` processes on 127.0.0.1:
// one over a SQLite file, and two replicas over one PostgreSQL database (requests spread over both).
// Measures batched ingestion (contributions/s), single POST /api/contributions/github for one repository at
// fixed, open-loop rates (latency counts from each request's scheduled start, so a slow server cannot hide
// its queueing by slowing the client down), and each server process's peak RSS. Prints a table with the bars.
// Usage: pnpm bench:api [-- --contributions 50000 --rates 500,2000 --seconds 10 --replicas 2 --stores sqlite,postgres
//                         --postgres-url postgres://…]

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const { values } = parseArgs({
  options: {
    // A backfill of a large repository: ~50,000 contributions (about 40,000 commits).
    contributions: { type: 'string', default: '50000' },
    batch: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '2' },
    // The first rate carries the latency bar; the others report what the servers sustain.
    rates: { type: 'string', default: '500,2000' },
    seconds: { type: 'string', default: '10' },
    replicas: { type: 'string', default: '2' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    'postgres-url': { type: 'string', default: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const ROWS = Number(values.contributions);
const BATCH = Number(values.batch);
const CONCURRENCY = Number(values.concurrency);
const RATES = values.rates.split(',').map(Number);
const SECONDS = Number(values.seconds);
const REPLICAS = Number(values.replicas);
const BARS = { batchPerSecond: 40_000, p99Ms: 20 };
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

/** A payload as `coherence track` posts it; `repository` fixed for single posts (one team repository). */
function item(index, run, repository = `bench/repo-${index % 4}`) {
  return {
    contributor_email: `dev${index % 250}@example.com`,
    repository,
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
    /** The process's peak resident set so far (VmHWM), in MB. */
    peakRssMb() {
      const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return match ? Number(match[1]) / 1024 : NaN;
    },
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

/** Posts ROWS contributions in batches, CONCURRENCY requests in flight spread over the servers; answers contributions/s. */
async function batchIngestion(urls, run) {
  const pools = urls.map((url) => new Pool(url, { connections: CONCURRENCY }));
  try {
    // Bodies are built before the clock starts: the client's JSON work is not the server's.
    const bodies = [];
    for (let start = 0; start < ROWS; start += BATCH) {
      bodies.push(JSON.stringify({ items: Array.from({ length: Math.min(BATCH, ROWS - start) }, (_, offset) => item(start + offset, run)) }));
    }
    // One untimed batch per server first, so its code is compiled (JIT) before the clock starts.
    for (const pool of pools) {
      await post(pool, '/api/contributions/batch', JSON.stringify({ items: Array.from({ length: BATCH }, (_, index) => item(index, `${run}-warmup-${pools.indexOf(pool)}`)) }));
    }
    let next = 0;
    let created = 0;
    const started = performance.now();
    await withTimeout(
      Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, lane) => {
          while (next < bodies.length) {
            const answer = JSON.parse(await post(pools[lane % pools.length], '/api/contributions/batch', bodies[next++]));
            created += answer.created;
          }
        }),
      ),
      'batch ingestion',
    );
    const seconds = (performance.now() - started) / 1000;
    if (created !== ROWS) throw new Error(`expected ${ROWS} created, the servers created ${created}`);
    return { rows: ROWS, seconds, perSecond: ROWS / seconds };
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
}

/** Single posts for one repository at `rate` for SECONDS, open loop, alternating over the servers. */
async function singlePostLatency(urls, rate, run) {
  const pools = urls.map((url) => new Pool(url, { connections: 256 }));
  try {
    const total = rate * SECONDS;
    const bodies = Array.from({ length: total }, (_, index) => JSON.stringify(item(index, run, 'bench/one')));
    for (let index = 0; index < 200; index += 1) {
      await post(pools[index % pools.length], '/api/contributions/github', JSON.stringify(item(index, `${run}-warmup`, 'bench/one')));
    }
    collectGarbage();
    const latencies = [];
    const pending = [];
    let errors = 0;
    let firstError;
    const interval = 1000 / rate;
    const started = performance.now();
    for (let index = 0; index < total; index += 1) {
      const scheduled = started + index * interval;
      const wait = scheduled - performance.now();
      if (wait > 1) await new Promise((resolveWait) => setTimeout(resolveWait, wait));
      pending.push(
        post(pools[index % pools.length], '/api/contributions/github', bodies[index]).then(
          () => latencies.push(performance.now() - scheduled),
          (error) => {
            errors += 1;
            firstError ??= error.message;
          },
        ),
      );
    }
    await withTimeout(Promise.all(pending), 'latency run');
    const elapsed = (performance.now() - started) / 1000;
    const measured = latencies.sort((a, b) => a - b);
    const at = (quantile) => measured[Math.min(measured.length - 1, Math.floor(quantile * measured.length))] ?? NaN;
    return { rate, requests: total, errors, firstError, achieved: latencies.length / elapsed, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: measured.at(-1) ?? NaN };
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
}

/** Every measurement against one store: batch ingestion, then single posts at each rate; then peak RSS. */
async function measure(servers, label) {
  const urls = await Promise.all(servers.map((server) => server.url));
  process.stderr.write(`${label}: batch ingestion …\n`);
  const batch = await batchIngestion(urls, `${label}-batch`);
  const latency = [];
  for (const rate of RATES) {
    process.stderr.write(`${label}: single posts at ${rate}/s …\n`);
    latency.push(await singlePostLatency(urls, rate, `${label}-single-${rate}`));
  }
  return { batch, latency, rss: servers.map((server) => server.peakRssMb()) };
}

async function sqlitePhase() {
  const dir = mkdtempSync(join(tmpdir(), 'coherence-bench-api-'));
  const server = startServer({ args: ['--db', join(dir, 'bench.db')] });
  try {
    return await measure([server], 'SQLite');
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** REPLICAS servers on one new PostgreSQL schema (dropped afterwards). */
async function postgresPhase() {
  const admin = new pg.Client({ connectionString: values['postgres-url'], connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (error) {
    return { skipped: `not reachable at ${values['postgres-url']} (${error.message})` };
  }
  const schema = `coherence_bench_${process.pid}`;
  await admin.query(`CREATE SCHEMA "${schema}"`);
  const databaseUrl = new URL(values['postgres-url']);
  databaseUrl.searchParams.set('options', `-c search_path=${schema}`);
  // The first server creates the schema and migrates it; the others find it done.
  const servers = [startServer({ args: [], databaseUrl: databaseUrl.toString() })];
  try {
    await servers[0].url;
    for (let index = 1; index < REPLICAS; index += 1) servers.push(startServer({ args: [], databaseUrl: databaseUrl.toString() }));
    return await measure(servers, 'PostgreSQL');
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}

const format = (value, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–';
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');

function table(sqlite, postgres) {
  const cell = (result, render) => (result.skipped ? 'skipped' : render(result));
  const rows = [
    [
      `batch ingestion (${BATCH}/request, ${CONCURRENCY} in flight)`,
      ...[sqlite, postgres].map((result) => cell(result, ({ batch }) => `${format(batch.perSecond)}/s ${verdict(batch.perSecond >= BARS.batchPerSecond)}`)),
      `≥ ${format(BARS.batchPerSecond)}/s`,
    ],
  ];
  RATES.forEach((rate, index) => {
    const barred = index === 0;
    rows.push([
      `single posts, one repository, ${format(rate)}/s for ${SECONDS} s`,
      ...[sqlite, postgres].map((result) =>
        cell(result, ({ latency }) => {
          const run = latency[index];
          const figures = `achieved ${format(run.achieved)}/s, p50 ${format(run.p50, 1)} p90 ${format(run.p90, 1)} p99 ${format(run.p99, 1)} max ${format(run.max, 0)} ms, ${run.errors} errors`;
          return barred ? `${figures} ${verdict(run.p99 <= BARS.p99Ms && run.errors === 0)}` : figures;
        }),
      ),
      barred ? `p99 ≤ ${BARS.p99Ms} ms, 0 errors` : 'reported',
    ]);
  });
  rows.push([
    'peak RSS per server process',
    ...[sqlite, postgres].map((result) => cell(result, ({ rss }) => rss.map((mb) => `${format(mb, 1)} MB`).join(', '))),
    '',
  ]);
  const head = ['measurement', 'SQLite (1 server)', `PostgreSQL (${REPLICAS} servers, one database)`, 'bar'];
  const widths = head.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells) => `| ${cells.map((text, column) => text.padEnd(widths[column])).join(' | ')} |`;
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

const load = loadavg().map((value) => value.toFixed(2)).join(' ');
process.stderr.write(`benchmarking ${cli} serve on 127.0.0.1 (${availableParallelism()} CPUs, load average ${load}) …\n`);
const stores = values.stores.split(',');
const sqlite = stores.includes('sqlite') ? await sqlitePhase() : { skipped: 'not asked for (--stores)' };
const postgres = stores.includes('postgres') ? await postgresPhase() : { skipped: 'not asked for (--stores)' };
process.stdout.write(`\n${table(sqlite, postgres)}\n`);
for (const [name, result] of [['SQLite', sqlite], ['PostgreSQL', postgres]]) {
  if (result.skipped) process.stdout.write(`${name} skipped: ${result.skipped}\n`);
  for (const run of result.latency ?? []) if (run.firstError) process.stdout.write(`${name} at ${run.rate}/s, first error: ${run.firstError}\n`);
}
process.stdout.write(`machine: ${availableParallelism()} CPUs, load average before the run ${load}, after ${loadavg().map((value) => value.toFixed(2)).join(' ')}\n`);
