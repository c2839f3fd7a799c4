// The server's SQLite store runs its writes on one thread and the dashboard's reads on another, with a
// read-only connection beside the writer (WAL). A dashboard computed while a large write is on the
// writer's thread is answered without waiting for it, and sees that write once it is committed.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildInsight, openThreadedSqliteStore, type ThreadedSqliteStore } from '../packages/api/src/index.js';
import { helloRecords as records, personCommit as commit } from './support/person-commits.js';

const ANN = { name: 'Ann', email: 'ann@example.com' };
const BOB = { name: 'Bob', email: 'bob@example.com' };

let dir: string;
let store: ThreadedSqliteStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coherence-threads-'));
  store = await openThreadedSqliteStore(join(dir, 'coherence.db'));
  await store.ingestIds(records(commit('t1', ANN), commit('t2', BOB)));
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the threaded SQLite store', () => {
  it('answers the dashboard while a large write holds the writer, then counts that write', async () => {
    const before = await buildInsight(store, {});
    // 20,000 contributions in one call: one transaction on the writer's thread.
    const large = records(...Array.from({ length: 10_000 }, (_, index) => commit(`bulk-${index}`, index % 2 ? ANN : BOB, { coAuthor: index % 2 ? BOB : ANN })));
    const order: string[] = [];
    const writing = store.ingestIds(large).then(() => order.push('write'));
    // Changed figures, computed on the reader while the write is still on the writer's thread.
    const reading = store.insight({ repository: 'octo/hello' }, 5).then((figures) => {
      order.push('read');
      return figures;
    });
    const [figures] = await Promise.all([reading, writing]);
    expect(order).toEqual(['read', 'write']);
    expect(figures.cells.reduce((sum, cell) => sum + cell.commits, 0)).toBe(before.totals.commits);

    const after = await buildInsight(store, {});
    expect(after.totals.commits).toBe(before.totals.commits + 10_000);
    expect(after.totals.contributions).toBe(before.totals.contributions + 20_000);
  });
});
