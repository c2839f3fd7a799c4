// The data version against every store: SQLite (in process and on its thread) and PostgreSQL. It moves
// with every kind of write, by this store or another connection, and not otherwise.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildInsight, rescoreToEnd, type ContributionStore } from '../packages/api/src/index.js';
import { STORE_KINDS, kindTitle, type StoreHandle } from '../packages/api/test/harness.js';
import { helloRecords as records, personCommit as commit } from './support/person-commits.js';
import { asPreviousRelease } from './support/previous-release.js';

const ANN = { name: 'Ann', email: 'ann@example.com' };
const ANN_WORK = { name: 'Ann', email: 'ann@work.example' };
const BOB = { name: 'Bob', email: 'bob@example.com' };

for (const kind of STORE_KINDS) {
  describe.skipIf(kind.skipReason !== undefined)(kindTitle(kind, 'data version'), () => {
    let handle: StoreHandle;
    let store: ContributionStore;

    beforeEach(async () => {
      handle = await kind.open();
      store = handle.store;
      await store.ingestIds(records(commit('a1', ANN), commit('a2', ANN_WORK, { lines: 300 }), commit('b1', BOB)));
    });
    afterEach(async () => {
      await handle.dispose();
    });

    it('keeps its data version while only reads happen, and moves it with every kind of write', async () => {
      const before = await store.dataVersion();
      await buildInsight(store, {});
      await store.listContributions({}, { limit: 10 });
      // PostgreSQL's background fold of the cost deltas rewrites repository totals only.
      if (kind.dialect === 'postgres') await (store as unknown as { foldTotals(): Promise<void> }).foldTotals();
      expect(await store.dataVersion()).toBe(before);

      const seen = new Set([before]);
      const moved = async (what: string) => {
        const version = await store.dataVersion();
        expect(seen.has(version), what).toBe(false);
        seen.add(version);
      };
      await store.ingestIds(records(commit('b2', BOB)));
      await moved('a new contribution');
      expect(await store.mergeIdentities(ANN.email, [ANN_WORK.email])).toMatchObject({ ok: true });
      await moved('a merge');
      expect(await store.unmergeIdentities([ANN_WORK.email])).toMatchObject({ ok: true });
      await moved('an unmerge');
      await store.ingestIds(records(commit('b3', BOB)).map(asPreviousRelease));
      await moved('a row of the previous models');
      expect(await rescoreToEnd((request) => store.rescore(request), 10)).toMatchObject({ rescored: 1 });
      await moved('a rescore');
      const other = await handle.reopen();
      await other.ingestIds(records(commit('b4', BOB)));
      await moved('a write through another connection');
    });
  });
}
