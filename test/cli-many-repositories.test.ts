// `track --repo A --repo B` and `track --repos-in DIR`: several repositories into one database or one API,
// a line per repository and a total, a broken one reported while the others are still tracked.

import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildLongHistory, buildStandardRepo, runFixtureGit, type GitFixture, type StandardRepo } from './support/git-fixture.js';
import { expectOneLineError, runCli } from './support/cli.js';
import { everyRow } from './support/database.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const API_KEY = 'many-repos-key-123';
let standard: StandardRepo;
let long: GitFixture;
let workDir: string;
/** A folder of clones: two good ones, a shallow one, and a folder that is no repository. */
let clones: string;
const servers: ServerProcess[] = [];

beforeAll(() => {
  standard = buildStandardRepo();
  long = buildLongHistory(300);
  workDir = realpathSync(mkdtempSync(join(tmpdir(), 'coherence-many-')));
  clones = join(workDir, 'clones');
  mkdirSync(clones);
  runFixtureGit(clones, ['clone', '--quiet', standard.dir, 'standard']);
  runFixtureGit(clones, ['clone', '--quiet', long.dir, 'long']);
  runFixtureGit(clones, ['clone', '--quiet', '--depth', '2', `file://${long.dir}`, 'shallow']);
  mkdirSync(join(clones, 'notes'));
  writeFileSync(join(clones, 'notes', 'todo.txt'), 'not a repository\n');
  writeFileSync(join(clones, 'README.txt'), 'a file, not a clone\n');
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.kill();
});
afterAll(() => {
  standard?.cleanup();
  long?.cleanup();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

let dbCount = 0;
const newDb = () => join(workDir, `db-${(dbCount += 1)}.db`);

describe('track with several repositories', () => {
  it('tracks each --repo into one database, reports the broken one, and exits 1', async () => {
    const db = newDb();
    const missing = join(workDir, 'no-such-dir');
    const result = await runCli(['track', '--repo', standard.dir, '--repo', missing, '--repo', long.dir, '--db', db]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^✓ coherence-standard-\w+: 13 commits, 15 contributions \(15 new\), \$[\d.]+, [\d.]+ s$/);
    expect(lines[1]).toBe(`✗ ${missing}: ${missing} is not a git repository (or any parent up to the filesystem root)`);
    expect(lines[2]).toMatch(/^✓ coherence-long-\w+: 300 commits, 300 contributions \(300 new\)/);
    expect(lines[3]).toMatch(new RegExp(`^Total: 3 repositories, 1 failed, 313 commits, 315 contributions \\(315 new\\), \\d+ contributors, \\$[\\d.]+ into sqlite:${db}$`));

    // The same rows, with the same ids, as tracking each on its own.
    const separate = newDb();
    for (const dir of [long.dir, standard.dir]) expect((await runCli(['track', '--repo', dir, '--db', separate])).code).toBe(0);
    expect(everyRow(db)).toEqual(everyRow(separate));
  });

  it('tracks every clone in --repos-in, skipping known commits on a second run, with one JSON object', async () => {
    const db = newDb();
    const first = await runCli(['track', '--repos-in', clones, '--db', db, '--json']);
    expect(first.code).toBe(1);
    const summary = JSON.parse(first.stdout);
    expect(summary.repositories.map((run: any) => [run.dir, run.status])).toEqual([
      [join(clones, 'long'), 'tracked'],
      [join(clones, 'notes'), 'failed'],
      [join(clones, 'shallow'), 'failed'],
      [join(clones, 'standard'), 'tracked'],
    ]);
    expect(summary.repositories[1].error).toContain('is not a git repository');
    expect(summary.repositories[2].error).toContain('is a shallow clone');
    expect(summary.total).toMatchObject({ repositories: 4, failed: 2, commits: 313, contributions: 315, created: 315 });

    const again = JSON.parse((await runCli(['track', '--repos-in', clones, '--db', db, '--json'])).stdout);
    expect(again.total).toMatchObject({ commits: 313, skipped_known: 313, created: 0 });
  });

  it('posts every repository to one API', async () => {
    const local = newDb();
    expect((await runCli(['track', '--repo', standard.dir, '--repo', long.dir, '--db', local])).code).toBe(0);
    const remote = newDb();
    const server = await startServerProcess(['--db', remote], { COHERENCE_API_KEYS: API_KEY });
    servers.push(server);
    const result = await runCli(['track', '--repo', standard.dir, '--repo', long.dir, '--api-url', server.url, '--spool', join(workDir, 'spool.ndjson')], {
      env: { COHERENCE_API_KEY: API_KEY },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`^Total: 2 repositories, 313 commits, 315 contributions \\(315 new\\), \\d+ contributors, \\$[\\d.]+ into ${server.url}$`, 'm'));
    await server.stop();
    const { tracked_commits: _, ...expected } = everyRow(local);
    const { tracked_commits: __, ...posted } = everyRow(remote);
    expect(posted).toEqual(expected);
  });

  it('refuses --repository with several repositories, and an empty or missing folder', async () => {
    const named = await runCli(['track', '--repo', standard.dir, '--repo', long.dir, '--repository', 'octo/one', '--db', newDb()]);
    expect(named.code).toBe(2);
    expect(expectOneLineError(named)).toContain('--repository');
    const empty = join(workDir, 'empty');
    mkdirSync(empty);
    const none = await runCli(['track', '--repos-in', empty, '--db', newDb()]);
    expect(none.code).toBe(2);
    expect(expectOneLineError(none)).toContain('holds no repositories');
    const missing = await runCli(['track', '--repos-in', join(workDir, 'nowhere'), '--db', newDb()]);
    expect(missing.code).toBe(2);
    expect(expectOneLineError(missing)).toContain('does not exist');
  });
});
