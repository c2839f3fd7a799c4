// `coherence rescore` end to end: rows stored by a release on the previous model versions are brought
// to exactly what a fresh `track` stores now, on a SQLite file and through the API (SQLite and
// PostgreSQL); a second run changes nothing; a run killed part-way and run again ends where one
// uninterrupted run does.

import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COHERENCE_VERSION, COST_ESTIMATOR_VERSION, contributionsForCommit, previousModelScores, type GitCommit } from '../packages/core/src/index.js';
import { openSqliteStore } from '../packages/api/src/index.js';
import { hashFor, queryPostgres, readJson } from '../packages/api/test/harness.js';
import { API_BACKENDS, type RunningBackend } from './support/api-backends.js';
import { createFixture, type GitFixture } from './support/git-fixture.js';
import { runCli, runCliOk } from './support/cli.js';
import { databaseContent, queryAll, queryOne, readContributions } from './support/database.js';
import { asPreviousRelease, rewriteAsPreviousRelease } from './support/previous-release.js';
import type { ServerProcess } from './support/server-process.js';

const API_KEY = 'rescore-test-key';
let repo: GitFixture;
let workDir: string;
let fresh: string;

const lines = (count: number, word: string) => Array.from({ length: count }, (_, index) => `${word} ${index}`).join('\n') + '\n';

beforeAll(async () => {
  repo = createFixture({ prefix: 'coherence-rescore-' });
  const ann = { name: 'Ann', email: 'ann@example.com' };
  const bob = { name: 'Bob', email: 'bob@example.com' };
  const cy = { name: 'Cy', email: 'cy@example.com' };
  repo.commit({ message: 'Start', author: ann, files: { 'src/a.ts': lines(20, 'a'), 'README.md': '# r\n' } });
  // Over 10.00 dollars under the old, unclamped estimator: the cost changes, split three ways.
  repo.commit({ message: 'Generate tables', author: ann, coAuthors: [bob, cy], files: { 'src/tables.ts': lines(6000, 'row'), 'test/tables.test.ts': lines(40, 't') } });
  repo.commit({ message: 'Tidy', author: bob, files: { 'src/a.ts': lines(25, 'a') } });
  repo.commit({ message: 'Explain', author: cy, coAuthors: [ann], files: { 'docs/guide.md': lines(30, 'guide') } });
  repo.commit({ message: 'Big docs', author: bob, files: { 'docs/big.md': lines(1200, 'doc'), 'src/b.ts': lines(3, 'b') } });
  workDir = mkdtempSync(join(tmpdir(), 'coherence-rescore-work-'));
  fresh = join(workDir, 'fresh.db');
  await runCliOk(['track', '--repo', repo.dir, '--db', fresh, '--repository', 'octo/rescore', '--json']);
});

afterAll(() => {
  repo?.cleanup();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** A row's scores and meta without the rescore history: what a fresh track must equal. */
function scored(row: { cost_cents: number; coherence_score: number; meta: Record<string, any> }) {
  const { rescores: _rescores, ...meta } = row.meta;
  return { cost_cents: row.cost_cents, coherence_score: row.coherence_score, meta };
}

const keyed = <T extends { commit_hash: string; email?: string; contributor_email?: string }>(rows: T[]) =>
  Object.fromEntries(rows.map((row) => [`${row.commit_hash} ${row.email ?? row.contributor_email}`, row]));

/** Everything in the file, with the times of the rescores taken out (two runs differ only there). */
function contentWithoutTimes(path: string): string {
  return databaseContent(path).replace(/"at":"[^"]*"/g, '"at":"-"');
}

describe('coherence rescore on a SQLite file', () => {
  it('brings rows of the previous model versions to what a fresh track stores, once', async () => {
    const db = join(workDir, 'old.db');
    copyFileSync(fresh, db);
    rewriteAsPreviousRelease(db);
    const oldRows = readContributions(db);
    const freshRows = readContributions(fresh);
    expect(oldRows.map((row) => row.cost_cents)).not.toEqual(freshRows.map((row) => row.cost_cents));

    const first = JSON.parse((await runCliOk(['rescore', '--db', db, '--json'], { COHERENCE_RESCORE_ROWS: '2' })).stdout);
    const change = freshRows.reduce((sum, row) => sum + row.cost_cents, 0) - oldRows.reduce((sum, row) => sum + row.cost_cents, 0);
    expect(first).toMatchObject({ rescored: freshRows.length, skipped: 0, cost_cents_change: change, cost_version: COST_ESTIMATOR_VERSION, coherence_version: COHERENCE_VERSION });
    expect(first.target).toBe(`sqlite:${db}`);

    const rescored = readContributions(db);
    expect(rescored.map(scored)).toEqual(freshRows.map(scored));
    const byKey = keyed(oldRows);
    for (const row of rescored) {
      const before = byKey[`${row.commit_hash} ${row.email}`]!;
      expect(row.meta.rescores).toEqual([
        {
          at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          cost: { version: 'v1', cents: before.cost_cents, commit_cents: before.meta.cost.commit_cents },
          coherence: { version: 'v1', score: before.coherence_score },
        },
      ]);
    }
    expect(queryAll(db, 'SELECT name, total_cost_cents FROM assets')).toEqual(queryAll(fresh, 'SELECT name, total_cost_cents FROM assets'));

    const content = databaseContent(db);
    const second = await runCliOk(['rescore', '--db', db]);
    expect(second.stderr).toContain('Nothing to rescore');
    expect(databaseContent(db)).toBe(content);
  });

  it('killed part-way, then run again, ends where one uninterrupted run does', async () => {
    // 20,000 rows as the previous release stored them, written through the store (no git needed).
    const seeded = join(workDir, 'seeded.db');
    const store = openSqliteStore(seeded);
    const people = Array.from({ length: 12 }, (_, index) => ({ name: `Person ${index}`, email: `p${index}@example.com` }));
    for (let batch = 0; batch < 10; batch += 1) {
      const records = [];
      for (let index = 0; index < 1000; index += 1) {
        const n = batch * 1000 + index;
        const author = people[n % people.length]!;
        const coAuthor = people[(n + 5) % people.length]!;
        const commit: GitCommit = {
          hash: hashFor(`seed-${n}`),
          parents: [],
          author: { ...author, date: new Date(Date.UTC(2023, 0, 1) + n * 60_000).toISOString() },
          committer: { ...author, date: new Date(Date.UTC(2023, 0, 1) + n * 60_000).toISOString() },
          subject: `Change ${n}`,
          message: `Change ${n}\n\nCo-authored-by: ${coAuthor.name} <${coAuthor.email}>\n`,
          files: [{ path: n % 7 === 0 ? `test/m${n % 50}.test.ts` : `src/m${n % 50}.ts`, linesAdded: (n * 37) % 6500, linesDeleted: n % 9, binary: false }],
        };
        records.push(...contributionsForCommit(commit, `octo/repo-${n % 3}`).map(asPreviousRelease));
      }
      await store.ingestIds(records);
    }
    await store.close();
    const total = queryOne<{ n: number }>(seeded, 'SELECT COUNT(*) AS n FROM contributions').n;
    expect(total).toBe(20_000);

    const complete = join(workDir, 'complete.db');
    const interrupted = join(workDir, 'interrupted.db');
    copyFileSync(seeded, complete);
    copyFileSync(seeded, interrupted);
    await runCliOk(['rescore', '--db', complete, '--json']);

    const env = { COHERENCE_RESCORE_ROWS: '100' };
    const firstRowDone = () =>
      queryOne<{ version: string }>(interrupted, `SELECT json_extract(meta, '$.coherence.version') AS version FROM contributions WHERE rowid = 1`).version ===
      COHERENCE_VERSION;
    const killed = await runCli(['rescore', '--db', interrupted, '--json'], {
      env,
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (firstRowDone()) {
            clearInterval(poll);
            child.kill('SIGKILL');
          }
        }, 5);
        child.on('close', () => clearInterval(poll));
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    const done = queryOne<{ n: number }>(interrupted, `SELECT COUNT(*) AS n FROM contributions WHERE json_extract(meta, '$.coherence.version') = ?`, COHERENCE_VERSION).n;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(total);
    // Totals equal their sums after every chunk, a kill included.
    expect(queryAll(interrupted, 'SELECT a.total_cost_cents = (SELECT SUM(cost_cents) FROM contributions c WHERE c.asset_id = a.id) AS ok FROM assets a')).toEqual([
      { ok: 1 },
      { ok: 1 },
      { ok: 1 },
    ]);

    const resumed = JSON.parse((await runCliOk(['rescore', '--db', interrupted, '--json'], env)).stdout);
    expect(resumed.rescored).toBe(total - done);
    expect(contentWithoutTimes(interrupted)).toBe(contentWithoutTimes(complete));
  });
});

for (const backend of API_BACKENDS) {
  describe.skipIf(backend.skipReason !== undefined)(backend.title('coherence rescore through the API'), () => {
    let running: RunningBackend;
    let server: ServerProcess;

    beforeAll(async () => {
      running = await backend.start(workDir, API_KEY);
      server = running.server;
    });
    afterAll(async () => {
      await running?.stop();
    });

    /** Rewrites the server's rows as the previous release stored them (the totals trigger moves the totals). */
    async function rewriteServerRows(): Promise<void> {
      const url = running.databaseUrl;
      if (url === undefined) return rewriteAsPreviousRelease(running.sqlitePath);
      const rows = await queryPostgres<{ id: string; meta: any }>(url, 'SELECT id, meta FROM contributions');
      const updates = rows.map((row) => {
        const previous = previousModelScores(row.meta);
        return { id: row.id, cost_cents: previous.costCents, coherence_score: previous.coherence, meta: previous.meta };
      });
      const json = JSON.stringify(updates).replace(/'/g, "''");
      await queryPostgres(
        url,
        `UPDATE contributions c SET cost_cents = t.cost_cents, coherence_score = t.coherence_score, meta = t.meta
         FROM json_to_recordset('${json}'::json) AS t (id text, cost_cents bigint, coherence_score numeric, meta jsonb) WHERE c.id = t.id`,
      );
    }

    it('rescores in chunks through the write route to what a fresh track stores, once', async () => {
      const spool = join(workDir, `spool-${backend.name}.ndjson`);
      await runCliOk(['track', '--repo', repo.dir, '--api-url', server.url, '--api-key', API_KEY, '--repository', 'octo/rescore', '--spool', spool, '--json']);
      await rewriteServerRows();
      const env = { COHERENCE_API_KEY: API_KEY, COHERENCE_RESCORE_ROWS: '3' };

      const denied = await runCli(['rescore', '--api-url', server.url]);
      expect(denied.code).toBe(1);

      const first = JSON.parse((await runCliOk(['rescore', '--api-url', server.url, '--json'], env)).stdout);
      const freshRows = readContributions(fresh);
      expect(first).toMatchObject({ rescored: freshRows.length, skipped: 0 });
      const served = (await readJson(await fetch(`${server.url}/api/contributions?limit=1000`))).items;
      const byKey = keyed(served);
      for (const row of freshRows) expect(scored(byKey[`${row.commit_hash} ${row.email}`])).toEqual(scored(row));
      const [asset] = (await readJson(await fetch(`${server.url}/api/assets`))).items;
      expect(asset.total_cost_cents).toBe(freshRows.reduce((sum, row) => sum + row.cost_cents, 0));

      const second = JSON.parse((await runCliOk(['rescore', '--api-url', server.url, '--json'], env)).stdout);
      expect(second).toMatchObject({ rescored: 0, cost_cents_change: 0 });
      expect((await readJson(await fetch(`${server.url}/api/contributions?limit=1000`))).items).toEqual(served);
    });
  });
}
