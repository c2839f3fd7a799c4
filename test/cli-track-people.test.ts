// A run's summary counts one person once: `coherence track` (and so the Action, which runs the same code)
// totals each address under the person its target merges it into, on a SQLite file and through the API,
// with a commit that credits two of one person's addresses counted once, as `coherence report` counts it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type GitFixture } from './support/git-fixture.js';
import { runCliOk } from './support/cli.js';
import { API_BACKENDS, type RunningBackend } from './support/api-backends.js';

const ANN_OLD = { name: 'Ann Lee', email: 'ann@old.example' };
const ANN_NEW = { name: 'Ann B. Lee', email: 'ann@new.example' };
const BOB = { name: 'Bob Stone', email: 'bob@example.com' };
const API_KEY = 'track-people-test-key';

let repo: GitFixture;
let workDir: string;

const lines = (count: number, word: string) => Array.from({ length: count }, (_, index) => `${word} ${index}`).join('\n') + '\n';

beforeAll(() => {
  repo = createFixture({ prefix: 'coherence-track-people-' });
  repo.commit({ message: 'Start', author: BOB, date: '2026-01-05T10:00:00Z', files: { 'src/a.ts': lines(20, 'a') } });
  workDir = mkdtempSync(join(tmpdir(), 'coherence-track-people-work-'));
});

afterAll(() => {
  repo?.cleanup();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** Ann's commits: under her old address, her new one, and one crediting both (author and co-author). */
function addAnnsCommits(): void {
  repo.commit({ message: 'Grow a', author: ANN_OLD, files: { 'src/a.ts': lines(140, 'a') } });
  repo.commit({ message: 'Test a', author: ANN_NEW, files: { 'test/a.test.ts': lines(12, 't') } });
  repo.commit({ message: 'Pair on b', author: ANN_OLD, coAuthors: [ANN_NEW, BOB], files: { 'src/b.ts': lines(30, 'b'), 'docs/b.md': lines(4, 'd') } });
}

const summaryOf = async (args: string[], env: NodeJS.ProcessEnv = {}) => JSON.parse((await runCliOk(['track', '--repo', repo.dir, '--json', ...args], env)).stdout);

const byEmail = (summary: any) => new Map<string, any>(summary.by_contributor.map((row: any) => [row.email, row]));

describe('coherence track counts a merged person once in its summary', () => {
  let db: string;
  let merged: any;
  let reportRows: Map<string, any>;

  beforeAll(async () => {
    db = join(workDir, 'people.db');
    await summaryOf(['--db', db]);
    await runCliOk(['identities', 'merge', 'ann@new.example', 'ann@old.example', '--db', db]);
    addAnnsCommits();
    merged = await summaryOf(['--db', db]);
    const report = JSON.parse((await runCliOk(['report', '--db', db, '--by', 'contributor', '--format', 'json'])).stdout);
    reportRows = new Map(report.rows.map((row: any) => [row.key, row]));
  });

  it('on a SQLite file: one row under the primary, with the figures the report gives her', () => {
    expect({ commits: merged.commits, skipped_known: merged.skipped_known }).toEqual({ commits: 4, skipped_known: 1 });
    expect(merged.contributors).toBe(2);
    expect([...byEmail(merged).keys()].sort()).toEqual(['ann@new.example', 'bob@example.com']);
    const ann = byEmail(merged).get('ann@new.example');
    const expected = reportRows.get('ann@new.example');
    // Every one of Ann's commits is in this run, so her whole report row is what the run added.
    expect(ann).toMatchObject({
      name: 'Ann B. Lee',
      commits: 3,
      lines_added: expected.lines_added,
      lines_deleted: expected.lines_deleted,
      cost_cents: expected.cost_cents,
      mean_coherence: expected.mean_coherence,
    });
    // The summary's rows still add up to the run's total cost.
    expect(merged.by_contributor.reduce((sum: number, row: any) => sum + row.cost_cents, 0)).toBe(merged.total_cost_cents);
  });

  it('counts addresses as they are where nothing is merged', async () => {
    const fresh = await summaryOf(['--db', join(workDir, 'unmerged.db')]);
    expect([...byEmail(fresh).keys()].sort()).toEqual(['ann@new.example', 'ann@old.example', 'bob@example.com']);
    const rows = byEmail(fresh);
    const ann = byEmail(merged).get('ann@new.example');
    // Split, the shared commit counts for each address: two of her rows hold it.
    expect(rows.get('ann@old.example').commits + rows.get('ann@new.example').commits).toBe(ann.commits + 1);
    expect(rows.get('ann@old.example').cost_cents + rows.get('ann@new.example').cost_cents).toBe(ann.cost_cents);
  });

  for (const backend of API_BACKENDS) {
    describe.skipIf(backend.skipReason !== undefined)(backend.title('through the API'), () => {
      let running: RunningBackend;

      beforeAll(async () => {
        running = await backend.start(workDir, API_KEY);
      });
      afterAll(async () => {
        await running?.stop();
      });

      it('asks the API for its merges and gives the same rows as on SQLite', async () => {
        const env = { COHERENCE_API_URL: '', COHERENCE_API_KEY: API_KEY };
        const url = running.server.url;
        // A merge recorded before the API has seen either address applies once they come.
        await runCliOk(['identities', 'merge', 'ann@new.example', 'ann@old.example', '--api-url', url], env);
        const merges = await fetch(`${url}/api/identities/merges`, { headers: { 'x-api-key': API_KEY } });
        expect(merges.status).toBe(200);
        expect(await merges.json()).toEqual({ merges: [{ primary: 'ann@new.example', name: null, aliases: ['ann@old.example'] }] });

        const spool = join(workDir, `spool-${backend.name}.ndjson`);
        const posted = await summaryOf(['--api-url', url, '--spool', spool], env);
        expect(posted.created).toBe(6);
        const sqliteRows = byEmail(merged);
        const apiRows = byEmail(posted);
        expect(apiRows.get('ann@new.example')).toEqual(sqliteRows.get('ann@new.example'));
        expect(apiRows.has('ann@old.example')).toBe(false);

        // Once her primary address has contributions, the API names her by it.
        const named = await (await fetch(`${url}/api/identities/merges`, { headers: { 'x-api-key': API_KEY } })).json();
        expect(named.merges[0].name).toBe('Ann B. Lee');
      });
    });
  }
});
