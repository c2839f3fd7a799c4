import { describe, expect, it } from 'vitest';
import type { InsightFigures } from '../store/insight-types.js';
import { InsightCache } from './insight-cache.js';

const EMPTY: InsightFigures = { cells: [], people: [], repositories: [], latest: [], repository_names: [] };

/** A store whose version the test moves, counting the computations; `during` runs inside one. */
function fakeStore() {
  const state = { version: 1, computed: 0, during: undefined as (() => void) | undefined };
  return {
    state,
    store: {
      dataVersion: async () => String(state.version),
      insight: async () => {
        state.computed += 1;
        state.during?.();
        await new Promise((resolve) => setTimeout(resolve, 5));
        return EMPTY;
      },
    },
  };
}

describe('InsightCache', () => {
  it('keeps nothing computed while a write happened, since its figures may be from before or after it', async () => {
    const { state, store } = fakeStore();
    const cache = new InsightCache(store);
    state.during = () => (state.version += 1);
    expect((await cache.answer({})).cached).toBe(false);
    state.during = undefined;
    expect((await cache.answer({})).cached).toBe(false);
    expect((await cache.answer({})).cached).toBe(true);
    expect(state.computed).toBe(2);
  });

  it('computes once for requests that arrive together, and tells selections and sizes apart', async () => {
    const { state, store } = fakeStore();
    const cache = new InsightCache(store);
    const answers = await Promise.all([cache.answer({}), cache.answer({}), cache.answer({})]);
    expect(state.computed).toBe(1);
    expect(new Set(answers.map((answer) => answer.insight)).size).toBe(1);
    await cache.answer({ repository: 'octo/hello' });
    await cache.answer({}, { top: 5 });
    expect(state.computed).toBe(3);
    // The defaults are the same answer as no options.
    expect((await cache.answer({}, { top: 10, latest: 20 })).cached).toBe(true);
  });

  it('keeps a bounded number of selections, the least recently asked leaving first', async () => {
    const { state, store } = fakeStore();
    const cache = new InsightCache(store);
    for (let index = 0; index < 40; index += 1) await cache.answer({ repository: `octo/r${index}` });
    expect((await cache.answer({ repository: 'octo/r39' })).cached).toBe(true);
    expect((await cache.answer({ repository: 'octo/r0' })).cached).toBe(false);
    expect(state.computed).toBe(41);
  });

  it('holds its answer as the JSON the route sends', async () => {
    const { store } = fakeStore();
    const answer = await new InsightCache(store).answer({});
    expect(JSON.parse(answer.body.text)).toEqual(answer.insight);
  });
});
