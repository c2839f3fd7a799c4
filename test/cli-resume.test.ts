// A backfill killed part-way and run again ends exactly where an uninterrupted run does.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildLongHistory, type GitFixture } from './support/git-fixture.js';
import { runCli } from './support/cli.js';
import { committedRows, databaseContent, queryOne } from './support/database.js';

let history: GitFixture;
let workDir: string;

beforeAll(() => {
  history = buildLongHistory(4000);
  workDir = mkdtempSync(join(tmpdir(), 'coherence-resume-'));
});

afterAll(() => {
  history?.cleanup();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});


it('SIGKILL part-way, then a second run, equals one uninterrupted run', async () => {
  const complete = join(workDir, 'complete.db');
  const full = await runCli(['track', '--repo', history.dir, '--db', complete, '--json']);
  expect(full.code).toBe(0);
  const total = JSON.parse(full.stdout).contributions as number;

  const interrupted = join(workDir, 'interrupted.db');
  const env = { COHERENCE_BATCH_ROWS: '100' };
  let rowsAtKill = 0;
  const killed = await runCli(['track', '--repo', history.dir, '--db', interrupted, '--json', '--jobs', '1'], {
    env,
    onSpawn: (child) => {
      const poll = setInterval(() => {
        rowsAtKill = committedRows(interrupted);
        if (rowsAtKill > 0) {
          clearInterval(poll);
          child.kill('SIGKILL');
        }
      }, 5);
      child.on('close', () => clearInterval(poll));
    },
  });
  expect(killed.signal).toBe('SIGKILL');
  const partial = committedRows(interrupted);
  expect(partial).toBeGreaterThan(0);
  expect(partial).toBeLessThan(total);
  // Whole commits only: every commit that has rows has all of them and is marked as read.
  expect(queryOne<{ n: number }>(interrupted, 'SELECT COUNT(DISTINCT commit_hash) AS n FROM contributions').n).toBe(
    queryOne<{ n: number }>(interrupted, 'SELECT COUNT(*) AS n FROM tracked_commits').n,
  );
  expect(queryOne<{ ok: number }>(interrupted, `SELECT (SELECT total_cost_cents FROM assets) = (SELECT SUM(cost_cents) FROM contributions) AS ok`).ok).toBe(1);

  const resumed = await runCli(['track', '--repo', history.dir, '--db', interrupted, '--json'], { env });
  expect(resumed.code).toBe(0);
  const summary = JSON.parse(resumed.stdout);
  expect(summary.skipped_known).toBeGreaterThan(0);
  expect(summary.created).toBe(total - partial);
  expect(databaseContent(interrupted)).toBe(databaseContent(complete));
});
