// The dashboard's kept answers against every store: SQLite (in process and on its thread) and
// PostgreSQL. The data version moves with every kind of write, by this store or another connection,
// and not otherwise; the cache answers from memory only while it has not moved, so what it serves
// after a write, an identity merge or a rescore equals the figures computed afresh.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildInsight, createApp, InsightCache, rescoreToEnd, type ContributionStore } from '../packages/api/src/index.js';
import { STORE_KINDS, kindTitle, type StoreHandle } from '../packages/api/test/harness.js';
import { helloRecords as records, personCommit as commit } from './support/person-commits.js';
import { asPreviousRelease } from './support/previous-release.js';

const ANN = { name: 'Ann', email: 'ann@example.com' };
const ANN_WORK = { name: 'Ann', email: 'ann@work.example' };
const BOB = { name: 'Bob', email: 'bob@example.com' };


/** The store, counting the times the figures are computed. */
function counted(store: ContributionStore) {
  const counts = { insight: 0 };
  const source = {
    insight: (...args: Parameters<ContributionStore['insight']>) => {
      counts.insight += 1;
      return store.insight(...args);
    },
    dataVersion: () => store.dataVersion(),
  };
  return { source, counts };
}

/**
 * The store behind a proxy that notes when the figures are computed and when a data version is read
 * after that: the cache keeps an answer once its second version read returns.
 */
function watched(store: ContributionStore) {
  const seen = { computed: 0, versionAfterComputed: false };
  const proxy = new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === 'insight') {
        return async (...args: Parameters<ContributionStore['insight']>) => {
          const figures = await store.insight(...args);
          seen.computed += 1;
          seen.versionAfterComputed = false;
          return figures;
        };
      }
      if (property === 'dataVersion') {
        return async () => {
          const version = await store.dataVersion();
          seen.versionAfterComputed = true;
          return version;
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { proxy, seen };
}

/** An answer's figures, without the time they were computed. */
const figuresOf = ({ generated_at: _at, ...figures }: Awaited<ReturnType<typeof buildInsight>>) => figures;

/** The figures as a fresh computation gives them. */
const fresh = async (store: ContributionStore) => figuresOf(await buildInsight(store, {}));

for (const kind of STORE_KINDS) {
  describe.skipIf(kind.skipReason !== undefined)(kindTitle(kind, 'data version and kept dashboard answers'), () => {
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

    it('answers from memory until a write, a merge, a rescore or another connection changes the data, then afresh', async () => {
      const { source, counts } = counted(store);
      const cache = new InsightCache(source);
      const first = await cache.answer({});
      expect(first.cached).toBe(false);
      expect(figuresOf(first.insight)).toEqual(await fresh(store));
      const again = await cache.answer({});
      expect(again.cached).toBe(true);
      expect(again.insight).toBe(first.insight);
      expect(counts.insight).toBe(1);
      // Another selection is an answer of its own.
      expect((await cache.answer({ repository: 'octo/hello' })).cached).toBe(false);

      const changes: Array<[string, () => Promise<unknown>]> = [
        ['a new contribution', () => store.ingestIds(records(commit('b5', BOB)))],
        ['a merge', () => store.mergeIdentities(ANN.email, [ANN_WORK.email])],
        ['rows of the previous models', () => store.ingestIds(records(commit('b6', BOB, { lines: 4000 })).map(asPreviousRelease))],
        ['a rescore', () => rescoreToEnd((request) => store.rescore(request), 10)],
        ['another connection', async () => (await handle.reopen()).ingestIds(records(commit('b7', ANN)))],
      ];
      let previous = figuresOf(first.insight);
      for (const [what, change] of changes) {
        await change();
        const after = await cache.answer({});
        expect(after.cached, what).toBe(false);
        const figures = figuresOf(after.insight);
        expect(figures, what).toEqual(await fresh(store));
        expect(figures, what).not.toEqual(previous);
        expect((await cache.answer({})).cached, what).toBe(true);
        previous = figures;
      }
      // The merge counts Ann once.
      expect(previous.totals.contributors).toBe(2);
    });

    it('computes the whole database again on its own after a merge or a rescore through the API, so the next visit is kept', async () => {
      const { proxy, seen } = watched(store);
      const app = createApp({ store: proxy, apiKeys: ['write-key'], metrics: false, logger: () => {} });
      const timing = (response: Response) => /desc="(\w+)"/.exec(response.headers.get('server-timing') ?? '')?.[1];
      const write = (path: string, body: unknown) =>
        app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'write-key' }, body: JSON.stringify(body) });
      /** Waits (10 s at most) for the figures to be computed once more with no request asking, and kept. */
      const refreshed = async (computed: number) => {
        for (let wait = 0; wait < 500 && !(seen.computed > computed && seen.versionAfterComputed); wait += 1) await sleep(20);
        expect(seen.computed).toBe(computed + 1);
        expect(seen.versionAfterComputed).toBe(true);
      };
      expect(timing(await app.request('/api/insight'))).toBe('computed');

      let computed = seen.computed;
      expect((await write('/api/identities/merge', { primary: ANN.email, aliases: [ANN_WORK.email] })).status).toBe(200);
      await refreshed(computed);
      const afterMerge = await app.request('/api/insight');
      expect(timing(afterMerge)).toBe('kept');
      expect(figuresOf(await afterMerge.json())).toEqual(await fresh(store));

      await store.ingestIds(records(commit('c1', BOB, { lines: 4000 })).map(asPreviousRelease));
      computed = seen.computed;
      const chunk = await write('/api/rescore', { limit: 100 });
      expect((await chunk.json()).rescored).toBe(1);
      await refreshed(computed);
      const afterRescore = await app.request('/api/insight');
      expect(timing(afterRescore)).toBe('kept');
      expect(figuresOf(await afterRescore.json())).toEqual(await fresh(store));
    });
  });
}
