// The established tracking system's own clients, unchanged, against a live `coherence serve`: the
// documented verification curl byte for byte, and the established workflow's shell steps run as a
// runner runs them (bash, git, wc, awk, curl — nothing of ours on the client side). Then the payload
// variants those clients send: metadata missing, empty or with keys of their own, abbreviated hashes,
// addresses git allows. Every case runs on SQLite and on PostgreSQL. Needs `pnpm build`.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, kindTitle, readJson, type StoreHandle } from '../packages/api/test/harness.js';
import { runCli } from './support/cli.js';
import { createFixture, type GitFixture } from './support/git-fixture.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const KEY = 'established-client-key';

// The documented verification call, exactly as the established documentation prints it.
const DOCUMENTED_BODY =
  '{"contributor_email": "test@example.com", "repository": "seeker71/Coherence-Network", "commit_hash": "abc123", "cost_amount": 100.00, "metadata": {"files_changed": 3, "lines_added": 50}}';

// The established workflow's steps (`run:` blocks), with its `${{ … }}` expressions left for the runner
// to expand, as GitHub Actions does before handing each block to `bash -e`.
const STEP_COMMIT_INFO = `
AUTHOR_EMAIL=$(git log -1 --format='%ae')
COMMIT_HASH=$(git log -1 --format='%H')
FILES_CHANGED=$(git diff-tree --no-commit-id --name-only -r $COMMIT_HASH | wc -l)
LINES_ADDED=$(git diff-tree --no-commit-id --numstat -r $COMMIT_HASH | awk '{sum+=$1} END {print sum}')

echo "author_email=$AUTHOR_EMAIL" >> $GITHUB_OUTPUT
echo "commit_hash=$COMMIT_HASH" >> $GITHUB_OUTPUT
echo "files_changed=$FILES_CHANGED" >> $GITHUB_OUTPUT
echo "lines_added=$LINES_ADDED" >> $GITHUB_OUTPUT
`;

const STEP_CALC_COST = `
FILES=\${{ steps.commit_info.outputs.files_changed }}
LINES=\${{ steps.commit_info.outputs.lines_added }}

# Normalized v2 estimator:
# base 0.10 + 0.15/file + 0.002/line, clamped to [0.05, 10.00]
COST=$(awk -v files="$FILES" -v lines="$LINES" 'BEGIN {
  c = 0.10 + (files * 0.15) + (lines * 0.002);
  if (c < 0.05) c = 0.05;
  if (c > 10.00) c = 10.00;
  printf "%.2f", c
}')

echo "cost=$COST" >> $GITHUB_OUTPUT
`;

const STEP_RECORD = `
curl -X POST "$API_URL/v1/contributions/github" \\
  -H "Content-Type: application/json" \\
  -H "X-API-Key: $API_KEY" \\
  -d '{
    "contributor_email": "\${{ steps.commit_info.outputs.author_email }}",
    "repository": "\${{ github.repository }}",
    "commit_hash": "\${{ steps.commit_info.outputs.commit_hash }}",
    "cost_amount": \${{ steps.calc_cost.outputs.cost }},
    "metadata": {
      "files_changed": \${{ steps.commit_info.outputs.files_changed }},
      "lines_added": \${{ steps.commit_info.outputs.lines_added }}
    }
  }'
`;

const STEP_LOG = `
echo "✅ Contribution recorded!"
echo "Cost: \\$\${{ steps.calc_cost.outputs.cost }}"
echo "Commit: \${{ steps.commit_info.outputs.commit_hash }}"
echo "Verify at: https://api.coherencycoin.com/v1/contributions/commit/\${{ steps.commit_info.outputs.commit_hash }}"
`;

/** A scratch runner: a temp dir for step scripts and outputs, and a curlrc that prints the status. */
class Runner {
  readonly dir = mkdtempSync(join(tmpdir(), 'coherence-runner-'));

  constructor() {
    // curl reads $CURL_HOME/.curlrc: the status goes on a line of its own after the body, so the
    // workflow's curl command stays exactly as written.
    writeFileSync(join(this.dir, '.curlrc'), 'write-out = "\\n%{http_code}"\n');
  }

  /** Runs one step as a runner does: expressions expanded, then `bash -e`; returns stdout and the outputs. */
  step(template: string, context: Record<string, string>, cwd: string, env: NodeJS.ProcessEnv = {}): { stdout: string; outputs: Record<string, string> } {
    const script = template.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => {
      if (!(name in context)) throw new Error(`no value for \${{ ${name} }}`);
      return context[name]!;
    });
    const scriptPath = join(this.dir, 'step.sh');
    const outputPath = join(this.dir, 'output');
    writeFileSync(scriptPath, script);
    writeFileSync(outputPath, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-e', scriptPath], {
      cwd,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: this.dir,
        CURL_HOME: this.dir,
        LC_ALL: 'C',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GITHUB_OUTPUT: outputPath,
        ...env,
      },
    });
    if (result.status !== 0) throw new Error(`step failed (${result.status}):\n${script}\n${result.stderr}`);
    const outputs: Record<string, string> = {};
    for (const line of readFileSync(outputPath, 'utf8').split('\n')) {
      const at = line.indexOf('=');
      if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
    }
    return { stdout: result.stdout, outputs };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Splits what the runner's curl printed into the body and the status the curlrc appended. */
function curlAnswer(stdout: string): { status: number; body: any } {
  const at = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(at + 1)), body: JSON.parse(stdout.slice(0, at)) };
}

/** The documented curl, run by bash, byte for byte. */
function documentedCurl(url: string, runner: Runner): { status: number; body: any } {
  const command = `curl -s -X POST "${url}" -H "Content-Type: application/json" -H "X-API-Key: $API_KEY" -d '${DOCUMENTED_BODY}'`;
  return curlAnswer(runner.step(command, {}, runner.dir, { API_KEY: KEY }).stdout);
}

for (const kind of STORE_KINDS.filter((candidate) => candidate.name !== 'sqlite-thread')) {
  describe.skipIf(kind.skipReason !== undefined)(kindTitle(kind, 'existing clients of the established system'), () => {
    let handle: StoreHandle;
    let server: ServerProcess;
    let runner: Runner;
    const api = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${server.url}${path}`, init);
      return { status: response.status, body: await readJson(response) };
    };
    const postJson = (path: string, body: unknown) =>
      api(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY }, body: JSON.stringify(body) });
    const everything = async (path: string) => {
      const items: any[] = [];
      for (let next: string | null = `${path}?limit=1000`; next; ) {
        const page: { body: { items: any[]; next: string | null } } = await api(next);
        items.push(...page.body.items);
        next = page.body.next;
      }
      return items;
    };

    beforeAll(async () => {
      handle = await kind.open();
      await handle.store.close();
      runner = new Runner();
      server = await startServerProcess(['--db', handle.env.dbPath], {
        COHERENCE_API_KEYS: KEY,
        ...(handle.env.databaseUrl === undefined ? {} : { DATABASE_URL: handle.env.databaseUrl }),
      });
    });
    afterAll(async () => {
      await server?.stop();
      await handle?.dispose();
      runner?.cleanup();
    });

    it('takes the documented curl byte for byte: 201, then 200 with the same id, under /api and /v1', async () => {
      const first = documentedCurl(`${server.url}/api/contributions/github`, runner);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        id: expect.any(String),
        contributor_id: expect.any(String),
        asset_id: expect.any(String),
        commit_hash: 'abc123',
        cost_amount: '0.65', // re-estimated from the figures: 0.10 + 3 × 0.15 + 50 × 0.002
        coherence_score: 0.8,
        timestamp: expect.any(String),
        metadata: { files_changed: 3, lines_added: 50, lines_deleted: 0, commit_hash: 'abc123', repository: 'seeker71/Coherence-Network', contributor_email: 'test@example.com' },
      });
      expect(first.body.meta.cost).toMatchObject({ basis: 'submitted_metadata', confidence: 0.7, submitted_cents: 10_000 });
      const again = documentedCurl(`${server.url}/v1/contributions/github`, runner);
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      expect(again.body).toEqual(first.body);

      const contributors = await everything('/v1/contributors');
      expect(contributors.filter((person) => person.email === 'test@example.com')).toHaveLength(1);
      expect((await everything('/v1/contributions')).filter((row) => row.id === first.body.id)).toHaveLength(1);
      expect((await api('/v1/contributions/commit/abc123')).body.items.map((row: { id: string }) => row.id)).toEqual([first.body.id]);
    });

    it("runs the established workflow's steps on each push, and its verify URL finds what it posted", async () => {
      const repo: GitFixture = createFixture({ prefix: 'coherence-workflow-' });
      try {
        // A root commit first: diff-tree prints nothing for it, so the workflow is only ever run on later ones.
        repo.commit({ message: 'Start', files: { 'src/app.txt': 'one\ntwo\nthree\n', 'old.txt': 'a\nb\nc\nd\n' } });
        const pushes: Array<{ hash: string; expected: Record<string, number | string>; coherence: number }> = [];
        const runWorkflow = async (expected: Record<string, number | string>, coherence: number) => {
          const github = { 'github.repository': 'octo/established' };
          const info = runner.step(STEP_COMMIT_INFO, github, repo.dir);
          const cost = runner.step(STEP_CALC_COST, { ...github, ...prefixed('steps.commit_info.outputs.', info.outputs) }, repo.dir);
          const context = { ...github, ...prefixed('steps.commit_info.outputs.', info.outputs), ...prefixed('steps.calc_cost.outputs.', cost.outputs) };
          const env = { API_URL: server.url, API_KEY: KEY };
          const first = curlAnswer(runner.step(STEP_RECORD, context, repo.dir, env).stdout);
          const second = curlAnswer(runner.step(STEP_RECORD, context, repo.dir, env).stdout);
          expect(first.status, JSON.stringify(first.body)).toBe(201);
          expect(second.status).toBe(200);
          expect(second.body.id).toBe(first.body.id);
          expect(first.body).toMatchObject({ commit_hash: info.outputs.commit_hash, cost_amount: cost.outputs.cost, coherence_score: coherence });
          expect(first.body.metadata).toMatchObject(expected);
          const verify = /^Verify at: (\S+)$/m.exec(runner.step(STEP_LOG, context, repo.dir).stdout)![1]!;
          const found = await api(verify.replace('https://api.coherencycoin.com', ''));
          expect(found.status).toBe(200);
          expect(found.body.items.map((row: { id: string }) => row.id)).toEqual([first.body.id]);
          pushes.push({ hash: info.outputs.commit_hash!, expected, coherence });
        };

        // Text and binary changes: numstat prints "-" for the binary file, which awk sums as 0.
        repo.commit({
          message: 'Grow',
          files: { 'src/app.txt': 'one\n2\nthree\nfour\nfive\n', 'docs/guide.md': '# Guide\nUse it.\n', 'logo.bin': Buffer.from([0, 1, 2, 0, 255]) },
        });
        await runWorkflow({ files_changed: 3, lines_added: 5, contributor_email: 'fixture@example.com' }, 0.8);
        // A pure deletion by an author whose address has no domain: 0 lines added earns nothing in v1.
        repo.commit({ message: 'Clean up', files: { 'old.txt': null }, author: { name: 'Rel Eng', email: 'RelEng' } });
        await runWorkflow({ files_changed: 1, lines_added: 0, contributor_email: 'releng' }, 0.6);
        // A change over 100 lines.
        repo.commit({ message: 'Bulk', files: { 'data.txt': Array.from({ length: 150 }, (_, line) => `row ${line}`).join('\n') + '\n' } });
        await runWorkflow({ files_changed: 1, lines_added: 150 }, 0.7);

        const emails = (await everything('/v1/contributors')).map((person) => person.email);
        expect(emails).toEqual(expect.arrayContaining(['fixture@example.com', 'releng']));
        const listed = (await everything('/v1/contributions')).filter((row) => row.repository === 'octo/established');
        expect(listed.map((row) => row.commit_hash).sort()).toEqual(pushes.map((push) => push.hash).sort());
        // The git-side figures, counted independently: they are what was stored.
        for (const push of pushes) {
          const row = listed.find((item) => item.commit_hash === push.hash);
          const numstat = repo.git(['diff-tree', '--no-commit-id', '--numstat', '-r', push.hash]).trim().split('\n');
          expect(row.metadata.files_changed).toBe(numstat.length);
          expect(row.metadata.lines_added).toBe(numstat.reduce((sum, line) => sum + (Number(line.split('\t')[0]) || 0), 0));
          expect(row.coherence_score).toBe(push.coherence);
        }
      } finally {
        repo.cleanup();
      }
    });

    it('takes metadata missing, null, empty, or with keys of the client’s own, and returns those keys', async () => {
      const base = { contributor_email: 'meta@example.com', repository: 'octo/meta', cost_amount: 1 };
      const missing = await postJson('/v1/contributions/github', { ...base, commit_hash: 'aaaa0001' });
      expect(missing.status).toBe(201);
      expect(missing.body.metadata).toMatchObject({ files_changed: 0, lines_added: 0, lines_deleted: 0 });
      expect(missing.body).toMatchObject({ cost_amount: '0.10', coherence_score: 0.5 });
      expect(missing.body.meta.cost).toMatchObject({ basis: 'submitted_metadata', confidence: 0.7 });
      expect((await postJson('/v1/contributions/github', { ...base, commit_hash: 'aaaa0002', metadata: null })).status).toBe(201);
      expect((await postJson('/v1/contributions/github', { ...base, commit_hash: 'aaaa0003', metadata: {} })).status).toBe(201);

      const own = { pr_number: 42, labels: ['bug', 'ui'], review: { approved: true, by: ['ann'], score: 0.5 }, note: null, ['__proto__']: { injected: true } };
      const body = JSON.stringify({ ...base, commit_hash: 'aaaa0004', metadata: { files_changed: 2, lines_added: 10 } }).replace(
        '"files_changed":2',
        `${JSON.stringify(own).slice(1, -1)},"files_changed":2`,
      );
      const extra = await api('/v1/contributions/github', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY }, body });
      expect(extra.status).toBe(201);
      const expected = JSON.parse(JSON.stringify(own));
      expect(extra.body.metadata).toEqual({
        ...expected,
        files_changed: 2,
        lines_added: 10,
        lines_deleted: 0,
        commit_hash: 'aaaa0004',
        repository: 'octo/meta',
        contributor_email: 'meta@example.com',
      });
      expect(Object.prototype.hasOwnProperty.call(extra.body.metadata, '__proto__')).toBe(true);
      expect(extra.body.meta.client_metadata).toEqual(expected);
      // Read back by every route, the same.
      const [read] = (await api('/v1/contributions/commit/aaaa0004')).body.items;
      expect(read.metadata).toEqual(extra.body.metadata);
      const again = await api('/v1/contributions/github', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY }, body });
      expect(again).toMatchObject({ status: 200, body: { id: extra.body.id, metadata: extra.body.metadata } });

      const tooMuch = await postJson('/v1/contributions/github', { ...base, commit_hash: 'aaaa0005', metadata: { blob: 'x'.repeat(17_000) } });
      expect(tooMuch.status).toBe(422);
      expect(tooMuch.body.error.fields).toEqual([{ field: 'metadata', message: expect.stringContaining('16384 bytes') }]);
      const nul = await postJson('/v1/contributions/github', { ...base, commit_hash: 'aaaa0006', metadata: { labels: { 'a\u0000b': 1 } } });
      expect(nul.status).toBe(422);
      expect(nul.body.error.fields.map((field: { field: string }) => field.field)).toEqual(['metadata.labels']);
      expect((await api('/v1/contributions/commit/aaaa0005')).body.items).toEqual([]);
    });

    it('stores abbreviated and full hashes as given, and finds both by any prefix of either', async () => {
      const full = 'b0b1b2b3b4b5b6b7b8b9c0c1c2c3c4c5c6c7c8c9';
      const base = { contributor_email: 'short@example.com', repository: 'octo/short', cost_amount: 0.5, metadata: { files_changed: 1, lines_added: 1 } };
      const short = await postJson('/v1/contributions/github', { ...base, commit_hash: 'B0B1B2B' });
      expect(short.status).toBe(201);
      expect(short.body.commit_hash).toBe('b0b1b2b');
      // The full hash later, same repository and person: a key of its own.
      const long = await postJson('/v1/contributions/github', { ...base, commit_hash: full });
      expect(long.status).toBe(201);
      expect(long.body.id).not.toBe(short.body.id);
      const ids = (sha: string) => api(`/v1/contributions/commit/${sha}`).then((answer) => answer.body.items.map((row: { id: string }) => row.id).sort());
      const both = [short.body.id, long.body.id].sort();
      expect(await ids('b0b1')).toEqual(both);
      expect(await ids('b0b1b2b')).toEqual(both);
      expect(await ids('B0B1B2B3B4')).toEqual(both);
      expect(await ids(full)).toEqual(both);
      expect(await ids(`${full.slice(0, 39)}0`)).toEqual([short.body.id]);
      expect(await ids('b0b2')).toEqual([]);
      for (const bad of ['b0b', 'b0b1x', 'f'.repeat(65)]) {
        const answer = await api(`/v1/contributions/commit/${bad}`);
        expect(answer.status).toBe(422);
        expect(answer.body.error.fields[0].field).toBe('sha');
      }
    });

    it('takes any address git records, normalised as a local backfill normalises it', async () => {
      const repo = createFixture({ prefix: 'coherence-addresses-' });
      const dbDir = mkdtempSync(join(tmpdir(), 'coherence-addresses-db-'));
      try {
        repo.commit({ message: 'no domain', files: { 'a.txt': 'a\n' }, author: { name: 'Build Host', email: 'Root@BuildHost' } });
        repo.commit({ message: 'no address', files: { 'b.txt': 'b\n' }, author: { name: 'No Mail', email: '' } });
        repo.commit({ message: 'bare word', files: { 'c.txt': 'c\n' }, author: { name: 'Rel Eng', email: ' RelEng ' } });
        const track = await runCli(['track', '--repo', repo.dir, '--db', join(dbDir, 'local.db'), '--json']);
        expect(track.code, track.stderr).toBe(0);
        const report = await runCli(['report', '--db', join(dbDir, 'local.db'), '--format', 'json']);
        const local = JSON.parse(report.stdout).rows.map((row: { key: string }) => row.key).sort();
        expect(local).toEqual(['no.mail@unknown.invalid', 'releng', 'root@buildhost']);

        const posted: string[] = [];
        for (const [index, [email, name]] of [['Root@BuildHost', 'Build Host'], ['', 'No Mail'], [' RelEng ', 'Rel Eng']].entries()) {
          const answer = await postJson('/v1/contributions/github', {
            contributor_email: email,
            repository: 'octo/addresses',
            commit_hash: `ccc${index}`.padEnd(8, '0'),
            cost_amount: 0.25,
            metadata: { contributor_name: name },
          });
          expect(answer.status, JSON.stringify(answer.body)).toBe(201);
          posted.push(answer.body.contributor_email);
        }
        expect(posted.sort()).toEqual(local);
      } finally {
        repo.cleanup();
        rmSync(dbDir, { recursive: true, force: true });
      }
    });
  });
}

function prefixed(prefix: string, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`${prefix}${key}`, value]));
}
