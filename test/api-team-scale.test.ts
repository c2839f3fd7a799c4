// A team's pushes arriving at once: concurrent writers on one database (through two stores, or two real
// `coherence serve` processes), group commits, and repository totals that equal the sum of their
// contributions whenever they are read — on SQLite and on PostgreSQL.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordFromPayload, type ContributionRecord } from '../packages/core/src/index.js';
import { POSTGRES_MIGRATIONS, openPostgresStore, type ContributionStore, type StoredAsset } from '../packages/api/src/index.js';
import {
  POSTGRES_URL,
  STORE_KINDS,
  dropSchema,
  hashFor,
  kindTitle,
  payload,
  queryPostgres,
  readJson,
  type StoreHandle,
} from '../packages/api/test/harness.js';
import { queryAll } from './support/database.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

const API_KEY = 'team-key';

function record(label: string, options: { email?: string; repository?: string; linesAdded?: number } = {}): ContributionRecord {
  return recordFromPayload(
    payload({
      commit_hash: hashFor(label),
      contributor_email: options.email ?? `${label.replace(/\W/g, '')}@example.com`,
      repository: options.repository ?? 'octo/team',
      metadata: { lines_added: options.linesAdded ?? 40 + (label.length * 37) % 900 },
    }) as never,
    new Date('2024-06-01T00:00:00Z'),
  );
}

/** Each repository's total as read in one statement next to the sum of its contributions. */
async function totalsBesideSums(handle: StoreHandle, dialect: ContributionStore['dialect']): Promise<Array<{ total: number; sum: number }>> {
  if (dialect === 'postgres') {
    const rows = await queryPostgres<{ total: string; sum: string }>(
      handle.env.databaseUrl!,
      `SELECT t.total_cost_cents AS total, COALESCE((SELECT SUM(c.cost_cents) FROM contributions c WHERE c.asset_id = t.asset_id), 0) AS sum
       FROM asset_totals t`,
    );
    return rows.map((row) => ({ total: Number(row.total), sum: Number(row.sum) }));
  }
  return queryAll<{ total: number; sum: number }>(
    handle.env.dbPath,
    `SELECT a.total_cost_cents AS total, COALESCE((SELECT SUM(c.cost_cents) FROM contributions c WHERE c.asset_id = a.id), 0) AS sum FROM assets a`,
  );
}

async function allAssets(store: ContributionStore): Promise<StoredAsset[]> {
  return (await store.listAssets({ limit: 100 })).items;
}

for (const kind of STORE_KINDS) {
  describe.skipIf(kind.skipReason !== undefined)(kindTitle(kind, 'repository totals under concurrent writers'), () => {
    let handle: StoreHandle;
    beforeEach(async () => {
      handle = await kind.open();
    });
    afterEach(async () => {
      await handle.dispose();
    });

    it('equal the sum of the contributions at every read while two stores write one repository', async () => {
      const second = kind.name === 'sqlite' ? handle.store : await handle.reopen();
      const stores = [handle.store, second];
      const records = Array.from({ length: 120 }, (_, index) => record(`total-${index}`, { email: `p${index % 7}@example.com`, repository: index % 5 ? 'octo/team' : 'octo/side' }));
      let writing = true;
      const reads: Array<{ total: number; sum: number }> = [];
      const checker = (async () => {
        while (writing) {
          reads.push(...(await totalsBesideSums(handle, kind.dialect)));
          // Folding pending deltas (PostgreSQL) while writers run must not change any total either.
          if (kind.dialect === 'postgres') await (stores[reads.length % 2] as unknown as { foldTotals(): Promise<void> }).foldTotals();
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
      // Every record twice, from either store, in waves of concurrent writes: duplicates add nothing.
      const submissions = [...records, ...records];
      for (let start = 0; start < submissions.length; start += 40) {
        await Promise.all(submissions.slice(start, start + 40).map((one, index) => stores[index % 2]!.ingest([one])));
        reads.push(...(await totalsBesideSums(handle, kind.dialect)));
      }
      writing = false;
      await checker;
      expect(reads.length).toBeGreaterThan(0);
      for (const read of reads) expect(read.total).toBe(read.sum);

      const expected = new Map<string, number>();
      for (const one of records) expected.set(one.repository, (expected.get(one.repository) ?? 0) + one.costCents);
      for (const store of stores) {
        const assets = await allAssets(store);
        expect(new Map(assets.map((asset) => [asset.name, asset.total_cost_cents]))).toEqual(expected);
        for (const asset of assets) expect(asset.total_cost).toBe((asset.total_cost_cents / 100).toFixed(2));
      }
      expect((await handle.store.listContributions({}, { limit: 500 })).items).toHaveLength(records.length);
    });

    it('follow contributions whose cost is rewritten or deleted by any statement (as a rescore does)', async () => {
      const records = Array.from({ length: 6 }, (_, index) => record(`rescore-${index}`, { repository: index < 4 ? 'octo/a' : 'octo/b' }));
      await handle.store.ingestIds(records);
      const run = async (sql: string) => {
        if (kind.dialect === 'postgres') await queryPostgres(handle.env.databaseUrl!, sql);
        else {
          const { default: Database } = await import('better-sqlite3');
          const db = new Database(handle.env.dbPath);
          try {
            db.exec(sql);
          } finally {
            db.close();
          }
        }
      };
      await run(`UPDATE contributions SET cost_cents = cost_cents * 3 + 1 WHERE commit_hash IN ('${hashFor('rescore-0')}', '${hashFor('rescore-4')}')`);
      await run(`DELETE FROM contributions WHERE commit_hash = '${hashFor('rescore-1')}'`);
      const rows = (await handle.store.listContributions({}, { limit: 50 })).items;
      expect(rows).toHaveLength(5);
      const sums = new Map<string, number>();
      for (const row of rows) sums.set(row.repository, (sums.get(row.repository) ?? 0) + row.cost_cents);
      const assets = await allAssets(handle.store);
      expect(new Map(assets.map((asset) => [asset.name, asset.total_cost_cents]))).toEqual(sums);
      const rescored = rows.find((row) => row.commit_hash === hashFor('rescore-0'))!;
      expect(rescored.cost_cents).toBe(records[0]!.costCents * 3 + 1);
      for (const read of await totalsBesideSums(handle, kind.dialect)) expect(read.total).toBe(read.sum);
    });
  });
}

for (const kind of STORE_KINDS.filter((candidate) => candidate.name !== 'sqlite')) {
  describe.skipIf(kind.skipReason !== undefined)(kindTitle(kind, 'group commit'), () => {
    let handle: StoreHandle;
    beforeEach(async () => {
      handle = await kind.open();
    });
    afterEach(async () => {
      await handle.dispose();
    });

    it('writes concurrent single posts together, each answered on its own, idempotently', async () => {
      const { store } = handle;
      await store.ingest([record('warm-up')]);
      const before = { ...store.writeGroups! };
      const records = Array.from({ length: 60 }, (_, index) => record(`group-${index % 40}`));
      const outcomes = await Promise.all(records.map((one) => store.ingest([one])));
      const after = store.writeGroups!;
      // 60 submissions in fewer writes: they were gathered while earlier ones were in flight.
      expect(after.members - before.members).toBe(60);
      expect(after.groups - before.groups).toBeLessThan(60);
      expect(after.largest).toBeGreaterThan(1);
      const byCommit = new Map<string, string[]>();
      outcomes.forEach(([outcome], index) => {
        expect(outcome!.contribution.commit_hash).toBe(records[index]!.commitHash);
        expect(outcome!.contribution.cost_cents).toBe(records[index]!.costCents);
        byCommit.set(outcome!.contribution.commit_hash, [...(byCommit.get(outcome!.contribution.commit_hash) ?? []), `${outcome!.status} ${outcome!.contribution.id}`]);
      });
      // Each of the 20 repeated commits: one created, one duplicate, the same row.
      for (const answers of byCommit.values()) {
        expect(answers.filter((answer) => answer.startsWith('created'))).toHaveLength(1);
        expect(new Set(answers.map((answer) => answer.split(' ')[1])).size).toBe(1);
      }
      expect((await store.listContributions({}, { limit: 100 })).items).toHaveLength(41);
    });

    it('rejects only the member the database refuses, and stores every other one', async () => {
      const { store } = handle;
      await store.ingest([record('first')]);
      const records = Array.from({ length: 30 }, (_, index) => record(`mixed-${index}`));
      // A cost the schema's CHECK refuses: only the store itself can be handed one.
      const refused = { ...record('refused'), costCents: -5 };
      const submissions = [...records.slice(0, 15), refused, ...records.slice(15)];
      const groupsBefore = store.writeGroups!.groups;
      const settled = await Promise.allSettled(submissions.map((one) => store.ingestIds([one])));
      expect(store.writeGroups!.groups - groupsBefore).toBeLessThan(submissions.length);
      const failed = settled.flatMap((outcome, index) => (outcome.status === 'rejected' ? [index] : []));
      expect(failed).toEqual([15]);
      expect(String((settled[15] as PromiseRejectedResult).reason)).toMatch(/check|constraint/i);
      for (const outcome of settled.filter((one) => one.status === 'fulfilled')) expect(outcome.value[0]!.status).toBe('created');
      const stored = (await store.listContributions({}, { limit: 100 })).items;
      expect(stored.map((row) => row.commit_hash).sort()).toEqual([record('first'), ...records].map((one) => one.commitHash).sort());
      const [asset] = await allAssets(store);
      expect(asset!.total_cost_cents).toBe([record('first'), ...records].reduce((sum, one) => sum + one.costCents, 0));
    });
  });
}

describe.skipIf(STORE_KINDS.find((kind) => kind.name === 'postgres')!.skipReason !== undefined)('PostgreSQL migrations from many servers at once', () => {
  it('applies each version once when several processes open a new schema together', async () => {
    const schema = `coherence_migrate_${process.pid}_${Date.now().toString(36)}`;
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ connectionString: POSTGRES_URL, schema, maxConnections: 2 })));
      const url = new URL(POSTGRES_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const versions = await queryPostgres<{ version: number }>(url.toString(), 'SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.map((row) => row.version)).toEqual(POSTGRES_MIGRATIONS.map((migration) => migration.version));
      for (const store of stores) await store.close();
    } finally {
      await dropSchema(schema);
    }
  });
});

for (const kind of STORE_KINDS.filter((candidate) => candidate.name !== 'sqlite')) {
  describe.skipIf(kind.skipReason !== undefined)(kindTitle(kind, 'two `coherence serve` processes on one database'), () => {
    let handle: StoreHandle;
    const servers: ServerProcess[] = [];
    beforeEach(async () => {
      handle = await kind.open();
      // The servers open it themselves; this process keeps no connection of its own.
      await handle.store.close();
    });
    afterEach(async () => {
      for (const server of servers.splice(0)) await server.stop();
      await handle.dispose();
    });

    it('take 200 concurrent posts (100 commits, each twice) as exactly 100 rows with the right totals', async () => {
      const env = { COHERENCE_API_KEYS: API_KEY, ...(handle.env.databaseUrl ? { DATABASE_URL: handle.env.databaseUrl } : {}) };
      const args = handle.env.databaseUrl ? [] : ['--db', handle.env.dbPath];
      servers.push(...(await Promise.all([startServerProcess(args, env), startServerProcess(args, env)])));
      const bodies = Array.from({ length: 100 }, (_, index) =>
        payload({ commit_hash: hashFor(`replica-${index}`), contributor_email: `dev${index % 9}@example.com`, metadata: { lines_added: 10 + index * 13 } }),
      );
      // Each commit once through each server, all 200 at once.
      const posts = [...bodies.map((body) => [body, 0] as const), ...bodies.map((body) => [body, 1] as const)];
      const answers = await Promise.all(
        posts.map(async ([body, server]) => {
          const response = await fetch(`${servers[server]!.url}/api/contributions/github`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
            body: JSON.stringify(body),
          });
          return { status: response.status, row: await readJson(response) };
        }),
      );
      // An unexpected 500 fails with the servers' own account of it.
      const internal = servers.map((server) => server.internalErrors()).join('\n');
      for (let index = 0; index < 100; index += 1) {
        const pair = [answers[index]!, answers[index + 100]!];
        expect(pair.map((answer) => answer.status).sort(), internal).toEqual([200, 201]);
        expect(pair[0]!.row).toEqual(pair[1]!.row);
      }
      const expected = answers.slice(0, 100).reduce((sum, answer) => sum + (answer.row.cost_cents as number), 0);
      for (const [first, server] of servers.entries()) {
        const assets = await readJson(await fetch(`${server.url}/api/assets`));
        expect(assets.items).toHaveLength(1);
        expect(assets.items[0].total_cost_cents).toBe(expected);
        // Paging alternately through both servers: a cursor from one is good on the other.
        const ids: string[] = [];
        let next: string | null = '/api/contributions?limit=30';
        for (let page = first; next; page += 1) {
          const body = await readJson(await fetch(`${servers[page % 2]!.url}${next}`));
          ids.push(...body.items.map((item: { id: string }) => item.id));
          next = body.next;
        }
        expect(ids).toHaveLength(100);
        expect(new Set(ids).size).toBe(100);
      }
      for (const read of await totalsBesideSums(handle, kind.dialect)) expect(read.total).toBe(read.sum);
    });
  });
}
