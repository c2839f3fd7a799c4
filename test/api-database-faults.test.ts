// PostgreSQL failing under load: connections killed mid-request, the database refusing connections for a
// while, a statement running too long. Two real `coherence serve` processes on a database of this test's
// own (the only one whose connections it terminates): requests in flight answer 503 with Retry-After,
// never 500; nothing acknowledged is lost; the servers recover by themselves.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, connectPostgres, hashFor, kindTitle, payload, POSTGRES_URL } from '../packages/api/test/harness.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const postgres = STORE_KINDS.find((kind) => kind.name === 'postgres')!;
const API_KEY = 'fault-key';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  commit: string;
  status: number;
  retryAfter: string | null;
}

describe.skipIf(postgres.skipReason !== undefined)(kindTitle(postgres, 'database faults under load'), () => {
  const database = `coherence_faults_${process.pid}_${randomBytes(3).toString('hex')}`;
  let admin: Awaited<ReturnType<typeof connectPostgres>>;
  let databaseUrl: string;
  const servers: ServerProcess[] = [];

  /** Ends every connection to this test's own database but the admin's (which is on another database). */
  const terminate = () =>
    admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);

  beforeAll(async () => {
    admin = await connectPostgres();
    await admin.query(`CREATE DATABASE "${database}"`);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${database}`;
    databaseUrl = url.toString();
  });

  afterAll(async () => {
    for (const server of servers.splice(0)) await server.kill();
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`).catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  });

  it('answers 503 with Retry-After while connections die or are refused, loses nothing acknowledged, and recovers', async () => {
    const env = { COHERENCE_API_KEYS: API_KEY, DATABASE_URL: databaseUrl, COHERENCE_PG_POOL_SIZE: '4' };
    servers.push(...(await Promise.all([startServerProcess([], env), startServerProcess([], env)])));
    const answers: Answer[] = [];
    let next = 0;
    let running = true;
    const post = async (index: number): Promise<Answer> => {
      const commit = hashFor(`fault-${index}`);
      const response = await fetch(`${servers[index % 2]!.url}/api/contributions/github`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        body: JSON.stringify(payload({ commit_hash: commit, contributor_email: `dev${index % 5}@example.com`, metadata: { lines_added: 5 + (index % 300) } })),
      });
      await response.arrayBuffer();
      return { commit, status: response.status, retryAfter: response.headers.get('retry-after') };
    };
    const load = Promise.all(
      Array.from({ length: 12 }, async () => {
        while (running) {
          answers.push(await post(next++));
          await sleep(2);
        }
      }),
    );
    const ready = async (server: ServerProcess) => {
      const response = await fetch(`${server.url}/api/ready`).catch((error) => {
        throw new Error(`${server.url} did not answer (${String(error)}); its log:\n${server.stderr().split('\n').filter((line) => !/ (200|201|503) /.test(line)).join('\n')}`);
      });
      await response.arrayBuffer();
      return { status: response.status, retryAfter: response.headers.get('retry-after') };
    };

    // Connections killed mid-load, again and again.
    await sleep(300);
    for (let round = 0; round < 10; round += 1) {
      await terminate();
      await sleep(80);
    }
    // The database refusing every connection for a while (as during a restart).
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
    await terminate();
    await sleep(700);
    for (const server of servers) expect(await ready(server)).toEqual({ status: 503, retryAfter: '1' });
    const duringOutage = answers.length;
    await sleep(300);
    expect(answers.slice(duringOutage).some((answer) => answer.status === 503)).toBe(true);

    // Back: each server finds the database again on its own.
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
    for (const server of servers) {
      const until = Date.now() + 10_000;
      while ((await ready(server)).status !== 200 && Date.now() < until) await sleep(100);
      expect((await ready(server)).status).toBe(200);
    }
    const recovered = answers.length;
    await sleep(500);
    running = false;
    await load;

    expect(servers.map((server) => server.internalErrors()).join('')).toBe('');
    expect(answers.filter((answer) => ![200, 201, 503].includes(answer.status))).toEqual([]);
    for (const answer of answers.filter((one) => one.status === 503)) expect(answer.retryAfter).toBe('1');
    const afterRecovery = answers.slice(recovered + 12);
    expect(afterRecovery.length).toBeGreaterThan(0);
    expect(afterRecovery.every((answer) => answer.status === 201)).toBe(true);

    const client = await connectPostgres(databaseUrl);
    try {
      const { rows } = await client.query<{ commit_hash: string }>('SELECT commit_hash FROM contributions');
      const stored = new Set(rows.map((row) => row.commit_hash));
      const acknowledged = answers.filter((answer) => answer.status === 201 || answer.status === 200);
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(acknowledged.filter((answer) => !stored.has(answer.commit))).toEqual([]);
      const totals = await client.query<{ total: string; sum: string }>(
        `SELECT t.total_cost_cents AS total, (SELECT SUM(cost_cents) FROM contributions c WHERE c.asset_id = t.asset_id) AS sum FROM asset_totals t`,
      );
      for (const row of totals.rows) expect(row.total).toBe(row.sum);
    } finally {
      await client.end();
    }
    for (const server of servers) expect(server.stderr()).not.toMatch(/internal error/);
  });

  it('bounds every statement: one stuck behind a lock answers 503, and the next succeeds', async () => {
    for (const server of servers.splice(0)) await server.stop();
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
    const env = { COHERENCE_API_KEYS: API_KEY, DATABASE_URL: databaseUrl, COHERENCE_PG_STATEMENT_TIMEOUT_MS: '300' };
    const server = await startServerProcess([], env);
    servers.push(server);
    const post = (label: string) =>
      fetch(`${server.url}/api/contributions/github`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        body: JSON.stringify(payload({ commit_hash: hashFor(label) })),
      });
    expect((await post('before-lock')).status).toBe(201);
    const locker = await connectPostgres(databaseUrl);
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE contributions IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const blocked = await post('behind-lock');
      expect(blocked.status).toBe(503);
      expect(blocked.headers.get('retry-after')).toBe('1');
      expect((await blocked.json()).error.code).toBe('not_ready');
      expect(Date.now() - started).toBeLessThan(5_000);
      await locker.query('ROLLBACK');
    } finally {
      await locker.end();
    }
    expect((await post('behind-lock')).status).toBe(201);
  });
});
