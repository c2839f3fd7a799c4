// `coherence track` and `coherence report` end to end: the real CLI on real repositories into real SQLite files,
// every figure checked against git's own output.

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStandardRepo, createFixture, gitNumstatTotals, runFixtureGit, type StandardRepo } from './support/git-fixture.js';
import { expectOneLineError, runCli } from './support/cli.js';
import { databaseContent, queryAll, queryOne, readContributions } from './support/database.js';

let repo: StandardRepo;
let workDir: string;
const dbPath = (name: string) => join(workDir, `${name}.db`);

beforeAll(() => {
  repo = buildStandardRepo();
  workDir = mkdtempSync(join(tmpdir(), 'coherence-cli-'));
});

afterAll(() => {
  repo?.cleanup();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function track(db: string, ...args: string[]) {
  const result = await runCli(['track', '--repo', repo.dir, '--db', db, '--json', ...args]);
  if (result.code !== 0) throw new Error(`track failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}

describe('coherence track into SQLite', () => {
  let db: string;
  let summary: any;

  beforeAll(async () => {
    db = dbPath('full');
    summary = await track(db);
  });

  it('summarises the run on stdout as one JSON object', () => {
    const nonMerge = runFixtureGit(repo.dir, ['rev-list', '--no-merges', '--count', 'HEAD']).trim();
    expect(summary).toMatchObject({
      repository: expect.stringMatching(/^coherence-standard-/),
      commits: Number(nonMerge),
      skipped_known: 0,
      uncredited: 1, // the dependabot commit
      duplicates: 0,
      pending: 0,
      dry_run: false,
    });
    expect(summary.created).toBe(summary.contributions);
    expect(summary.peak_rss_bytes).toBeGreaterThan(0);
  });

  it('stores git’s own file and line counts for every credited commit', () => {
    const rows = readContributions(db);
    const git = gitNumstatTotals(repo.dir, ['--no-merges', 'HEAD']);
    const stored = new Set(rows.map((row) => row.commit_hash));
    for (const [hash, totals] of git) {
      if (hash === repo.hashes.dependabot) {
        expect(stored.has(hash)).toBe(false);
        continue;
      }
      const commitRows = rows.filter((row) => row.commit_hash === hash);
      expect(commitRows.length, hash).toBeGreaterThan(0);
      for (const row of commitRows) {
        expect([row.files_changed, row.lines_added, row.lines_deleted], hash).toEqual([totals.files, totals.added, totals.deleted]);
        expect(row.meta.binary_files).toBe(totals.binary);
      }
    }
    expect(stored.has(repo.hashes.merge)).toBe(false);
  });

  it('credits authors and co-authors through the mailmap, with shares that sum to the commit cost', () => {
    const rows = readContributions(db);
    const of = (hash: string) => rows.filter((row) => row.commit_hash === hash).map((row) => [row.email, row.role, row.cost_cents]);
    // 1 file, 3 lines: 0.10 + 0.15 + 0.006 = 0.256 → 26 cents, split 3 ways with the remainder to the author.
    expect(of(repo.hashes.coAuthored)).toEqual([
      ['583231+octocat@users.noreply.github.com', 'author', 10],
      ['bob@example.com', 'co-author', 8],
      ['carol@example.org', 'co-author', 8],
    ]);
    expect(of(repo.hashes.aliceOldLaptop)).toEqual([['alice@example.com', 'author', expect.any(Number)]]);
    // 5 files but the lockfile is excluded: 0.10 + 4 × 0.15 + 10 lines × 0.002 = 0.72.
    expect(of(repo.hashes.initial)).toEqual([['alice@example.com', 'author', 72]]);
    const octocat = rows.find((row) => row.email.includes('octocat'))!;
    expect(octocat.meta.login).toBe('octocat');
    for (const hash of new Set(rows.map((row) => row.commit_hash))) {
      const commitRows = rows.filter((row) => row.commit_hash === hash);
      expect(commitRows.reduce((sum, row) => sum + row.cost_cents, 0)).toBe(commitRows[0]!.meta.cost.commit_cents);
    }
  });

  it('keeps the asset total equal to the sum of its contributions, in exact cents', () => {
    const asset = queryOne<{ total_cost_cents: number; total_cost: string; asset_type: string }>(db, 'SELECT * FROM assets');
    const sum = queryOne<{ sum: number }>(db, 'SELECT SUM(cost_cents) AS sum FROM contributions').sum;
    expect(asset).toMatchObject({ asset_type: 'REPOSITORY', total_cost_cents: sum });
    expect(asset.total_cost).toBe(`${Math.floor(sum / 100)}.${String(sum % 100).padStart(2, '0')}`);
    expect(summary.total_cost_cents).toBe(sum);
  });

  it('records the empty commit, the rename once with its real edits, and the binary file', () => {
    const rows = readContributions(db);
    const byHash = (hash: string) => rows.find((row) => row.commit_hash === hash)!;
    expect(byHash(repo.hashes.empty)).toMatchObject({ files_changed: 0, lines_added: 0, lines_deleted: 0 });
    expect(byHash(repo.hashes.rename)).toMatchObject({ files_changed: 1, lines_added: 3, lines_deleted: 2 });
    expect(byHash(repo.hashes.binary).meta).toMatchObject({ binary_files: 1, lines_added: 0 });
    expect(byHash(repo.hashes.coAuthored).timestamp).toBe('2024-01-05T10:30:00.000Z');
  });

  it('adds nothing when run again', async () => {
    const before = databaseContent(db);
    const again = await track(db);
    expect(again).toMatchObject({ skipped_known: summary.commits, contributions: 0, created: 0 });
    expect(databaseContent(db)).toBe(before);
  });

  it('adds nothing twice when the same commits are read again under other settings', async () => {
    const before = queryOne<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM contributions').n;
    const again = await track(db, '--exclude', 'docs/**', '--jobs', '1');
    expect(again).toMatchObject({ skipped_known: 0, created: 0, duplicates: summary.contributions });
    expect(queryOne<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM contributions').n).toBe(before);
  });
});

describe('ranges and options', () => {
  it('--since a ref tracks REF..HEAD only', async () => {
    const db = dbPath('since-ref');
    const result = await track(db, '--since', repo.tag);
    const expected = runFixtureGit(repo.dir, ['rev-list', '--no-merges', `${repo.tag}..HEAD`]).trim().split('\n');
    expect(result.commits).toBe(expected.length);
    expect(new Set(readContributions(db).map((row) => row.commit_hash))).toEqual(new Set(expected.filter((hash) => hash !== repo.hashes.dependabot)));
  });

  it('--since and --until by date', async () => {
    const db = dbPath('since-date');
    const result = await track(db, '--since', '2024-01-10', '--until', '2024-01-20');
    const expected = runFixtureGit(repo.dir, ['rev-list', '--no-merges', '--since=2024-01-10T00:00:00Z', '--until=2024-01-20T23:59:59Z', 'HEAD'])
      .trim()
      .split('\n');
    expect(result.commits).toBe(expected.length);
    expect(result.range).toMatch(/2024-01-10/);
  });

  it('--include-merges credits merges with their first-parent diff', async () => {
    const db = dbPath('merges');
    await track(db, '--include-merges');
    const merge = readContributions(db).find((row) => row.commit_hash === repo.hashes.merge)!;
    const firstParent = runFixtureGit(repo.dir, ['diff', '--numstat', `${repo.hashes.merge}^1`, repo.hashes.merge]).trim().split('\n');
    expect(merge).toMatchObject({ email: 'alice@example.com', files_changed: firstParent.length, lines_added: 8 });
  });

  it('--include-bots credits bot commits', async () => {
    const db = dbPath('bots');
    const result = await track(db, '--include-bots');
    expect(result.uncredited).toBe(0);
    expect(readContributions(db).some((row) => row.email.includes('dependabot'))).toBe(true);
  });

  it('--dry-run computes the same figures and writes nothing', async () => {
    const db = dbPath('dry');
    const result = await track(db, '--dry-run');
    expect(result).toMatchObject({ dry_run: true, created: 0 });
    expect(result.contributions).toBeGreaterThan(0);
    expect(existsSync(db)).toBe(false);
  });

  it('names the repository owner/name after a GitHub origin, and takes --repository', async () => {
    const fixture = createFixture();
    try {
      fixture.commit({ message: 'one', files: { 'a.txt': 'a\n' } });
      fixture.setRemote('git@github.com:octo-org/hello-world.git');
      const db = dbPath('origin');
      const result = await runCli(['track', '--repo', fixture.dir, '--db', db, '--json']);
      expect(JSON.parse(result.stdout).repository).toBe('octo-org/hello-world');
      const named = await runCli(['track', '--repo', fixture.dir, '--db', db, '--json', '--repository', 'acme/renamed']);
      expect(JSON.parse(named.stdout).repository).toBe('acme/renamed');
      expect(queryAll(db, 'SELECT name FROM assets ORDER BY name').map((row) => row.name)).toEqual(['acme/renamed', 'octo-org/hello-world']);
    } finally {
      fixture.cleanup();
    }
  });

  it('prints a human summary on stderr and nothing on stdout without --json', async () => {
    const result = await runCli(['track', '--repo', repo.dir, '--db', dbPath('human')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/Tracked .* into sqlite:/);
    expect(result.stderr).toMatch(/total cost\s+\$\d+\.\d\d/);
    expect(result.stderr).not.toMatch(/\u001b\[/);
  });

  it('defaults to .coherence/coherence.db under the current directory, or COHERENCE_DB', async () => {
    const cwd = mkdtempSync(join(workDir, 'cwd-'));
    expect((await runCli(['track', '--repo', repo.dir], { cwd })).code).toBe(0);
    expect(existsSync(join(cwd, '.coherence', 'coherence.db'))).toBe(true);
    const viaEnv = join(cwd, 'env.db');
    expect((await runCli(['track', '--repo', repo.dir], { cwd, env: { COHERENCE_DB: viaEnv } })).code).toBe(0);
    expect(existsSync(viaEnv)).toBe(true);
  });
});

describe('coherence report', () => {
  let db: string;
  beforeAll(async () => {
    db = dbPath('report');
    await track(db);
  });

  it('totals per contributor equal the stored rows, top cost first', async () => {
    const result = await runCli(['report', '--db', db, '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const rows = readContributions(db);
    for (const group of report.rows) {
      const mine = rows.filter((row) => row.email === group.key);
      expect(group.commits).toBe(mine.length);
      expect(group.cost_cents).toBe(mine.reduce((sum, row) => sum + row.cost_cents, 0));
      expect(group.lines_added).toBe(mine.reduce((sum, row) => sum + row.lines_added, 0));
    }
    const costs = report.rows.map((group: any) => group.cost_cents);
    expect(costs).toEqual([...costs].sort((a, b) => b - a));
  });

  it('counts a shared commit once when grouping by time or repository', async () => {
    const result = await runCli(['report', '--db', db, '--format', 'json', '--by', 'repository']);
    const [group] = JSON.parse(result.stdout).rows;
    const rows = readContributions(db);
    expect(group.commits).toBe(new Set(rows.map((row) => row.commit_hash)).size);
    expect(group.contributions).toBe(rows.length);
    expect(group.cost_cents).toBe(rows.reduce((sum, row) => sum + row.cost_cents, 0));
  });

  it('groups by day, week and month, and filters by date and contributor', async () => {
    const weeks = JSON.parse((await runCli(['report', '--db', db, '--format', 'json', '--by', 'week'])).stdout).rows;
    for (const week of weeks) expect(new Date(`${week.key}T00:00:00Z`).getUTCDay()).toBe(1);
    const months = JSON.parse((await runCli(['report', '--db', db, '--format', 'json', '--by', 'month'])).stdout).rows;
    expect(months.map((month: any) => month.key)).toEqual(['2024-01', '2024-02']);
    const january = JSON.parse((await runCli(['report', '--db', db, '--format', 'json', '--by', 'day', '--until', '2024-01-31'])).stdout).rows;
    expect(january.every((day: any) => day.key < '2024-02-01')).toBe(true);
    const alice = JSON.parse((await runCli(['report', '--db', db, '--format', 'json', '--contributor', 'ALICE@example.com'])).stdout).rows;
    expect(alice.map((row: any) => row.key)).toEqual(['alice@example.com']);
  });

  it('prints a table and CSV', async () => {
    const table = await runCli(['report', '--db', db]);
    expect(table.stdout).toMatch(/contributor\s+commits\s+\+lines/);
    expect(table.stdout).toMatch(/Alice Liddell <alice@example.com>/);
    const csv = await runCli(['report', '--db', db, '--format', 'csv']);
    expect(csv.stdout.split('\n')[0]).toBe('group,name,commits,contributions,lines_added,lines_deleted,files_changed,cost,mean_coherence');
  });
});

describe('bad input: one clear line, the right exit code, the database untouched', () => {
  let db: string;
  let before: string;
  beforeAll(async () => {
    db = dbPath('guarded');
    await track(db, '--since', repo.tag);
    before = databaseContent(db);
  });

  const cases: Array<[string, () => string[], number, RegExp]> = [
    ['an unknown ref', () => ['--since', 'no-such-branch'], 2, /no-such-branch/],
    ['an unparseable date', () => ['--since', '2024-13-45'], 2, /2024-13-45/],
    ['garbage for a date', () => ['--until', 'next blursday'], 2, /blursday/],
    ['an unknown branch', () => ['--branch', 'nope'], 2, /nope/],
    ['an empty range', () => ['--since', 'HEAD'], 1, /no commits/],
    ['an unknown flag', () => ['--frobnicate'], 2, /frobnicate/],
    ['a bad repository name', () => ['--repository', 'a/b/c'], 2, /repository/],
    ['a bad --jobs', () => ['--jobs', '0'], 2, /jobs/],
  ];

  it.each(cases)('%s', async (_label, args, code, message) => {
    const result = await runCli(['track', '--repo', repo.dir, '--db', db, ...args()]);
    expect(result.code).toBe(code);
    expect(expectOneLineError(result)).toMatch(message);
    expect(databaseContent(db)).toBe(before);
  });

  it('not a git repository', async () => {
    const notRepo = mkdtempSync(join(workDir, 'plain-'));
    const fresh = join(workDir, 'never.db');
    const result = await runCli(['track', '--repo', notRepo, '--db', fresh]);
    expect(result.code).toBe(1);
    expect(expectOneLineError(result)).toMatch(/not a git repository/);
    expect(existsSync(fresh)).toBe(false);
  });

  it('an unwritable database path', async () => {
    const blocker = join(workDir, 'a-file');
    writeFileSync(blocker, 'not a directory');
    const result = await runCli(['track', '--repo', repo.dir, '--db', join(blocker, 'sub', 'x.db')]);
    expect(result.code).toBe(1);
    expect(expectOneLineError(result)).toMatch(/cannot open the database/);
  });

  it('a read-only database file', async () => {
    if (process.getuid?.() === 0) {
      // root ignores file modes; a directory-as-file stands in for an unwritable database instead.
      const result = await runCli(['track', '--repo', repo.dir, '--db', workDir]);
      expect(result.code).toBe(1);
      expect(expectOneLineError(result)).toMatch(/cannot open the database/);
      return;
    }
    const copy = join(workDir, 'readonly.db');
    writeFileSync(copy, readFileSync(db));
    chmodSync(copy, 0o444);
    const result = await runCli(['track', '--repo', repo.dir, '--db', copy]);
    expect(result.code).toBe(1);
    expect(statSync(copy).mode & 0o777).toBe(0o444);
  });

  it('a shallow clone whose history is truncated', async () => {
    const clone = mkdtempSync(join(workDir, 'shallow-'));
    runFixtureGit(workDir, ['clone', '--quiet', '--depth', '2', `file://${repo.dir}`, clone]);
    const result = await runCli(['track', '--repo', clone, '--db', db]);
    expect(result.code).toBe(1);
    expect(expectOneLineError(result)).toMatch(/shallow.*git fetch --unshallow/);
    expect(databaseContent(db)).toBe(before);
    // Within the fetched depth the range is complete, so it is allowed.
    const recent = await runCli(['track', '--repo', clone, '--db', dbPath('shallow-ok'), '--since', 'HEAD~1', '--json']);
    expect(recent.code).toBe(0);
  });

  it('report on a missing database', async () => {
    const result = await runCli(['report', '--db', join(workDir, 'missing.db')]);
    expect(result.code).toBe(1);
    expect(expectOneLineError(result)).toMatch(/coherence track/);
  });
});
