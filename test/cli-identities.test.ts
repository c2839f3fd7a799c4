// `coherence identities` end to end: one person under three addresses (one a GitHub noreply) beside a
// namesake, found, merged and unmerged through the real CLI, on a SQLite file and through the API
// (SQLite- and PostgreSQL-backed); the merges written as a .mailmap give the same report from a fresh backfill.

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type GitFixture } from './support/git-fixture.js';
import { expectOneLineError, runCli, runCliOk } from './support/cli.js';
import type { ServerProcess } from './support/server-process.js';
import { API_BACKENDS, type RunningBackend } from './support/api-backends.js';
import { readJson } from '../packages/api/test/harness.js';

const ANN_OLD = { name: 'Ann Lee', email: 'ann@old.example' };
const ANN_NEW = { name: 'Ann Lee', email: 'Ann@New.example' };
const ANN_NOREPLY = { name: 'ann', email: '4242+ann@users.noreply.github.com' };
const ANN_SMITH = { name: 'Ann Smith', email: 'asmith@example.org' };
const BOB = { name: 'Bob Stone', email: 'bob@example.com' };
const ANN_ADDRESSES = ['4242+ann@users.noreply.github.com', 'ann@new.example', 'ann@old.example'];
const API_KEY = 'identities-test-key';

let repo: GitFixture;
let workDir: string;

beforeAll(() => {
  repo = createFixture({ prefix: 'coherence-identities-' });
  const lines = (count: number, word: string) => Array.from({ length: count }, (_, index) => `${word} ${index}`).join('\n') + '\n';
  repo.commit({ message: 'Start', author: ANN_OLD, files: { 'src/a.ts': lines(10, 'a'), 'README.md': '# x\n' } });
  repo.commit({ message: 'Grow a', author: ANN_OLD, files: { 'src/a.ts': lines(140, 'a') } });
  repo.commit({ message: 'Add b', author: ANN_SMITH, files: { 'src/b.ts': lines(30, 'b') } });
  repo.commit({ message: 'Test b', author: ANN_NEW, coAuthors: [ANN_SMITH], files: { 'test/b.test.ts': lines(12, 't') } });
  repo.commit({ message: 'Fix b', author: ANN_NOREPLY, files: { 'src/b.ts': lines(31, 'b') } });
  repo.commit({ message: 'Add c', author: BOB, files: { 'src/c.ts': lines(5, 'c') } });
  repo.commit({ message: 'Docs', author: ANN_NEW, files: { 'docs/guide.md': lines(8, 'guide') } });
  repo.commit({ message: 'More b', author: ANN_SMITH, files: { 'src/b.ts': lines(40, 'b') } });
  workDir = mkdtempSync(join(tmpdir(), 'coherence-identities-work-'));
});

afterAll(() => {
  repo?.cleanup();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function report(db: string): Promise<any[]> {
  return JSON.parse((await runCliOk(['report', '--db', db, '--by', 'contributor', '--format', 'json'])).stdout).rows;
}

/** The rows of the given addresses added up, as one person's row would show them. */
function summed(rows: any[], emails: string[]) {
  const mine = rows.filter((row) => emails.includes(row.key));
  const total = (field: string) => mine.reduce((sum, row) => sum + row[field], 0);
  return {
    commits: total('commits'),
    contributions: total('contributions'),
    lines_added: total('lines_added'),
    lines_deleted: total('lines_deleted'),
    files_changed: total('files_changed'),
    cost_cents: total('cost_cents'),
  };
}

describe('coherence identities on a SQLite file', () => {
  let db: string;
  let before: any[];

  beforeAll(async () => {
    db = join(workDir, 'local.db');
    await runCliOk(['track', '--repo', repo.dir, '--db', db, '--json']);
    before = await report(db);
  });

  it('finds the one person under three addresses, and not her namesake', async () => {
    const listed = JSON.parse((await runCliOk(['identities', '--db', db, '--json'])).stdout);
    expect(listed.candidates).toHaveLength(1);
    const [group] = listed.candidates;
    expect(group.primary).toBe('ann@new.example');
    expect(group.addresses.map((address: any) => address.email).sort()).toEqual(ANN_ADDRESSES);
    expect(new Set(group.evidence.map((item: any) => item.kind))).toEqual(new Set(['same_name', 'noreply_login']));
    expect(group.contributions).toBe(5);
    const text = (await runCliOk(['identities', '--db', db])).stdout;
    expect(text).toContain('coherence identities merge ann@new.example 4242+ann@users.noreply.github.com ann@old.example');
    expect(text).not.toContain('asmith@example.org');
  });

  it('merges into one row with the summed figures, and unmerges back to the original rows', async () => {
    const merged = await runCliOk(['identities', 'merge', 'Ann@New.example', 'ann@old.example', ANN_NOREPLY.email, '--db', db]);
    expect(merged.stderr).toContain('Merged into ann@new.example: ann@old.example, 4242+ann@users.noreply.github.com');
    const after = await report(db);
    expect(after.map((row) => row.key).sort()).toEqual(['ann@new.example', 'asmith@example.org', 'bob@example.com']);
    expect(after.find((row) => row.key === 'ann@new.example')).toMatchObject({ name: 'Ann Lee', ...summed(before, ANN_ADDRESSES) });
    for (const other of ['asmith@example.org', 'bob@example.com']) {
      expect(after.find((row) => row.key === other)).toEqual(before.find((row) => row.key === other));
    }
    // Again: nothing changes. The listing now shows the merge, and no candidates.
    await runCliOk(['identities', 'merge', 'ann@new.example', 'ann@old.example', '--db', db]);
    expect(await report(db)).toEqual(after);
    expect(JSON.parse((await runCliOk(['identities', '--db', db, '--json'])).stdout)).toEqual({
      candidates: [],
      merges: [{ primary: 'ann@new.example', aliases: ['4242+ann@users.noreply.github.com', 'ann@old.example'] }],
    });

    await runCliOk(['identities', 'unmerge', 'ann@old.example', ANN_NOREPLY.email, '--db', db]);
    expect(await report(db)).toEqual(before);
  });

  it('refuses chains and non-addresses with one line, changing nothing', async () => {
    await runCliOk(['identities', 'merge', 'ann@new.example', 'ann@old.example', '--db', db]);
    try {
      const chained = await runCli(['identities', 'merge', 'ann@old.example', ANN_NOREPLY.email, '--db', db]);
      expect(chained.code).toBe(2);
      expect(expectOneLineError(chained)).toBe(
        'coherence: ann@old.example is merged into ann@new.example: name ann@new.example as the primary, or unmerge ann@old.example first',
      );
      const typo = await runCli(['identities', 'merge', 'ann@new.example', 'ann@new example', '--db', db]);
      expect(typo.code).toBe(2);
      expect(expectOneLineError(typo)).toContain('"ann@new example" is not an address');
      const missing = await runCli(['identities', '--db', join(workDir, 'missing.db')]);
      expect(missing.code).toBe(1);
      expectOneLineError(missing);
      const both = await runCli(['identities', '--db', db, '--api-url', 'http://127.0.0.1:9']);
      expect(both.code).toBe(2);
      expectOneLineError(both);
      expect(JSON.parse((await runCliOk(['identities', 'mailmap', '--db', db, '--json'])).stdout).mailmap).toEqual([
        'Ann Lee <ann@new.example> <ann@old.example>',
      ]);
    } finally {
      await runCliOk(['identities', 'unmerge', 'ann@old.example', '--db', db]);
    }
  });

  it('writes merges as a .mailmap that gives a fresh backfill the same report', async () => {
    const mergedDb = join(workDir, 'merged.db');
    cpSync(db, mergedDb);
    await runCliOk(['identities', 'merge', 'ann@new.example', 'ann@old.example', ANN_NOREPLY.email, '--db', mergedDb]);
    const mailmap = (await runCliOk(['identities', 'mailmap', '--db', mergedDb])).stdout;
    expect(mailmap).toBe(
      ['Ann Lee <ann@new.example> <4242+ann@users.noreply.github.com>', 'Ann Lee <ann@new.example> <ann@old.example>', ''].join('\n'),
    );

    const clone = join(workDir, 'clone');
    cpSync(repo.dir, clone, { recursive: true });
    writeFileSync(join(clone, '.mailmap'), mailmap);
    const fresh = join(workDir, 'mailmapped.db');
    await runCliOk(['track', '--repo', clone, '--db', fresh, '--repository', 'clone', '--json']);
    expect(await report(fresh)).toEqual(await report(mergedDb));
  });

  it('uses a repository’s .mailmap as evidence', async () => {
    const other = join(workDir, 'other.db');
    cpSync(db, other);
    const clone = join(workDir, 'mailmap-evidence');
    cpSync(repo.dir, clone, { recursive: true });
    writeFileSync(join(clone, '.mailmap'), 'Bob Stone <bob@example.com> <asmith@example.org>\n');
    const listed = JSON.parse((await runCliOk(['identities', '--db', other, '--repo', clone, '--json'])).stdout);
    const bob = listed.candidates.find((group: any) => group.primary === 'bob@example.com' || group.aliases.includes('bob@example.com'));
    expect(bob.evidence).toEqual([{ kind: 'mailmap', addresses: ['asmith@example.org', 'bob@example.com'], detail: 'bob@example.com' }]);
  });
});

for (const backend of API_BACKENDS) {
  describe.skipIf(backend.skipReason !== undefined)(backend.title('coherence identities through the API'), () => {
    let running: RunningBackend;
    let server: ServerProcess;
    let local: any[];

    beforeAll(async () => {
      running = await backend.start(workDir, API_KEY);
      server = running.server;
      await runCliOk(['track', '--repo', repo.dir, '--api-url', server.url, '--api-key', API_KEY, '--repository', 'identities', '--spool', join(workDir, `spool-${backend.name}.ndjson`), '--json']);
      const localDb = join(workDir, `api-local-${backend.name}.db`);
      await runCliOk(['track', '--repo', repo.dir, '--db', localDb, '--repository', 'identities', '--json']);
      await runCliOk(['identities', 'merge', 'ann@new.example', 'ann@old.example', ANN_NOREPLY.email, '--db', localDb]);
      local = await report(localDb);
    });
    afterAll(async () => {
      await running?.stop();
    });

    const topContributors = async () => (await readJson(await fetch(`${server.url}/api/stats`))).top_contributors;
    const env = { COHERENCE_API_URL: '', COHERENCE_API_KEY: API_KEY };

    it('finds, merges and unmerges as on SQLite, and every read counts the person once', async () => {
      const before = await topContributors();
      const listed = JSON.parse((await runCliOk(['identities', '--api-url', server.url, '--json'], env)).stdout);
      expect(listed.candidates).toHaveLength(1);
      expect(listed.candidates[0].addresses.map((address: any) => address.email).sort()).toEqual(ANN_ADDRESSES);

      await runCliOk(['identities', 'merge', 'ann@new.example', 'ann@old.example', ANN_NOREPLY.email, '--api-url', server.url], env);
      const after = await topContributors();
      expect(after.map((row: any) => row.email).sort()).toEqual(['ann@new.example', 'asmith@example.org', 'bob@example.com']);
      const ann = after.find((row: any) => row.email === 'ann@new.example');
      const expected = local.find((row) => row.key === 'ann@new.example');
      expect(ann).toMatchObject({ name: 'Ann Lee', commits: expected.commits, lines_added: expected.lines_added, cost_cents: expected.cost_cents, mean_coherence: expected.mean_coherence });

      const people = (await readJson(await fetch(`${server.url}/api/contributors`))).items;
      expect(people).toHaveLength(3);
      const annPerson = people.find((person: any) => person.email === 'ann@new.example');
      expect(annPerson.aliases).toEqual(['4242+ann@users.noreply.github.com', 'ann@old.example']);
      const theirs = (await readJson(await fetch(`${server.url}/api/contributors/${annPerson.id}/contributions`))).items;
      expect(theirs).toHaveLength(5);
      expect(new Set(theirs.map((item: any) => item.contributor_email))).toEqual(new Set(ANN_ADDRESSES));

      const mailmap = (await runCliOk(['identities', 'mailmap', '--api-url', server.url], env)).stdout;
      expect(mailmap).toContain('Ann Lee <ann@new.example> <ann@old.example>');

      const refused = await runCli(['identities', 'merge', 'ann@old.example', 'x@y.example', '--api-url', server.url], { env });
      expect(refused.code).toBe(2);
      expect(expectOneLineError(refused)).toContain('ann@old.example is merged into ann@new.example');
      const noKey = await runCli(['identities', 'merge', 'ann@new.example', 'x@y.example', '--api-url', server.url]);
      expect(noKey.code).toBe(1);
      expectOneLineError(noKey);

      await runCliOk(['identities', 'unmerge', 'ann@old.example', ANN_NOREPLY.email, '--api-url', server.url], env);
      expect(await topContributors()).toEqual(before);
    });
  });
}
