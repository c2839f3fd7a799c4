// `track --shard K/N`: N runs, in any order, some repeated, some at the same time, store exactly what one
// run stores — the same rows with the same ids — into SQLite, and through the API into SQLite and PostgreSQL.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, kindTitle, queryPostgres, type StoreHandle } from '../packages/api/test/harness.js';
import { buildStandardRepo, runFixtureGit, STANDARD_PEOPLE, type StandardRepo } from './support/git-fixture.js';
import { expectOneLineError, runCli } from './support/cli.js';
import { everyRow, type EveryRow } from './support/database.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const API_KEY = 'shard-test-key-123';
let repo: StandardRepo;
let workDir: string;
const servers: ServerProcess[] = [];

/**
 * The standard history (merges, renames, co-authors, a bot, mailmap) and more on top: a second merged
 * branch, a rename carrying edits, co-authored commits, and Carol under a newer name on her latest commit.
 */
function buildHistory(): StandardRepo {
  const standard = buildStandardRepo();
  const { fixture } = standard;
  const { alice, bob, carol, octocat } = STANDARD_PEOPLE;
  const carolRenamed = { name: 'Carol Danvers-Rambeau', email: carol.email };
  const people = [alice, bob, carol, octocat];
  let day = 2;
  const date = () => `2024-02-${String(day++).padStart(2, '0')}T09:00:00Z`;
  for (let index = 0; index < 8; index += 1) {
    fixture.commit({
      message: `Change ${index}`,
      author: people[index % people.length]!,
      ...(index % 3 === 0 ? { coAuthors: [people[(index + 1) % people.length]!] } : {}),
      files: { [`src/part-${index % 3}.ts`]: `export const part = ${index};\n`.repeat(index + 1) },
      date: date(),
    });
  }
  fixture.branch('feature/report');
  fixture.commit({ message: 'Start report', author: bob, files: { 'src/report.ts': 'export const report = 1;\n' }, date: date() });
  fixture.commit({ message: 'Move report', author: bob, renames: { 'src/report.ts': 'src/reports/index.ts' }, date: date() });
  fixture.checkout('main');
  fixture.commit({ message: 'Meanwhile on main', author: octocat, files: { 'docs/guide.md': '# Guide\n' }, date: date() });
  fixture.merge('feature/report', { author: alice, date: date() });
  for (let index = 0; index < 6; index += 1) {
    fixture.commit({ message: `Polish ${index}`, author: index === 5 ? carolRenamed : people[(index + 2) % people.length]!, files: { 'src/polish.ts': `${index}\n` }, date: date() });
  }
  return standard;
}

beforeAll(() => {
  repo = buildHistory();
  workDir = mkdtempSync(join(tmpdir(), 'coherence-shards-'));
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.kill();
});
afterAll(() => {
  repo?.cleanup();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

let dbCount = 0;
const newDb = () => join(workDir, `db-${(dbCount += 1)}.db`);

async function track(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Record<string, any>> {
  const result = await runCli(['track', '--repo', repo.dir, '--json', ...args], { env });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** Every shard of N once, in an order of its own, then a few again (a retried job). */
function shardRuns(count: number): number[] {
  const order = Array.from({ length: count }, (_, index) => index + 1);
  for (let index = order.length - 1; index > 0; index -= 1) {
    const other = (index * 7 + count) % (index + 1);
    [order[index], order[other]] = [order[other]!, order[index]!];
  }
  return [...order, ...order.filter((_, index) => index % 2 === 1)];
}

describe('track --shard into SQLite', () => {
  for (const includeMerges of [false, true]) {
    const extra = includeMerges ? ['--include-merges'] : [];
    it(`N shards equal one run, row for row${includeMerges ? ', merges included' : ''}`, async () => {
      const single = newDb();
      const whole = await track(['--db', single, ...extra]);
      const expected = everyRow(single);
      expect(expected.contributions.length).toBeGreaterThan(30);
      expect(expected.contributors.find((person) => person.email === STANDARD_PEOPLE.carol.email)?.name).toBe('Carol Danvers-Rambeau');

      for (const count of includeMerges ? [3] : [1, 2, 3, 7]) {
        const db = newDb();
        const seen = new Map<number, number>();
        for (const index of shardRuns(count)) {
          const summary = await track(['--db', db, '--shard', `${index}/${count}`, ...extra]);
          expect(summary).toMatchObject({ shard: `${index}/${count}`, range_commits: whole.commits, pending: 0 });
          if (seen.has(index)) {
            // A shard run again is resumed: everything in it is known, nothing is read or written twice.
            expect(summary).toMatchObject({ commits: seen.get(index), skipped_known: seen.get(index), created: 0 });
          } else {
            seen.set(index, summary.commits);
          }
        }
        // Disjoint and complete: the shards' commits add up to the range.
        expect([...seen.values()].reduce((sum, commits) => sum + commits, 0)).toBe(whole.commits);
        if (count > 1) expect(Math.max(...seen.values())).toBeLessThan(whole.commits);
        expect(everyRow(db), `${count} shards`).toEqual(expected);
      }
    });
  }

  it('cuts the same range at the same commits whatever else the checkout holds', async () => {
    const first = newDb();
    await track(['--db', first, '--shard', '2/3']);
    runFixtureGit(repo.dir, ['branch', 'unrelated-extra', repo.hashes.rename]);
    runFixtureGit(repo.dir, ['tag', 'extra-tag', repo.hashes.merge]);
    const second = newDb();
    await track(['--db', second, '--shard', '2/3']);
    expect(everyRow(second)).toEqual(everyRow(first));
  });

  it('records nothing, and succeeds, in a shard the range is too short to fill', async () => {
    const db = newDb();
    const count = 500;
    let commits = 0;
    for (const index of [1, 250, 499, 500]) commits += (await track(['--db', db, '--shard', `${index}/${count}`])).commits;
    expect(commits).toBeLessThanOrEqual(4);
  });

  it.each(['0/3', '4/3', 'x', '1/0', '3'])('refuses --shard %s as a usage error', async (value) => {
    const result = await runCli(['track', '--repo', repo.dir, '--db', newDb(), '--shard', value]);
    expect(result.code).toBe(2);
    expect(expectOneLineError(result)).toContain('--shard');
  });
});

describe('track --shard through the API', () => {
  it('N runners posting at once to one API store what one local run stores', async () => {
    const local = newDb();
    await track(['--db', local]);
    const expected = withoutTracking(everyRow(local));
    for (const count of [1, 2, 3, 7]) {
      const remote = newDb();
      const server = await startServerProcess(['--db', remote], { COHERENCE_API_KEYS: API_KEY });
      servers.push(server);
      const runs = shardRuns(count).map((index, run) =>
        track(['--api-url', server.url, '--spool', join(workDir, `spool-${count}-${run}.ndjson`), '--shard', `${index}/${count}`], { COHERENCE_API_KEY: API_KEY }),
      );
      const summaries = await Promise.all(runs);
      expect(summaries.every((summary) => summary.pending === 0)).toBe(true);
      await server.stop();
      expect(withoutTracking(everyRow(remote)), `${count} shards`).toEqual(expected);
    }
  });

  const postgres = STORE_KINDS.find((kind) => kind.name === 'postgres')!;
  describe.skipIf(postgres.skipReason !== undefined)(kindTitle(postgres, 'into PostgreSQL'), () => {
    let handle: StoreHandle | undefined;
    afterEach(async () => {
      await handle?.dispose();
    });

    it('3 runners at once store the rows, ids and totals one local run stores', async () => {
      const local = newDb();
      await track(['--db', local]);
      handle = await postgres.open();
      await handle.store.close();
      const server = await startServerProcess(['--db', newDb()], { COHERENCE_API_KEYS: API_KEY, DATABASE_URL: handle.env.databaseUrl! });
      servers.push(server);
      await Promise.all(
        shardRuns(3).map((index, run) =>
          track(['--api-url', server.url, '--spool', join(workDir, `spool-pg-${run}.ndjson`), '--shard', `${index}/3`], { COHERENCE_API_KEY: API_KEY }),
        ),
      );
      await server.stop();
      expect(await postgresRows(handle.env.databaseUrl!)).toEqual(withoutTracking(everyRow(local)));
    });
  });
});

/** The API records contributions; which commits a local backfill has read is the CLI's own bookkeeping. */
function withoutTracking(rows: EveryRow): Omit<EveryRow, 'tracked_commits'> {
  const { tracked_commits: _, ...rest } = rows;
  return rest;
}

/** The PostgreSQL tables in the shape everyRow gives for SQLite: numbers as numbers, times as ISO text. */
async function postgresRows(databaseUrl: string): Promise<Omit<EveryRow, 'tracked_commits'>> {
  const iso = (value: Date | null) => (value === null ? null : value.toISOString());
  const contributors = await queryPostgres<any>(databaseUrl, 'SELECT id, name, email, meta, name_at FROM contributors ORDER BY id');
  // A repository's total is its column plus the cost deltas not yet folded into it (asset_totals).
  const assets = await queryPostgres<any>(
    databaseUrl,
    'SELECT a.id, a.name, a.asset_type, t.total_cost_cents, a.meta FROM assets a JOIN asset_totals t ON t.asset_id = a.id ORDER BY a.id',
  );
  const contributions = await queryPostgres<any>(
    databaseUrl,
    `SELECT id, contributor_id, asset_id, commit_hash, role, cost_cents, coherence_score, files_changed, lines_added, lines_deleted, timestamp, meta
     FROM contributions ORDER BY id`,
  );
  return {
    contributors: contributors.map((row) => ({ ...row, name_at: iso(row.name_at) })),
    assets: assets.map((row) => ({ ...row, total_cost_cents: Number(row.total_cost_cents) })),
    contributions: contributions.map((row) => ({
      ...row,
      cost_cents: Number(row.cost_cents),
      coherence_score: Number(row.coherence_score),
      files_changed: Number(row.files_changed),
      lines_added: Number(row.lines_added),
      lines_deleted: Number(row.lines_deleted),
      timestamp: iso(row.timestamp),
    })),
  };
}
