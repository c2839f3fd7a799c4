// The CLI's posting path against the real API server: the same rows as a local backfill, idempotent
// re-runs, an outage mid-run that leaves the rest in the spool, and `flush` completing it.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildLongHistory, buildStandardRepo, type GitFixture, type StandardRepo } from './support/git-fixture.js';
import { expectOneLineError, runCli } from './support/cli.js';
import { committedRows, databaseContent } from './support/database.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const API_KEY = 'cli-test-key-123';
let repo: StandardRepo;
let workDir: string;
const servers: ServerProcess[] = [];

beforeAll(() => {
  repo = buildStandardRepo();
  workDir = mkdtempSync(join(tmpdir(), 'coherence-cli-api-'));
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.kill();
});
afterAll(() => {
  repo?.cleanup();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function serve(db: string): Promise<ServerProcess> {
  const server = await startServerProcess(['--db', db], { COHERENCE_API_KEYS: API_KEY });
  servers.push(server);
  return server;
}


describe('coherence track --api-url', () => {
  it('stores through the API exactly the rows a local backfill stores', async () => {
    const local = join(workDir, 'local.db');
    expect((await runCli(['track', '--repo', repo.dir, '--db', local, '--json'])).code).toBe(0);

    const remote = join(workDir, 'remote.db');
    const server = await serve(remote);
    const spool = join(workDir, 'spool-1.ndjson');
    const posted = await runCli(['track', '--repo', repo.dir, '--api-url', server.url, '--spool', spool, '--json'], {
      env: { COHERENCE_API_KEY: API_KEY },
    });
    expect(posted.code).toBe(0);
    const summary = JSON.parse(posted.stdout);
    expect(summary).toMatchObject({ target: server.url, pending: 0, duplicates: 0 });
    expect(summary.created).toBe(summary.contributions);
    expect(existsSync(spool)).toBe(false);
    await server.stop();
    expect(databaseContent(remote)).toBe(databaseContent(local));
    expect(server.stderr()).not.toContain(API_KEY);
  });

  it('splits posts that would pass the API\'s 1 MiB limit, however long the subjects', { timeout: 60_000 }, async () => {
    // 1,200 commits whose payloads are ~3 KB each: 1,000 of them would be a ~3 MB request (a 413).
    const long = buildLongHistory(1200, { subjectLength: 1500 });
    try {
      const remote = join(workDir, 'long-subjects.db');
      const server = await serve(remote);
      const posted = await runCli(['track', '--repo', long.dir, '--api-url', server.url, '--api-key', API_KEY, '--spool', join(workDir, 'spool-long.ndjson'), '--json']);
      expect(posted.code, posted.stderr).toBe(0);
      expect(JSON.parse(posted.stdout)).toMatchObject({ contributions: 1200, created: 1200, pending: 0 });
      expect(committedRows(remote)).toBe(1200);
    } finally {
      long.cleanup();
    }
  });

  it('is idempotent: posting the same history again creates nothing', async () => {
    const remote = join(workDir, 'again.db');
    const server = await serve(remote);
    const args = ['track', '--repo', repo.dir, '--api-url', server.url, '--api-key', API_KEY, '--spool', join(workDir, 'spool-2.ndjson'), '--json'];
    const first = JSON.parse((await runCli(args)).stdout);
    const second = JSON.parse((await runCli(args)).stdout);
    expect(second).toMatchObject({ created: 0, duplicates: first.created, pending: 0 });
    expect(committedRows(remote)).toBe(first.created);
  });

  it('refuses a wrong key with one clear line, keeping the batch in the spool', async () => {
    const server = await serve(join(workDir, 'auth.db'));
    const spool = join(workDir, 'spool-auth.ndjson');
    const result = await runCli(['track', '--repo', repo.dir, '--api-url', server.url, '--api-key', 'wrong-key-999', '--spool', spool]);
    expect(result.code).toBe(1);
    const line = expectOneLineError(result);
    expect(line).toMatch(/403/);
    expect(line).not.toContain('wrong-key-999');
    expect(readFileSync(spool, 'utf8').trim().split('\n').length).toBeGreaterThan(0);
  });

  it('rejects a malformed --api-url as a usage error', async () => {
    const result = await runCli(['track', '--repo', repo.dir, '--api-url', 'ftp://nope']);
    expect(result.code).toBe(2);
    expect(expectOneLineError(result)).toMatch(/api-url/);
  });
});

describe('an API outage mid-run', () => {
  let history: GitFixture;
  beforeAll(() => {
    history = buildLongHistory(1500);
  });
  afterAll(() => history?.cleanup());

  it('spools what could not be sent, says so, and `flush` completes it', async () => {
    const local = join(workDir, 'outage-local.db');
    expect((await runCli(['track', '--repo', history.dir, '--db', local])).code).toBe(0);

    const remote = join(workDir, 'outage-remote.db');
    const server = await serve(remote);
    const spool = join(workDir, 'outage-spool.ndjson');
    const env = { COHERENCE_API_KEY: API_KEY, COHERENCE_BATCH_ROWS: '50' };
    let killed = false;
    const run = await runCli(['track', '--repo', history.dir, '--api-url', server.url, '--spool', spool, '--json', '--jobs', '1'], {
      env,
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (committedRows(remote) > 0) {
            clearInterval(poll);
            killed = true;
            void server.kill();
          }
        }, 5);
        child.on('close', () => clearInterval(poll));
      },
    });
    expect(killed).toBe(true);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout);
    const stored = committedRows(remote);
    expect(summary.pending).toBeGreaterThan(0);
    expect(summary.created + summary.pending).toBe(summary.contributions);
    expect(readFileSync(spool, 'utf8').trim().split('\n')).toHaveLength(summary.pending);
    expect(stored).toBeLessThan(summary.contributions);

    const restarted = await serve(remote);
    const flushed = await runCli(['flush', '--api-url', restarted.url, '--spool', spool, '--json'], { env });
    expect(flushed.code).toBe(0);
    expect(JSON.parse(flushed.stdout)).toMatchObject({ sent: summary.pending, pending: 0, rejected: 0 });
    expect(existsSync(spool)).toBe(false);
    await restarted.stop();
    expect(databaseContent(remote)).toBe(databaseContent(local));
  });

  it('flush against an API that is still down keeps everything', async () => {
    const spool = join(workDir, 'down-spool.ndjson');
    const server = await serve(join(workDir, 'down.db'));
    const url = server.url;
    await server.kill();
    const run = await runCli(['track', '--repo', repo.dir, '--api-url', url, '--spool', spool, '--json'], { env: { COHERENCE_API_KEY: API_KEY } });
    expect(run.code).toBe(1);
    const pending = JSON.parse(run.stdout).pending;
    const flushed = await runCli(['flush', '--api-url', url, '--spool', spool, '--json'], { env: { COHERENCE_API_KEY: API_KEY } });
    expect(flushed.code).toBe(1);
    expect(JSON.parse(flushed.stdout)).toMatchObject({ sent: 0, pending });
    expect(readFileSync(spool, 'utf8').trim().split('\n')).toHaveLength(pending);
  });
});
