// The store contract, run unchanged against every adapter: SQLite (a temporary file) and PostgreSQL
// (a schema of its own per run). Records come from core, exactly as the CLI and the API build them.

import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contributionsForCommit, recordFromPayload, type ContributionRecord, type GitCommit } from '../packages/core/src/index.js';
import {
  InvalidCursorError,
  openSqliteStore,
  POSTGRES_MIGRATIONS,
  SQLITE_MIGRATIONS,
  type ContributionStore,
  type StoredContribution,
} from '../packages/api/src/index.js';
import { STORE_KINDS, hashFor, kindTitle, payload, type StoreHandle } from '../packages/api/test/harness.js';

function commit(label: string, overrides: Partial<GitCommit> = {}): GitCommit {
  return {
    hash: hashFor(label),
    parents: [hashFor(`${label}^`)],
    author: { name: 'Ann', email: 'Ann@Example.com', date: '2024-03-01T10:00:00+02:00' },
    committer: { name: 'Ann', email: 'ann@example.com', date: '2024-03-01T11:00:00+02:00' },
    subject: `Change ${label}`,
    message: `Change ${label}\n\nCo-authored-by: Bob <bob@example.com>\n`,
    files: [
      { path: 'src/feature.ts', linesAdded: 120, linesDeleted: 4, binary: false },
      { path: 'src/feature.test.ts', linesAdded: 30, linesDeleted: 0, binary: false },
    ],
    ...overrides,
  };
}

function record(email: string, label: string, timestamp = '2024-03-01T10:00:00Z', repository = 'octo/hello'): ContributionRecord {
  return recordFromPayload(
    payload({ contributor_email: email, commit_hash: hashFor(label), repository, metadata: { timestamp, contributor_name: email.split('@')[0] } }) as never,
    new Date('2024-06-01T00:00:00Z'),
  );
}

/** What a stored row must carry of the record it came from. */
function expectStoredAs(stored: StoredContribution, expected: ContributionRecord): void {
  expect(stored).toMatchObject({
    commit_hash: expected.commitHash,
    contributor_email: expected.contributor.email,
    contributor_name: expected.contributor.name,
    repository: expected.repository,
    cost_cents: expected.costCents,
    cost_amount: (expected.costCents / 100).toFixed(2),
    coherence_score: expected.coherence,
    timestamp: expected.timestamp,
  });
  expect(stored.meta).toEqual(expected.meta);
}

for (const kind of STORE_KINDS) {
  describe.skipIf(kind.skipReason !== undefined)(kindTitle(kind, 'ContributionStore contract'), () => {
    let handle: StoreHandle;
    let store: ContributionStore;

    beforeEach(async () => {
      handle = await kind.open();
      store = handle.store;
    });
    afterEach(async () => {
      await handle.dispose();
    });

    it('stores every record of a commit exactly as core built it, and finds or creates people and repositories', async () => {
      const records = contributionsForCommit(commit('one'), 'octo/hello');
      expect(records).toHaveLength(2);
      const outcomes = await store.ingest(records);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['created', 'created']);
      outcomes.forEach((outcome, index) => expectStoredAs(outcome.contribution, records[index]!));
      const contributors = await store.listContributors({ limit: 10 });
      expect(contributors.items.map((person) => person.email).sort()).toEqual(['ann@example.com', 'bob@example.com']);
      const assets = await store.listAssets({ limit: 10 });
      expect(assets.items).toHaveLength(1);
      expect(assets.items[0]).toMatchObject({ name: 'octo/hello', asset_type: 'REPOSITORY' });
    });

    it('answers the same (repository, commit, contributor) as a duplicate with the stored row, creating nothing', async () => {
      const first = record('ann@example.com', 'dup');
      const [created] = await store.ingest([first]);
      // The same key with different figures: still the first row, unchanged.
      const again = recordFromPayload(payload({ commit_hash: hashFor('dup').toUpperCase(), metadata: { lines_added: 5 } }) as never);
      const [duplicate] = await store.ingest([again]);
      expect(duplicate!.status).toBe('duplicate');
      expect(duplicate!.contribution).toEqual(created!.contribution);
      const page = await store.listContributions({}, { limit: 10 });
      expect(page.items).toHaveLength(1);
      const asset = await store.getAsset(created!.contribution.asset_id);
      expect(asset!.total_cost_cents).toBe(first.costCents);
    });

    it('reports a repeat within one batch as a duplicate of the first, with the same id', async () => {
      const a = record('ann@example.com', 'batch-1');
      const b = record('bob@example.com', 'batch-1');
      const results = await store.ingestIds([a, b, a]);
      expect(results.map((result) => result.status)).toEqual(['created', 'created', 'duplicate']);
      expect(results[2]!.id).toBe(results[0]!.id);
      expect(new Set(results.map((result) => result.id)).size).toBe(2);
    });

    it('keeps assets.total_cost equal to the sum of its contributions', async () => {
      const records = [
        ...contributionsForCommit(commit('t1'), 'octo/hello'),
        ...contributionsForCommit(commit('t2', { files: [{ path: 'a.ts', linesAdded: 9000, linesDeleted: 0, binary: false }] }), 'octo/hello'),
        ...contributionsForCommit(commit('t3'), 'octo/other'),
      ];
      await store.ingestIds(records);
      await store.ingestIds(records.slice(0, 3)); // duplicates add nothing
      const assets = (await store.listAssets({ limit: 10 })).items;
      for (const asset of assets) {
        const expected = records.filter((row) => row.repository === asset.name).reduce((sum, row) => sum + row.costCents, 0);
        expect(asset.total_cost_cents).toBe(expected);
        expect(asset.total_cost).toBe((expected / 100).toFixed(2));
      }
    });

    it('takes 50 concurrent identical writes as one row', async () => {
      const same = record('ann@example.com', 'race');
      const outcomes = await Promise.all(Array.from({ length: 50 }, () => store.ingest([same])));
      const statuses = outcomes.map(([outcome]) => outcome!.status);
      expect(statuses.filter((status) => status === 'created')).toHaveLength(1);
      expect(new Set(outcomes.map(([outcome]) => outcome!.contribution.id)).size).toBe(1);
      expect((await store.listContributions({}, { limit: 100 })).items).toHaveLength(1);
      const asset = await store.getAsset(outcomes[0]![0]!.contribution.asset_id);
      expect(asset!.total_cost_cents).toBe(same.costCents);
    });

    it('takes overlapping concurrent batches (in any order) without deadlock or double counting', async () => {
      const records = Array.from({ length: 20 }, (_, index) => record(`p${index % 5}@example.com`, `overlap-${index}`));
      const shuffled = (seed: number) => [...records].sort((a, b) => ((hashFor(`${seed}${a.commitHash}`) < hashFor(`${seed}${b.commitHash}`)) ? -1 : 1));
      const results = await Promise.all(Array.from({ length: 8 }, (_, seed) => store.ingestIds(shuffled(seed))));
      const created = results.flat().filter((result) => result.status === 'created');
      expect(created).toHaveLength(20);
      const assets = (await store.listAssets({ limit: 10 })).items;
      expect(assets[0]!.total_cost_cents).toBe(records.reduce((sum, row) => sum + row.costCents, 0));
    });

    it('gives the same rows the same ids, and a person the name of their newest commit, in any order of writing', async () => {
      const named = (label: string, name: string, timestamp: string) =>
        recordFromPayload(
          payload({ contributor_email: 'dana@example.com', commit_hash: hashFor(label), repository: 'octo/names', metadata: { timestamp, contributor_name: name } }) as never,
          new Date('2024-06-01T00:00:00Z'),
        );
      const oldest = named('n1', 'Dana Old', '2024-01-01T00:00:00Z');
      const middle = named('n2', 'Dana Middle', '2024-01-15T00:00:00Z');
      const newest = named('n3', 'Dana New', '2024-02-01T00:00:00Z');
      const other = await kind.open();
      const together = await kind.open();
      try {
        // Newest first in one store, oldest first (one at a time) in another, all in one batch with the
        // newest in the middle in the third.
        await store.ingest([newest, middle]);
        await store.ingest([oldest]);
        for (const one of [oldest, middle, newest]) await other.store.ingest([one]);
        await together.store.ingestIds([oldest, newest, middle]);
        for (const each of [store, other.store, together.store]) {
          const people = await each.listContributors({ limit: 10 });
          expect(people.items.map((person) => person.name)).toEqual(['Dana New']);
        }
        const ids = async (each: ContributionStore) => ({
          people: (await each.listContributors({ limit: 10 })).items.map((person) => person.id),
          assets: (await each.listAssets({ limit: 10 })).items.map((asset) => asset.id),
          rows: (await each.listContributions({}, { limit: 10 })).items.map((row) => [row.commit_hash, row.id]),
        });
        const first = await ids(store);
        expect(first.rows).toHaveLength(3);
        expect(await ids(other.store)).toEqual(first);
        expect(await ids(together.store)).toEqual(first);
        // Ids follow the commit's time, so rows in commit order have ids in that order.
        expect(first.rows.map(([, id]) => id)).toEqual(first.rows.map(([, id]) => id).sort());
      } finally {
        await other.dispose();
        await together.dispose();
      }
    });

    it('names each person as their newest commit when concurrent batches rename the same people', async () => {
      const people = Array.from({ length: 12 }, (_, person) => `p${person}@example.com`);
      const batches = Array.from({ length: 6 }, (_, batch) =>
        people.map((email, person) =>
          recordFromPayload(
            payload({
              contributor_email: email,
              commit_hash: hashFor(`rename-${batch}-${person}`),
              repository: 'octo/renames',
              metadata: { timestamp: new Date(Date.UTC(2024, 0, 1 + batch)).toISOString(), contributor_name: `Person ${person} v${batch}` },
            }) as never,
            new Date('2024-06-01T00:00:00Z'),
          ),
        ),
      );
      // All at once, newest batch first and last alike: every batch renames every person.
      await Promise.all([...batches].reverse().concat(batches).map((batch) => store.ingestIds(batch)));
      const names = (await store.listContributors({ limit: 50 })).items.map((person) => person.name).sort();
      expect(names).toEqual(people.map((_, person) => `Person ${person} v5`).sort());
      expect((await store.listContributions({}, { limit: 100 })).items).toHaveLength(72);
    });

    it('creates by id only for a known contributor and asset, idempotently', async () => {
      const [seed] = await store.ingest([record('ann@example.com', 'seed')]);
      const { contributor_id, asset_id } = seed!.contribution;
      const base = { commit_hash: hashFor('by-id'), cost_cents: 120, coherence_score: 0.6, timestamp: '2024-04-01T00:00:00.000Z', meta: { files_changed: 2, lines_added: 10, lines_deleted: 1 } };
      expect((await store.createById({ ...base, contributor_id: 'nobody', asset_id })).status).toBe('unknown_contributor');
      expect((await store.createById({ ...base, contributor_id, asset_id: 'nothing' })).status).toBe('unknown_asset');
      const created = await store.createById({ ...base, contributor_id, asset_id });
      expect(created.status).toBe('created');
      const again = await store.createById({ ...base, contributor_id, asset_id, cost_cents: 999 });
      expect(again).toEqual({ ...created, status: 'duplicate' });
      if (created.status !== 'created') throw new Error('unreachable');
      expect(created.contribution).toMatchObject({ cost_cents: 120, cost_amount: '1.20', coherence_score: 0.6, timestamp: base.timestamp });
      expect((await store.getAsset(asset_id))!.total_cost_cents).toBe(seed!.contribution.cost_cents + 120);
    });

    it('pages contributions in a stable (timestamp, id) order, with filters, unaffected by inserts', async () => {
      const rows = Array.from({ length: 25 }, (_, index) =>
        record(index % 2 ? 'odd@example.com' : 'even@example.com', `page-${index}`, `2024-01-${String(1 + (index % 10)).padStart(2, '0')}T12:00:00Z`, index % 3 ? 'octo/a' : 'octo/b'),
      );
      await store.ingestIds(rows);
      const seen: StoredContribution[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listContributions({}, { limit: 7, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages += 1;
        // Rows landing mid-way: one before the cursor (never shown), one after it (shown once).
        if (pages === 1) await store.ingestIds([record('late@example.com', 'early-late', '2023-01-01T00:00:00Z'), record('late@example.com', 'later', '2025-01-01T00:00:00Z')]);
      } while (cursor);
      expect(pages).toBe(4);
      expect(seen).toHaveLength(26);
      expect(new Set(seen.map((row) => row.id)).size).toBe(26);
      const keys = seen.map((row) => `${row.timestamp} ${row.id}`);
      expect(keys).toEqual([...keys].sort());
      expect(seen.at(-1)!.commit_hash).toBe(hashFor('later'));

      const filtered = await store.listContributions(
        { repository: 'octo/a', contributorEmail: ' ODD@example.com ', since: '2024-01-03T00:00:00.000Z', until: '2024-01-08T00:00:00.000Z' },
        { limit: 100 },
      );
      const expected = rows.filter(
        (row) => row.repository === 'octo/a' && row.contributor.email === 'odd@example.com' && row.timestamp >= '2024-01-03' && row.timestamp < '2024-01-08',
      );
      expect(filtered.items.map((row) => row.commit_hash).sort()).toEqual(expected.map((row) => row.commitHash).sort());
      expect(filtered.items.length).toBeGreaterThan(0);

      const [first] = (await store.listContributions({ contributorEmail: 'odd@example.com' }, { limit: 1 })).items;
      const byPerson = await store.listContributions({ contributorId: first!.contributor_id }, { limit: 100 });
      expect(byPerson.items.every((row) => row.contributor_email === 'odd@example.com')).toBe(true);
      const byAsset = await store.listContributions({ assetId: first!.asset_id }, { limit: 100 });
      expect(byAsset.items.every((row) => row.repository === first!.repository)).toBe(true);
    });

    it('refuses a cursor it did not issue', async () => {
      await expect(store.listContributions({}, { limit: 5, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(store.listContributors({ limit: 5, cursor: '!!' })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('pages contributors and assets', async () => {
      await store.ingestIds(Array.from({ length: 7 }, (_, index) => record(`person${index}@example.com`, `people-${index}`, undefined, `octo/r${index}`)));
      for (const list of [(page: { limit: number; cursor?: string }) => store.listContributors(page), (page: { limit: number; cursor?: string }) => store.listAssets(page)]) {
        const first = await list({ limit: 4 });
        expect(first.items).toHaveLength(4);
        const second = await list({ limit: 4, cursor: first.nextCursor! });
        expect(second.items).toHaveLength(3);
        expect(second.nextCursor).toBeUndefined();
        expect(new Set([...first.items, ...second.items].map((row) => row.id)).size).toBe(7);
      }
    });

    it('finds a commit’s contributions by hash, in any case', async () => {
      const records = contributionsForCommit(commit('lookup'), 'octo/hello');
      await store.ingestIds(records);
      const found = await store.contributionsForCommit(hashFor('lookup').toUpperCase());
      expect(found.map((row) => row.contributor_email)).toEqual(['ann@example.com', 'bob@example.com']);
      expect(await store.contributionsForCommit(hashFor('nothing'))).toEqual([]);
    });

    it('reports per group, counting a shared commit’s figures once', async () => {
      const shared = contributionsForCommit(commit('r1', { author: { name: 'Ann', email: 'ann@example.com', date: '2024-03-04T10:00:00Z' } }), 'octo/hello');
      const solo = contributionsForCommit(
        commit('r2', { message: 'solo', author: { name: 'Bob', email: 'bob@example.com', date: '2024-03-10T10:00:00Z' } }),
        'octo/other',
      );
      await store.ingestIds([...shared, ...solo]);
      const byDay = await store.report({}, 'day');
      expect(byDay.map((row) => [row.key, row.commits, row.contributions, row.lines_added])).toEqual([
        ['2024-03-04', 1, 2, 150],
        ['2024-03-10', 1, 1, 150],
      ]);
      expect(byDay[0]!.cost_cents).toBe(shared.reduce((sum, row) => sum + row.costCents, 0));
      // Monday 4 March to Sunday 10 March is one ISO week, named by its Monday.
      expect((await store.report({}, 'week')).map((row) => [row.key, row.commits])).toEqual([['2024-03-04', 2]]);
      expect((await store.report({}, 'month')).map((row) => [row.key, row.commits])).toEqual([['2024-03', 2]]);
      expect((await store.report({}, 'repository')).map((row) => row.key).sort()).toEqual(['octo/hello', 'octo/other']);
      const people = await store.report({}, 'contributor');
      expect(people.map((row) => [row.key, row.commits])).toEqual([
        ['bob@example.com', 2],
        ['ann@example.com', 1],
      ]);
      expect(people[1]!.mean_coherence).toBe(shared[0]!.coherence);
      const stats = await store.stats({ repository: 'octo/hello' }, 1);
      expect(stats.per_day).toEqual([{ day: '2024-03-04', commits: 1, contributions: 2, cost_cents: byDay[0]!.cost_cents }]);
      expect(stats.top_contributors).toHaveLength(1);
    });

    it('keeps its data across a restart, and applies migrations once', async () => {
      const records = contributionsForCommit(commit('persist'), 'octo/hello');
      await store.ingestIds(records);
      await store.close();
      const reopened = await handle.reopen();
      const page = await reopened.listContributions({}, { limit: 10 });
      expect(page.items).toHaveLength(records.length);
      for (const expected of records) expectStoredAs(page.items.find((row) => row.contributor_email === expected.contributor.email)!, expected);
      expect((await reopened.ingestIds(records)).every((result) => result.status === 'duplicate')).toBe(true);
      const version = await (reopened as unknown as { schemaVersion(): number | Promise<number> }).schemaVersion();
      expect(version).toBe((kind.dialect === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS).at(-1)!.version);
    });

    it('answers ping while open and fails it once closed', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping()).rejects.toThrow();
    });
  });
}

describe('SQLite background checkpoints (the server’s mode)', () => {
  /** How many contributions the main database file holds on its own, without its WAL. */
  async function rowsInMainFile(dir: string, path: string): Promise<number> {
    const copy = join(dir, `copy-${Math.random().toString(36).slice(2)}.db`);
    copyFileSync(path, copy);
    const reader = openSqliteStore(copy, { readonly: true });
    try {
      return (await reader.listContributions({}, { limit: 1000 })).items.length;
    } finally {
      reader.closeSync();
    }
  }

  it('copies committed pages into the database file from a worker, where commits alone would not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coherence-checkpoint-'));
    try {
      const records = Array.from({ length: 20 }, (_, index) => record(`p${index}@example.com`, `checkpoint-${index}`));
      const plain = openSqliteStore(join(dir, 'plain.db'));
      await plain.ingestIds(records);
      // Still only in the WAL (the schema too): the main file alone holds nothing.
      expect(await rowsInMainFile(dir, join(dir, 'plain.db')).catch(() => 0)).toBe(0);
      await plain.close();

      const path = join(dir, 'background.db');
      const store = openSqliteStore(path, { backgroundCheckpoints: true });
      await store.ingestIds(records);
      const until = Date.now() + 5_000;
      let found = 0;
      while (found < records.length && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        found = await rowsInMainFile(dir, path).catch(() => 0);
      }
      expect(found).toBe(records.length);
      const started = Date.now();
      await store.close();
      expect(Date.now() - started).toBeLessThan(5_000);
      await expect(store.ping()).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite backfill transactions (the CLI’s mode)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'coherence-backfill-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** What another connection sees: committed rows only. */
  async function committed(path: string): Promise<{ rows: number; cents: number; tracked: number }> {
    const reader = openSqliteStore(path, { readonly: true });
    try {
      const rows = (await reader.listContributions({}, { limit: 1000 })).items;
      const assets = (await reader.listAssets({ limit: 10 })).items;
      expect(assets.reduce((sum, asset) => sum + asset.total_cost_cents, 0)).toBe(rows.reduce((sum, row) => sum + row.cost_cents, 0));
      return { rows: rows.length, cents: rows.reduce((sum, row) => sum + row.cost_cents, 0), tracked: reader.trackedCommits('octo/hello', 's1').size };
    } finally {
      reader.closeSync();
    }
  }

  const batch = (label: string) => ({
    records: contributionsForCommit(commit(label), 'octo/hello'),
    tracked: { repository: 'octo/hello', hashes: [hashFor(label)], settings: 's1' },
  });

  it('holds one transaction across additions until commit, totals included', async () => {
    const path = join(dir, 'backfill.db');
    const store = openSqliteStore(path);
    const backfill = store.backfill();
    const first = batch('b1');
    const second = batch('b2');
    expect(backfill.add(first.records, first.tracked)).toEqual({ created: 2, duplicates: 0 });
    expect(backfill.add(second.records, second.tracked)).toEqual({ created: 2, duplicates: 0 });
    expect(await committed(path)).toEqual({ rows: 0, cents: 0, tracked: 0 });
    backfill.commit();
    const cents = [...first.records, ...second.records].reduce((sum, record) => sum + record.costCents, 0);
    expect(await committed(path)).toEqual({ rows: 4, cents, tracked: 2 });
    // Nothing open: committing again changes nothing, and a repeat is counted as duplicates.
    backfill.commit();
    expect(backfill.add(first.records, first.tracked)).toEqual({ created: 0, duplicates: 2 });
    backfill.commit();
    expect(await committed(path)).toEqual({ rows: 4, cents, tracked: 2 });
    store.closeSync();
  });

  it('loses only the open transaction on rollback or a failed write, and goes on working', async () => {
    const path = join(dir, 'rollback.db');
    const store = openSqliteStore(path);
    const backfill = store.backfill();
    const kept = batch('k1');
    backfill.add(kept.records, kept.tracked);
    backfill.commit();
    const before = await committed(path);

    const dropped = batch('d1');
    backfill.add(dropped.records, dropped.tracked);
    backfill.rollback();
    expect(await committed(path)).toEqual(before);

    // A row the schema refuses (negative cost) fails the add and rolls back what the transaction held.
    const open = batch('d2');
    backfill.add(open.records, open.tracked);
    const refused = contributionsForCommit(commit('d3', { author: { name: 'Cy', email: 'cy@example.com', date: '2024-03-02T10:00:00Z' } }), 'octo/hello');
    expect(() => backfill.add([{ ...refused[0]!, costCents: -1 }], { repository: 'octo/hello', hashes: [hashFor('d3')], settings: 's1' })).toThrow(/CHECK/);
    expect(await committed(path)).toEqual(before);

    // New people created in the rolled-back transactions are created again, not looked up from a stale cache.
    const after = batch('a1');
    backfill.add([...after.records, ...refused], after.tracked);
    backfill.commit();
    const rows = await committed(path);
    expect(rows.rows).toBe(before.rows + after.records.length + refused.length);
    store.closeSync();
  });
});
