// `coherence serve` as a user runs it: the built CLI in its own process, on an ephemeral port, over the
// SQLite file or PostgreSQL (DATABASE_URL), stopped by a signal. Needs `pnpm build` (pnpm test runs it).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_PATH, cliEnvironment } from './support/cli.js';
import { STORE_KINDS, hashFor, kindTitle, payload, queryPostgres, readJson, type StoreHandle } from '../packages/api/test/harness.js';

interface ServeProcess {
  child: ChildProcess;
  stderr: () => string;
  /** Resolves with the URL from the "listening on" line. */
  listening: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function serve(args: string[], env: NodeJS.ProcessEnv): ServeProcess {
  expect(existsSync(CLI_PATH), `${CLI_PATH} is missing: run pnpm build`).toBe(true);
  const child = spawn(process.execPath, [CLI_PATH, 'serve', '--port', '0', ...args], { env: cliEnvironment(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const listening = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /^listening on (http:\/\/\S+)$/m.exec(stderr);
      if (match) resolve(match[1]!);
    });
    void exited.then(({ code }) => reject(new Error(`serve exited (${code}) before listening:\n${stderr}`)));
  });
  listening.catch(() => {});
  return { child, stderr: () => stderr, listening, exited };
}

const KEYS = { COHERENCE_API_KEYS: 'first-key, second-key', COHERENCE_READ_KEY: 'the-read-key', COHERENCE_WEBHOOK_SECRET: 'the-webhook-secret' };

let dir: string;
const running: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coherence-serve-'));
});
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('coherence serve', () => {
  it('serves the SQLite file, logs each request without keys, and stops cleanly on SIGTERM', async () => {
    const db = join(dir, 'data', 'coherence.db');
    const first = serve(['--db', db], KEYS);
    running.push(first.child);
    const url = await first.listening;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const body = JSON.stringify(payload({ commit_hash: hashFor('serve') }));
    const headers = { 'content-type': 'application/json', 'x-api-key': 'second-key' };
    expect((await fetch(`${url}/api/contributions/github`, { method: 'POST', headers, body })).status).toBe(201);
    expect((await fetch(`${url}/api/contributions`)).status).toBe(401);
    expect((await fetch(`${url}/api/contributions`, { headers: { 'x-api-key': 'the-read-key' } })).status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    const log = first.stderr();
    // Not a terminal: JSON lines.
    expect(log).toMatch(/^\{"level":"info",.*"method":"POST","path":"\/api\/contributions\/github","route":"\/api\/contributions\/github","status":201,/m);
    expect(log).toMatch(/^\{.*"method":"GET","path":"\/api\/contributions",.*"status":401,/m);
    expect(log).toMatch(/stopped/);
    expect(log).not.toMatch(/first-key|second-key|the-read-key|the-webhook-secret/);

    const second = serve(['--db', db], KEYS);
    running.push(second.child);
    const again = await second.listening;
    const listed = await readJson(await fetch(`${again}/api/contributions`, { headers: { 'x-api-key': 'first-key' } }));
    expect(listed.items.map((item: { commit_hash: string }) => item.commit_hash)).toEqual([hashFor('serve')]);
    second.child.kill('SIGINT');
    expect((await second.exited).code).toBe(0);
  });

  it('refuses a non-loopback host without API keys (exit 1), before touching the database', async () => {
    const db = join(dir, 'never.db');
    const refused = serve(['--host', '0.0.0.0', '--db', db], {});
    running.push(refused.child);
    expect((await refused.exited).code).toBe(1);
    expect(refused.stderr()).toMatch(/refusing to serve on 0\.0\.0\.0 without API keys/);
    expect(existsSync(db)).toBe(false);
  });

  it('refuses a DATABASE_URL that is not PostgreSQL, and a bad port', async () => {
    const mysql = serve(['--db', join(dir, 'x.db')], { DATABASE_URL: 'mysql://root:hunter2@localhost/db' });
    running.push(mysql.child);
    expect((await mysql.exited).code).toBe(1);
    expect(mysql.stderr()).toMatch(/DATABASE_URL must be a postgres:\/\/ URL/);
    expect(mysql.stderr()).not.toContain('hunter2');
    const port = spawn(process.execPath, [CLI_PATH, 'serve', '--port', 'http'], { env: cliEnvironment(), stdio: 'ignore' });
    expect(await new Promise((resolve) => port.once('exit', resolve))).toBe(2);
  });
});

const postgres = STORE_KINDS.find((kind) => kind.name === 'postgres')!;

describe.skipIf(postgres.skipReason !== undefined)(kindTitle(postgres, 'coherence serve with DATABASE_URL'), () => {
  let handle: StoreHandle;
  beforeEach(async () => {
    handle = await postgres.open(); // a fresh schema; the server reaches it through DATABASE_URL's search_path
    await handle.store.close();
  });
  afterEach(async () => {
    await handle.dispose();
  });

  it('uses PostgreSQL and keeps the data there', async () => {
    const server = serve(['--db', join(dir, 'unused.db')], { ...KEYS, DATABASE_URL: handle.env.databaseUrl });
    running.push(server.child);
    const url = await server.listening;
    expect(server.stderr()).toMatch(/serving PostgreSQL/);
    const body = JSON.stringify(payload({ commit_hash: hashFor('pg-serve') }));
    const response = await fetch(`${url}/api/contributions/github`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'first-key' }, body });
    expect(response.status).toBe(201);
    expect(await readJson(await fetch(`${url}/api/ready`))).toEqual({ status: 'ready', database: 'postgres' });
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    const rows = await queryPostgres<{ commit_hash: string; cost_cents: string; cost_amount: string }>(
      handle.env.databaseUrl!,
      'SELECT commit_hash, cost_cents, cost_amount FROM contributions',
    );
    expect(rows).toEqual([{ commit_hash: hashFor('pg-serve'), cost_cents: '85', cost_amount: '0.85' }]);
    expect(existsSync(join(dir, 'unused.db'))).toBe(false);
  });
});
