// `coherence report` as people read it: money with thousands separators, counts in the singular when
// there is one, `--top N` for long histories, and a reader that stops early (`| head`) ending the run
// quietly. The real CLI over a real SQLite file written by the store.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contributionsForCommit, type GitCommit } from '../packages/core/src/index.js';
import { openSqliteStore } from '../packages/api/src/index.js';
import { CLI_PATH, cliEnvironment, expectOneLineError, runCli } from './support/cli.js';

let dir: string;
let many: string;
let single: string;

/** A commit of `lines` added lines in one file: $10.00 (the cap) from 4,950 lines up. */
function commit(index: number, email: string, day: number, lines: number): GitCommit {
  const date = `2024-03-${String(day).padStart(2, '0')}T12:00:00Z`;
  return {
    hash: index.toString(16).padStart(40, '0'),
    parents: [],
    author: { name: email.split('@')[0]!, email, date },
    committer: { name: email.split('@')[0]!, email, date },
    subject: `change ${index}`,
    message: `change ${index}`,
    files: [{ path: `src/file-${index}.ts`, linesAdded: lines, linesDeleted: 0, binary: false }],
  };
}

async function write(path: string, commits: GitCommit[]): Promise<void> {
  const store = openSqliteStore(path);
  try {
    await store.ingest(commits.flatMap((one) => contributionsForCommit(one, 'octo/report')));
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coherence-report-'));
  many = join(dir, 'many.db');
  single = join(dir, 'single.db');
  // 250 people; the first ten made 40 capped commits each ($400.00), everyone else one $0.35 commit.
  const commits: GitCommit[] = [];
  for (let person = 0; person < 250; person += 1) {
    const email = `person${String(person).padStart(3, '0')}@example.com`;
    const count = person < 10 ? 40 : 1;
    for (let n = 0; n < count; n += 1) commits.push(commit(commits.length + 1, email, 1 + (commits.length % 20), person < 10 ? 6000 : 50));
  }
  await write(many, commits);
  await write(single, [commit(1, 'solo@example.com', 3, 10)]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('coherence report, as read by people', () => {
  it('writes money with thousands separators in the table, and plain in JSON and CSV', async () => {
    const table = await runCli(['report', '--db', many, '--top', '3']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/\$400\.00/);
    // 10 × $400.00 + 240 × $0.35 = $4,084.00
    expect(table.stdout.trim().split('\n').at(-1)).toBe('top 3 of 250 contributors shown, total cost $4,084.00');
    const json = JSON.parse((await runCli(['report', '--db', many, '--format', 'json'])).stdout);
    expect(json).toMatchObject({ by: 'contributor', groups: 250, total_cost: '4084.00', total_cost_cents: 408_400 });
    const csv = (await runCli(['report', '--db', many, '--format', 'csv', '--by', 'repository'])).stdout.split('\n');
    expect(csv[1]).toMatch(/^octo\/report,octo\/report,640,640,.*,4084\.00,/);
  });

  it('says 1 contributor and 1 group, not 1 contributors', async () => {
    expect((await runCli(['report', '--db', single])).stdout.trim().split('\n').at(-1)).toBe('1 contributor, total cost $0.27');
    expect((await runCli(['report', '--db', single, '--by', 'repository'])).stdout.trim().split('\n').at(-1)).toBe('1 group, total cost $0.27');
    expect((await runCli(['report', '--db', many, '--by', 'day'])).stdout.trim().split('\n').at(-1)).toBe('20 groups, total cost $4,084.00');
  });

  it('--top N keeps the N costliest groups, in the report’s own order, with totals over all', async () => {
    const top = JSON.parse((await runCli(['report', '--db', many, '--format', 'json', '--top', '5'])).stdout);
    expect(top.rows.map((row: { key: string }) => row.key)).toEqual(['person000', 'person001', 'person002', 'person003', 'person004'].map((name) => `${name}@example.com`));
    expect(top.groups).toBe(250);
    expect(top.total_cost_cents).toBe(408_400);
    const table = (await runCli(['report', '--db', many, '--top', '10'])).stdout.trim().split('\n');
    expect(table).toHaveLength(2 + 10 + 2);
    // Days stay in time order; only the costliest three are kept.
    const days = JSON.parse((await runCli(['report', '--db', many, '--by', 'day', '--format', 'json'])).stdout).rows as Array<{ key: string; cost_cents: number }>;
    const costliest = [...days].sort((a, b) => b.cost_cents - a.cost_cents).slice(0, 3).map((day) => day.key);
    const kept = JSON.parse((await runCli(['report', '--db', many, '--by', 'day', '--format', 'json', '--top', '3'])).stdout).rows.map((day: { key: string }) => day.key);
    expect(kept).toEqual([...costliest].sort());
    expect((await runCli(['report', '--db', many, '--top', '1000'])).stdout.trim().split('\n').at(-1)).toBe('250 contributors, total cost $4,084.00');
    for (const bad of ['0', '-1', 'ten', '1.5']) {
      const result = await runCli(['report', '--db', many, '--top', bad]);
      expect(result.code).toBe(2);
      expect(expectOneLineError(result)).toMatch(/--top/);
    }
  });

  it('ends quietly with exit 0 when the reader closes stdout early (`| head`)', async () => {
    for (const format of ['table', 'json', 'csv']) {
      const child = spawn(process.execPath, [CLI_PATH, 'report', '--db', many, '--format', format], { env: cliEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });
      // The reader goes away before the report is written.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve) => child.on('close', (exit) => resolve(exit)));
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
  });
});
