// The identity and rescore contract, run unchanged against every store: SQLite (in process and on its
// thread) and PostgreSQL. Merged addresses count once under their primary in every read; rescoring
// brings rows of the previous model versions to the current ones with totals equal to their sums.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contributionsForCommit, type ContributionRecord, type GitCommit } from '../packages/core/src/index.js';
import { rescoreToEnd, type ContributionStore } from '../packages/api/src/index.js';
import { STORE_KINDS, hashFor, kindTitle, type StoreHandle } from '../packages/api/test/harness.js';
import { helloRecords as records, personCommit as commit } from './support/person-commits.js';
import { asPreviousRelease } from './support/previous-release.js';

const ANN_OLD = { name: 'Ann Lee', email: 'ann@old.example' };
const ANN_NEW = { name: 'Ann Lee', email: 'ann@new.example' };
const ANN_NOREPLY = { name: 'ann', email: '123+ann@users.noreply.github.com' };
const ANN_SMITH = { name: 'Ann Smith', email: 'asmith@example.org' };

const rescoreAll = (store: ContributionStore, limit: number) => rescoreToEnd((request) => store.rescore(request), limit);

async function allContributions(store: ContributionStore) {
  return (await store.listContributions({}, { limit: 1000 })).items;
}

for (const kind of STORE_KINDS) {
  describe.skipIf(kind.skipReason !== undefined)(kindTitle(kind, 'identities and rescore contract'), () => {
    let handle: StoreHandle;
    let store: ContributionStore;

    beforeEach(async () => {
      handle = await kind.open();
      store = handle.store;
    });
    afterEach(async () => {
      await handle.dispose();
    });

    const seedAnn = async () => {
      const stored = records(
        commit('a1', ANN_OLD),
        commit('a2', ANN_OLD, { lines: 300 }),
        commit('a3', ANN_NEW),
        commit('a4', ANN_NOREPLY),
        commit('s1', ANN_SMITH),
        commit('s2', ANN_SMITH, { coAuthor: ANN_NEW }),
      );
      await store.ingestIds(stored);
      return stored;
    };

    it('lists every address with its contributions, and merges aliases under a primary in every read', async () => {
      const stored = await seedAnn();
      const overview = await store.identities();
      expect(overview.links).toEqual([]);
      expect(overview.addresses.map((address) => [address.email, address.contributions])).toEqual([
        ['123+ann@users.noreply.github.com', 1],
        ['ann@new.example', 2],
        ['ann@old.example', 2],
        ['asmith@example.org', 2],
      ]);
      const before = await store.report({}, 'contributor');
      expect(before).toHaveLength(4);

      const plan = await store.mergeIdentities('ann@new.example', ['ANN@old.example', ANN_NOREPLY.email]);
      expect(plan).toMatchObject({ ok: true, merged: ['ann@old.example', ANN_NOREPLY.email] });

      const after = await store.report({}, 'contributor');
      expect(after.map((row) => row.key).sort()).toEqual(['ann@new.example', 'asmith@example.org']);
      const ann = after.find((row) => row.key === 'ann@new.example')!;
      const annRows = before.filter((row) => row.key.includes('ann@') || row.key.startsWith('123+ann'));
      const sum = (field: 'commits' | 'contributions' | 'lines_added' | 'lines_deleted' | 'files_changed' | 'cost_cents') =>
        annRows.reduce((total, row) => total + row[field], 0);
      expect(ann).toMatchObject({
        name: 'Ann Lee',
        commits: sum('commits'),
        contributions: sum('contributions'),
        lines_added: sum('lines_added'),
        lines_deleted: sum('lines_deleted'),
        files_changed: sum('files_changed'),
        cost_cents: sum('cost_cents'),
      });
      expect(ann.cost_cents).toBe(stored.filter((row) => row.contributor.email.includes('ann@') || row.contributor.email.startsWith('123+')).reduce((total, row) => total + row.costCents, 0));
      expect(after.find((row) => row.key === 'asmith@example.org')).toEqual(before.find((row) => row.key === 'asmith@example.org'));

      const stats = await store.stats({});
      expect(stats.top_contributors.map((row) => row.key).sort()).toEqual(['ann@new.example', 'asmith@example.org']);

      // The dashboard's figures too: one person, and two people in the repository.
      const insight = await store.insight({}, 3);
      expect(insight.people.map((person) => person.email).sort()).toEqual(['ann@new.example', 'asmith@example.org']);
      expect(insight.people.find((person) => person.email === 'ann@new.example')).toMatchObject({
        name: 'Ann Lee',
        commits: ann.commits,
        lines_added: ann.lines_added,
        cost_cents: ann.cost_cents,
      });
      expect(insight.repositories).toEqual([expect.objectContaining({ repository: 'octo/hello', contributors: 2 })]);
      expect((await store.insight({ contributorEmail: ANN_NOREPLY.email }, 3)).people.map((person) => person.email)).toEqual(['ann@new.example']);

      // Rows keep the address they were recorded under; filters by any address reach the whole person.
      const byAlias = await store.listContributions({ contributorEmail: 'ann@old.example' }, { limit: 100 });
      expect(byAlias.items).toHaveLength(5);
      expect(new Set(byAlias.items.map((item) => item.contributor_email))).toEqual(new Set(['ann@old.example', 'ann@new.example', ANN_NOREPLY.email]));
      expect(await store.report({ contributorEmail: ANN_NOREPLY.email }, 'contributor')).toEqual([ann]);

      const people = (await store.listContributors({ limit: 100 })).items;
      expect(people.map((person) => person.email).sort()).toEqual(['ann@new.example', 'asmith@example.org']);
      const primary = people.find((person) => person.email === 'ann@new.example')!;
      expect(primary.aliases).toEqual([ANN_NOREPLY.email, 'ann@old.example']);
      const aliasId = byAlias.items.find((item) => item.contributor_email === 'ann@old.example')!.contributor_id;
      expect(await store.getContributor(aliasId)).toMatchObject({ email: 'ann@old.example', merged_into: 'ann@new.example', aliases: [] });
      const viaAlias = await store.listContributions({ contributorId: aliasId }, { limit: 100 });
      expect(viaAlias.items.map((item) => item.id).sort()).toEqual(byAlias.items.map((item) => item.id).sort());

      // Idempotent; then unmerge restores the original rows exactly.
      expect(await store.mergeIdentities('ann@new.example', ['ann@old.example'])).toMatchObject({ ok: true, links: [], already: ['ann@old.example'] });
      expect(await store.unmergeIdentities(['ann@old.example', ANN_NOREPLY.email])).toMatchObject({ ok: true, notMerged: [] });
      expect(await store.unmergeIdentities(['ann@old.example'])).toMatchObject({ ok: true, unmerged: [], notMerged: ['ann@old.example'] });
      expect(await store.report({}, 'contributor')).toEqual(before);
      expect((await store.listContributors({ limit: 100 })).items).toHaveLength(4);
    });

    it('counts a commit once for a person credited on it under two addresses', async () => {
      await store.ingestIds(records(commit('pair', ANN_OLD, { coAuthor: ANN_NEW }), commit('solo', ANN_NEW)));
      await store.mergeIdentities('ann@new.example', ['ann@old.example']);
      const [ann] = await store.report({}, 'contributor');
      expect(ann).toMatchObject({ key: 'ann@new.example', commits: 2, contributions: 3, lines_added: 50 });
      const [day] = await store.report({}, 'day');
      expect(day!.cost_cents).toBe(ann!.cost_cents);
      const [person] = (await store.insight({}, 1)).people;
      expect(person).toMatchObject({ email: 'ann@new.example', commits: 2, lines_added: 50, cost_cents: ann!.cost_cents });
    });

    it('applies a merge to an address first seen after it, and gives an unseen primary a name', async () => {
      const plan = await store.mergeIdentities('Ann@Primary.example', ['late@example.com']);
      expect(plan).toMatchObject({ ok: true, primary: 'ann@primary.example' });
      await store.ingestIds(records(commit('late', { name: 'Late Ann', email: 'late@example.com' })));
      const rows = await store.report({}, 'contributor');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ key: 'ann@primary.example', name: 'ann', commits: 1 });
      const people = (await store.listContributors({ limit: 10 })).items;
      expect(people.map((person) => [person.email, person.aliases])).toEqual([['ann@primary.example', ['late@example.com']]]);
    });

    it('refuses chains and conflicting merges, changing nothing; merging a primary moves its aliases', async () => {
      await seedAnn();
      await store.mergeIdentities('ann@new.example', ['ann@old.example']);
      expect(await store.mergeIdentities('ann@old.example', [ANN_NOREPLY.email])).toMatchObject({ ok: false, field: 'primary' });
      expect(await store.mergeIdentities('asmith@example.org', ['ann@old.example'])).toMatchObject({ ok: false, field: 'aliases' });
      expect(await store.mergeIdentities('ann@new.example', ['ann@new.example'])).toMatchObject({ ok: false, field: 'aliases' });
      expect((await store.identities()).links).toEqual([{ alias: 'ann@old.example', primary: 'ann@new.example' }]);

      expect(await store.mergeIdentities(ANN_NOREPLY.email, ['ann@new.example'])).toMatchObject({
        ok: true,
        moved: [{ alias: 'ann@old.example', primary: ANN_NOREPLY.email }],
      });
      expect((await store.identities()).links).toEqual([
        { alias: 'ann@new.example', primary: ANN_NOREPLY.email },
        { alias: 'ann@old.example', primary: ANN_NOREPLY.email },
      ]);
    });

    it('answers only the merges, named by their primaries’ own commits', async () => {
      await seedAnn();
      expect(await store.mergedPeople()).toEqual([]);
      await store.mergeIdentities('ann@new.example', ['ann@old.example', ANN_NOREPLY.email]);
      // A primary with no commits of its own yet has a stand-in name in reads, and none here.
      await store.mergeIdentities('smith@new.example', [ANN_SMITH.email]);
      expect(await store.mergedPeople()).toEqual([
        { primary: 'ann@new.example', name: 'Ann Lee', aliases: [ANN_NOREPLY.email, 'ann@old.example'] },
        { primary: 'smith@new.example', name: null, aliases: [ANN_SMITH.email] },
      ]);
      await store.ingestIds(records(commit('n1', { name: 'Ann Smith-Jones', email: 'smith@new.example' })));
      expect((await store.mergedPeople())[1]).toEqual({ primary: 'smith@new.example', name: 'Ann Smith-Jones', aliases: [ANN_SMITH.email] });
    });

    it('rescores rows of the previous model versions to exactly what track stores now, once', async () => {
      const fresh = records(
        commit('r1', ANN_OLD, { coAuthor: ANN_SMITH, lines: 7000 }),
        commit('r2', ANN_NEW, { lines: 150 }),
        commit('r3', ANN_SMITH),
      );
      const old = fresh.slice(0, 3).map(asPreviousRelease);
      await store.ingestIds([...old, fresh[3]!]);
      const oldTotal = [...old, fresh[3]!].reduce((sum, row) => sum + row.costCents, 0);
      const freshTotal = fresh.reduce((sum, row) => sum + row.costCents, 0);
      expect(oldTotal).not.toBe(freshTotal);

      const first = await rescoreAll(store, 2);
      expect(first).toMatchObject({ examined: 3, rescored: 3, skipped: 0, cost_cents_change: freshTotal - oldTotal });
      const rows = await allContributions(store);
      for (const expected of fresh) {
        const row = rows.find((item) => item.commit_hash === expected.commitHash && item.contributor_email === expected.contributor.email)!;
        const { rescores, ...meta } = row.meta as Record<string, unknown>;
        expect({ cost: row.cost_cents, coherence: row.coherence_score, meta }).toEqual({ cost: expected.costCents, coherence: expected.coherence, meta: expected.meta });
        if (fresh.indexOf(expected) < 3) {
          const previous = old[fresh.indexOf(expected)]!;
          expect(rescores).toEqual([
            { at: expect.any(String), cost: { version: 'v1', cents: previous.costCents, commit_cents: previous.meta.cost.commit_cents }, coherence: { version: 'v1', score: previous.coherence } },
          ]);
        } else expect(rescores).toBeUndefined();
      }
      const [asset] = (await store.listAssets({ limit: 10 })).items;
      expect(asset!.total_cost_cents).toBe(freshTotal);

      expect(await rescoreAll(store, 100)).toEqual({ examined: 0, rescored: 0, skipped: 0, cost_cents_change: 0 });
      expect(await allContributions(store)).toEqual(rows);
    });

    it('keeps every repository total and the dashboard figures equal to the rows, whichever of cost and coherence moves', async () => {
      const at = (label: string, repository: string, files: GitCommit['files'], coAuthor?: typeof ANN_SMITH) =>
        contributionsForCommit({ ...commit(label, ANN_OLD, coAuthor ? { coAuthor } : {}), files }, repository);
      const src = (lines: number) => ({ path: `src/${lines}.ts`, linesAdded: lines, linesDeleted: 2, binary: false });
      const tests = { path: 'test/a.test.ts', linesAdded: 5, linesDeleted: 0, binary: false };
      const fresh = [
        ...at('both', 'octo/a', [src(7000)], ANN_SMITH),
        ...at('coherence', 'octo/b', [src(20), tests]),
        ...at('versions', 'octo/c', [src(20)]),
        ...at('cost', 'octo/b', [src(6000)]),
        ...at('current', 'octo/a', [src(40)]),
      ];
      const stored = fresh.map((record): ContributionRecord => {
        if (record.commitHash === hashFor('current')) return record;
        const previous = asPreviousRelease(record);
        // A release whose cost model alone was older: its coherence is current.
        return record.commitHash === hashFor('cost') ? { ...record, costCents: previous.costCents, meta: { ...record.meta, cost: previous.meta.cost } } : previous;
      });
      const moved = (index: number) => [stored[index]!.costCents !== fresh[index]!.costCents, stored[index]!.coherence !== fresh[index]!.coherence];
      expect(fresh.map((_, index) => moved(index).join())).toEqual(['true,true', 'true,true', 'false,true', 'false,false', 'true,false', 'false,false']);
      await store.ingestIds(stored);

      expect(await rescoreAll(store, 2)).toMatchObject({ examined: 5, rescored: 5 });
      const rows = await allContributions(store);
      const assets = (await store.listAssets({ limit: 10 })).items;
      for (const asset of assets) {
        const own = rows.filter((row) => row.asset_id === asset.id);
        expect(asset.total_cost_cents).toBe(own.reduce((sum, row) => sum + row.cost_cents, 0));
        expect(asset.total_cost_cents).toBe(fresh.filter((record) => record.repository === asset.name).reduce((sum, record) => sum + record.costCents, 0));
      }
      // The dashboard sums an index of cost and coherence; it must show what storing the rows fresh shows.
      const reference = await kind.open();
      try {
        await reference.store.ingestIds(fresh);
        expect((await store.insight({}, 0)).cells).toEqual((await reference.store.insight({}, 0)).cells);
      } finally {
        await reference.dispose();
      }
    });

    it('leaves rows of a model version it does not know alone', async () => {
      const [record] = records(commit('future', ANN_OLD));
      const future: ContributionRecord = { ...record!, meta: { ...record!.meta, coherence: { ...record!.meta.coherence, version: 'v9_future' as never } } };
      await store.ingestIds([future]);
      expect(await rescoreAll(store, 10)).toMatchObject({ examined: 1, rescored: 0, skipped: 1 });
      expect((await allContributions(store))[0]!.meta).toEqual(future.meta);
    });
  });
}
