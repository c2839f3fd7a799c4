// The GitHub Action as the runner runs it: the committed bundle (dist/index.js) in its own process, on real
// pushes of real repositories, posting to a live local Coherence API. Needs `pnpm build` and
// `pnpm build:action` (pnpm test builds the CLI; the bundle is committed).

import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatCents } from '../packages/core/src/index.js';
import { buildLongHistory, createFixture, runFixtureGit, type GitFixture, type Identity } from './support/git-fixture.js';
import { ACTION_YML, ZERO, closedPort, pushEvent, removeActionRuns, runAction, startApi, type ActionRun, type ApiRow, type LocalApi } from './support/action-run.js';

const ANA: Identity = { name: 'Ana Lima', email: 'ana@example.com' };
const BO: Identity = { name: 'Bo Chen', email: 'bo@example.com' };
const CY: Identity = { name: 'Cy Ode', email: 'cy@example.com' };

let api: LocalApi;
let apiDir: string;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  apiDir = realpathSync(mkdtempSync(join(tmpdir(), 'coherence-action-api-')));
  api = await startApi(apiDir);
});
afterAll(async () => {
  await api?.stop();
  rmSync(apiDir, { recursive: true, force: true });
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  removeActionRuns();
});

function origin(): GitFixture {
  const fixture = createFixture({ prefix: 'coherence-action-origin-' });
  cleanups.push(() => fixture.cleanup());
  return fixture;
}

/** What actions/checkout leaves: a clone of origin, one commit deep unless fetch-depth: 0. */
function checkout(from: GitFixture, options: { depth?: number; branch?: string } = {}): string {
  const parent = realpathSync(mkdtempSync(join(tmpdir(), 'coherence-action-ws-')));
  cleanups.push(() => rmSync(parent, { recursive: true, force: true }));
  const dir = join(parent, 'workspace');
  const depth = options.depth === undefined ? [] : ['--depth', String(options.depth)];
  const branch = options.branch === undefined ? [] : ['--branch', options.branch];
  runFixtureGit(parent, ['clone', '--quiet', ...depth, ...branch, `file://${from.dir}`, dir]);
  return dir;
}

function secrets(): Record<string, string> {
  return { 'api-url': api.url, 'api-key': api.apiKey };
}

const credited = (rows: ApiRow[]) => rows.map((row) => `${row.commit_hash}:${row.contributor_email}`).sort();
const expected = (pairs: Array<[string, Identity]>) => pairs.map(([hash, person]) => `${hash}:${person.email}`).sort();

/** The step passed, and the key never reached the log except in the runner's own mask command. */
function expectPassed(run: ActionRun): void {
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  expect(run.stdout).not.toMatch(/^::error::/m);
  expectKeyMasked(run);
}

function expectKeyMasked(run: ActionRun): void {
  const log = `${run.stdout}\n${run.stderr}`.replace(/^::add-mask::.*$/gm, '');
  expect(log).not.toContain(api.apiKey);
}

function expectZeroOutputs(run: ActionRun): void {
  expect(run.outputs).toEqual({ commits: '0', contributions: '0', created: '0', duplicates: '0', contributors: '0', 'total-cost': '0.00', pending: '0' });
}

describe('the Coherence Action on push', () => {
  it('records exactly the commits of a normal push, once, and reports them in outputs and the job summary', async () => {
    const repo = origin();
    repo.commit({ message: 'Start', files: { 'README.md': 'widgets\n' }, author: ANA });
    const before = repo.commit({ message: 'Base work', files: { 'src/base.ts': 'export const base = 1;\n' }, author: BO });
    const n1 = repo.commit({ message: 'Add widget', files: { 'src/widget.ts': 'export const widget = 1;\n', 'test/widget.test.ts': 'test();\n' }, author: ANA });
    const n2 = repo.commit({ message: 'Pair on gears', files: { 'src/gear.ts': 'export const gear = 2;\nexport const teeth = 12;\n' }, author: BO, coAuthors: [CY] });
    const n3 = repo.commit({ message: 'Document widgets', files: { 'docs/widgets.md': '# Widgets\n\nThey turn.\n' }, author: CY });
    const after = repo.commit({ message: 'Bump lockfile', files: { 'pnpm-lock.yaml': 'lock: 1\n'.repeat(200), 'src/widget.ts': 'export const widget = 2;\n' }, author: ANA });
    const workspace = checkout(repo);
    const repository = 'octo-org/normal-push';
    const event = pushEvent({ branch: 'main', before, after, repository });

    const run = await runAction({ workspace, eventName: 'push', event, repository, inputs: secrets() });
    expectPassed(run);
    const rows = await api.rows(repository);
    expect(credited(rows)).toEqual(expected([[n1, ANA], [n2, BO], [n2, CY], [n3, CY], [after, ANA]]));
    const totalCents = rows.reduce((sum, row) => sum + row.cost_cents, 0);
    expect(run.outputs).toEqual({
      commits: '4',
      contributions: '5',
      created: '5',
      duplicates: '0',
      contributors: '3',
      'total-cost': formatCents(totalCents),
      pending: '0',
    });
    expect(Object.keys(run.outputs).sort()).toEqual([...ACTION_YML.outputs].sort());
    expect(run.summary).toContain('<table>');
    expect(run.summary).toContain('Ana Lima &lt;ana@example.com&gt;');
    expect(run.summary).toContain(`${before.slice(0, 7)}..${after.slice(0, 7)}`);
    expect(run.summary).toMatch(/<b>Total \(3 contributors\)<\/b>/);
    expect(run.summary).toContain(`<b>$${formatCents(totalCents)}</b>`);
    // Ana: two commits, Bo and Cy one each; the totals count the co-authored commit once.
    expect(run.summary).toMatch(/Ana Lima &lt;ana@example\.com&gt;<\/td><td>2<\/td>/);
    expect(run.summary).toMatch(/<b>4<\/b>/);

    // The same push again (a re-run): nothing is stored twice.
    const again = await runAction({ workspace, eventName: 'push', event, repository, inputs: secrets() });
    expectPassed(again);
    expect(again.outputs).toMatchObject({ commits: '4', contributions: '5', created: '0', duplicates: '5', pending: '0' });
    expect(await api.rows(repository)).toHaveLength(5);
  });

  it('records a new branch as its commits that are not on the default branch, from a one-commit-deep checkout', async () => {
    const repo = origin();
    repo.commit({ message: 'One', files: { 'a.txt': '1\n' }, author: ANA });
    repo.commit({ message: 'Two', files: { 'a.txt': '2\n' }, author: ANA });
    repo.branch('feature');
    const f1 = repo.commit({ message: 'Feature part 1', files: { 'f.txt': 'f1\n' }, author: BO });
    const f2 = repo.commit({ message: 'Feature part 2', files: { 'f.txt': 'f2\n' }, author: CY });
    repo.checkout('main');
    repo.commit({ message: 'Main moves on', files: { 'a.txt': '3\n' }, author: ANA });
    // actions/checkout's default: the pushed branch alone, one commit deep, no origin/main.
    const workspace = checkout(repo, { depth: 1, branch: 'feature' });
    const repository = 'octo-org/new-branch';

    const run = await runAction({ workspace, eventName: 'push', repository, event: pushEvent({ branch: 'feature', before: ZERO, after: f2, repository }), inputs: secrets() });
    expectPassed(run);
    expect(credited(await api.rows(repository))).toEqual(expected([[f1, BO], [f2, CY]]));
    expect(run.outputs).toMatchObject({ commits: '2', contributions: '2', created: '2', contributors: '2', pending: '0' });
    expect(run.summary).toContain('new branch feature');
  });

  it('records only what a force push added since the merge base, fetching the replaced commit by hash', async () => {
    const repo = origin();
    repo.commit({ message: 'c1', files: { 'a.txt': '1\n' }, author: ANA });
    repo.commit({ message: 'c2', files: { 'a.txt': '2\n' }, author: ANA });
    const c3 = repo.commit({ message: 'c3', files: { 'a.txt': '3\n' }, author: ANA });
    repo.commit({ message: 'c4', files: { 'b.txt': '4\n' }, author: BO });
    const before = repo.commit({ message: 'c5', files: { 'b.txt': '5\n' }, author: BO });
    // The force push: main rewritten from c3 on; c4 and c5 are on no branch any more.
    repo.git(['reset', '--quiet', '--hard', c3]);
    const d4 = repo.commit({ message: 'd4', files: { 'c.txt': '4\n' }, author: CY });
    const after = repo.commit({ message: 'd5', files: { 'c.txt': '5\n' }, author: ANA });
    const workspace = checkout(repo);
    // The checkout has only what branches reach: the replaced commit must be fetched by hash.
    expect(() => runFixtureGit(workspace, ['cat-file', '-e', `${before}^{commit}`])).toThrow();
    const repository = 'octo-org/force-push';

    const run = await runAction({ workspace, eventName: 'push', repository, event: pushEvent({ branch: 'main', before, after, forced: true, repository }), inputs: secrets() });
    expectPassed(run);
    expect(credited(await api.rows(repository))).toEqual(expected([[d4, CY], [after, ANA]]));
    expect(run.outputs).toMatchObject({ commits: '2', created: '2' });
    expect(run.stdout).toMatch(new RegExp(`^::notice::Force push to main: recording the commits since ${c3.slice(0, 7)}`, 'm'));
  });

  it('falls back to the commits not on the default branch when a force push replaced a commit origin no longer has', async () => {
    const repo = origin();
    repo.commit({ message: 'm1', files: { 'a.txt': '1\n' }, author: ANA });
    const m2 = repo.commit({ message: 'm2', files: { 'a.txt': '2\n' }, author: ANA });
    repo.branch('topic');
    repo.commit({ message: 'g1', files: { 'g.txt': '1\n' }, author: BO });
    const before = repo.commit({ message: 'g2', files: { 'g.txt': '2\n' }, author: BO });
    repo.git(['checkout', '--quiet', '-B', 'topic', m2]);
    const after = repo.commit({ message: 'h1', files: { 'h.txt': '1\n' }, author: CY });
    repo.git(['reflog', 'expire', '--expire=now', '--all']);
    repo.git(['gc', '--quiet', '--prune=now']);
    expect(() => repo.git(['cat-file', '-e', `${before}^{commit}`])).toThrow();
    const workspace = checkout(repo);
    const repository = 'octo-org/force-push-gone';

    const run = await runAction({ workspace, eventName: 'push', repository, event: pushEvent({ branch: 'topic', before, after, forced: true, repository }), inputs: secrets() });
    expectPassed(run);
    expect(credited(await api.rows(repository))).toEqual(expected([[after, CY]]));
    expect(run.stdout).toMatch(/^::warning::The commit the push replaced \(\w{7}\) could not be fetched/m);
  });

  it('deepens a shallow checkout just enough to reach the commit before the push', async () => {
    const repo = buildLongHistory(200);
    cleanups.push(() => repo.cleanup());
    const before = repo.git(['rev-parse', 'main~60']).trim();
    const after = repo.head();
    const pushed = repo.git(['rev-list', `${before}..${after}`]).trim().split('\n');
    expect(pushed).toHaveLength(60);
    const workspace = checkout(repo, { depth: 1 });
    const repository = 'octo-org/shallow';

    const run = await runAction({ workspace, eventName: 'push', repository, event: pushEvent({ branch: 'main', before, after, repository }), inputs: secrets() });
    expectPassed(run);
    const rows = await api.rows(repository);
    expect(new Set(rows.map((row) => row.commit_hash))).toEqual(new Set(pushed));
    expect(run.outputs).toMatchObject({ commits: '60', contributions: '60', created: '60', pending: '0' });
    expect(run.stdout).toContain('fetching 50 more commits');
    expect(run.stdout).toContain('fetching 100 more commits');
    expect(run.stdout).not.toContain('fetching the whole history');
    // Just enough: the checkout is still shallow, well short of the 200 commits.
    expect(runFixtureGit(workspace, ['rev-parse', '--is-shallow-repository']).trim()).toBe('true');
    expect(Number(runFixtureGit(workspace, ['rev-list', '--count', 'HEAD']).trim())).toBeLessThan(200);
  });
});

describe('the Coherence Action when it should not post', () => {
  it('records nothing and succeeds with a notice when the secrets are missing (a fork), or the push deleted a branch', async () => {
    const repo = origin();
    const before = repo.commit({ message: 'One', files: { 'a.txt': '1\n' }, author: ANA });
    const after = repo.commit({ message: 'Two', files: { 'a.txt': '2\n' }, author: ANA });
    const workspace = checkout(repo);
    const repository = 'octo-org/no-secrets';
    const event = pushEvent({ branch: 'main', before, after, repository });

    const noSecrets = await runAction({ workspace, eventName: 'push', repository, event, inputs: { 'api-url': '', 'api-key': '', 'dry-run': 'false' } });
    expectPassed(noSecrets);
    expect(noSecrets.stdout).toMatch(/^::notice::Coherence: nothing recorded: api-url and api-key are not set/m);
    expectZeroOutputs(noSecrets);
    expect(noSecrets.summary).toContain('Nothing recorded');

    const keyOnly = await runAction({ workspace, eventName: 'push', repository, event, inputs: { 'api-url': api.url } });
    expectPassed(keyOnly);
    expect(keyOnly.stdout).toMatch(/^::notice::Coherence: nothing recorded: api-key is not set/m);

    const deleted = await runAction({
      workspace,
      eventName: 'push',
      repository,
      event: pushEvent({ branch: 'gone', before: after, after: ZERO, repository }),
      inputs: secrets(),
    });
    expectPassed(deleted);
    expect(deleted.stdout).toMatch(/^::notice::Coherence: nothing recorded: the push deleted refs\/heads\/gone/m);
    expectZeroOutputs(deleted);
    expect(await api.rows(repository)).toEqual([]);
  });

  it('on a dry run prints every payload in a collapsed group and the summary, and posts nothing', async () => {
    const repo = origin();
    const before = repo.commit({ message: 'One', files: { 'a.txt': '1\n' }, author: ANA });
    const n1 = repo.commit({ message: 'Two', files: { 'a.txt': '2\n' }, author: BO });
    const after = repo.commit({ message: '::warning::not a command', files: { 'b.txt': '3\n' }, author: { name: 'Mal & Lory', email: 'm@example.com' } });
    const workspace = checkout(repo);
    const repository = 'octo-org/dry-run';

    const run = await runAction({ workspace, eventName: 'push', repository, event: pushEvent({ branch: 'main', before, after, repository }), inputs: { ...secrets(), 'dry-run': 'true' } });
    expectPassed(run);
    const group = /^::group::Contributions that would be posted \(dry run\)\n([\s\S]*?)^::endgroup::$/m.exec(run.stdout);
    expect(group, run.stdout).not.toBeNull();
    const payloads = group![1]!
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { commit_hash: string; repository: string; contributor_email: string });
    expect(payloads.map((payload) => `${payload.commit_hash}:${payload.contributor_email}`).sort()).toEqual(
      expected([[n1, BO], [after, { name: '', email: 'm@example.com' }]]),
    );
    expect(payloads.every((payload) => payload.repository === repository)).toBe(true);
    // Text from commits is printed with workflow commands stopped, so it cannot raise an annotation.
    expect(run.stdout).toMatch(/^::stop-commands::[\w-]+$/m);
    expect(run.stdout).not.toMatch(/^::warning::/m);
    expect(run.stdout).toMatch(/^Dry run octo-org\/dry-run/m);
    expect(run.outputs).toMatchObject({ commits: '2', contributions: '2', created: '0', duplicates: '0', pending: '0' });
    expect(run.summary).toContain('dry run');
    // Names are escaped in the summary's HTML table.
    expect(run.summary).toContain('Mal &#38; Lory &lt;m@example.com&gt;');
    expect(await api.rows(repository)).toEqual([]);
  });

  it('keeps what it could not post in the spool when the API is down: a warning, or a failure with fail-on-error', async () => {
    const repo = origin();
    const before = repo.commit({ message: 'One', files: { 'a.txt': '1\n' }, author: ANA });
    const n1 = repo.commit({ message: 'Two', files: { 'a.txt': '2\n' }, author: BO });
    const after = repo.commit({ message: 'Three', files: { 'b.txt': '3\n' }, author: CY, coAuthors: [ANA] });
    const workspace = checkout(repo);
    const repository = 'octo-org/api-down';
    const down = { 'api-url': `http://127.0.0.1:${await closedPort()}`, 'api-key': api.apiKey };
    const event = pushEvent({ branch: 'main', before, after, repository });

    const [tolerant, strict] = await Promise.all([
      runAction({ workspace, eventName: 'push', repository, event, inputs: down }),
      runAction({ workspace, eventName: 'push', repository, event, inputs: { ...down, 'fail-on-error': 'true' } }),
    ]);
    expectPassed(tolerant);
    expect(tolerant.outputs).toMatchObject({ commits: '2', contributions: '3', created: '0', pending: '3' });
    expect(tolerant.stdout).toMatch(/^::warning::3 contribution\(s\) could not be posted to the API and were kept in .*coherence-spool\.ndjson/m);
    const spooled = readFileSync(join(tolerant.runnerTemp, 'coherence-spool.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { payload: { commit_hash: string; contributor_email: string } });
    expect(spooled.map(({ payload }) => `${payload.commit_hash}:${payload.contributor_email}`).sort()).toEqual(
      expected([[n1, BO], [after, CY], [after, ANA]]),
    );

    expect(strict.code).toBe(1);
    expect(strict.outputs).toMatchObject({ pending: '3' });
    expect(strict.stdout).toMatch(/^::error::3 contribution\(s\) could not be posted/m);
    expectKeyMasked(strict);
  });

  it('fails with one clean line on a bad input', async () => {
    const repo = origin();
    repo.commit({ message: 'One', files: { 'a.txt': '1\n' } });
    const run = await runAction({ workspace: checkout(repo), eventName: 'push', event: {}, inputs: { ...secrets(), 'include-merges': 'maybe' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::input "include-merges": expected true or false, got "maybe"$/m);
    expect(run.stdout).not.toMatch(/\n\s+at /);
    const shard = await runAction({ workspace: checkout(repo), eventName: 'workflow_dispatch', event: { inputs: {} }, inputs: { ...secrets(), shard: '4/3' } });
    expect(shard.code).toBe(1);
    expect(shard.stdout).toMatch(/^::error::input "shard": K must be from 1 to N \(3\), got "4\/3"$/m);
  });
});

describe('the Coherence Action run by hand (workflow_dispatch)', () => {
  it('backfills like the CLI: the whole history without since, from since with it, on a shallow checkout', async () => {
    const repo = origin();
    const c1 = repo.commit({ message: 'c1', files: { 'a.txt': '1\n' }, author: ANA });
    const c2 = repo.commit({ message: 'c2', files: { 'a.txt': '2\n' }, author: BO });
    const c3 = repo.commit({ message: 'c3', files: { 'a.txt': '3\n' }, author: CY });
    const c4 = repo.commit({ message: 'c4', files: { 'a.txt': '4\n' }, author: ANA });
    const repository = 'octo-org/backfill';

    const since = await runAction({ workspace: checkout(repo, { depth: 1 }), eventName: 'workflow_dispatch', repository, event: { inputs: {} }, inputs: { ...secrets(), since: c2 } });
    expectPassed(since);
    expect(credited(await api.rows(repository))).toEqual(expected([[c3, CY], [c4, ANA]]));

    const whole = await runAction({ workspace: checkout(repo, { depth: 1 }), eventName: 'workflow_dispatch', repository, event: { inputs: {} }, inputs: { ...secrets(), since: '' } });
    expectPassed(whole);
    expect(whole.outputs).toMatchObject({ commits: '4', created: '2', duplicates: '2' });
    expect(credited(await api.rows(repository))).toEqual(expected([[c1, ANA], [c2, BO], [c3, CY], [c4, ANA]]));
    expect(whole.summary).toContain('the whole history');
  });

  it('as a matrix of shards: the jobs together record the whole history, once, each its own part', async () => {
    const repo = origin();
    const people = [ANA, BO, CY];
    const commits = Array.from({ length: 9 }, (_, index) => repo.commit({ message: `c${index}`, files: { 'a.txt': `${index}\n` }, author: people[index % 3]! }));
    const repository = 'octo-org/sharded';
    const runs = await Promise.all(
      ['3/3', '1/3', '2/3'].map((shard) =>
        runAction({ workspace: checkout(repo), eventName: 'workflow_dispatch', repository, event: { inputs: {} }, inputs: { ...secrets(), shard } }),
      ),
    );
    for (const run of runs) expectPassed(run);
    const recorded = runs.map((run) => Number(run.outputs.commits));
    expect(recorded.reduce((sum, count) => sum + count, 0)).toBe(9);
    expect(Math.max(...recorded)).toBeLessThan(9);
    expect(runs.map((run) => run.outputs.duplicates)).toEqual(['0', '0', '0']);
    expect(runs[1]!.summary).toContain('shard 1/3');
    expect(credited(await api.rows(repository))).toEqual(expected(commits.map((hash, index) => [hash, people[index % 3]!])));
  });
});
