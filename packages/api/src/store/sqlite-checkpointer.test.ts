// The background checkpointer keeps the WAL short under writes that never pause: the log starts over
// once it holds walRestartBytes, where passive checkpoints alone let it grow with every commit (the
// code before never started it over in this test, and reached 433 MB).

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { contributionsForCommit } from '@coherence/core';
import { openSqliteStore } from './sqlite.js';

const RESTART_BYTES = 1024 * 1024;
/** Writes for this long: several of the checkpointer's ticks (every 500 ms). */
const WRITING_MS = 2_500;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coherence-checkpointer-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function commitRecords(index: number) {
  const author = { name: `Dev ${index % 50}`, email: `dev${index % 50}@example.com`, date: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString() };
  return contributionsForCommit(
    {
      hash: index.toString(16).padStart(40, '0'),
      parents: [],
      author,
      committer: author,
      subject: `Change ${index}`,
      message: `Change ${index}`,
      files: [{ path: `src/file-${index % 97}.ts`, linesAdded: index % 300, linesDeleted: index % 7, binary: false }],
    },
    `octo/repo-${index % 3}`,
  );
}

it('has the WAL start over, again and again, while commits keep coming', async () => {
  const path = join(dir, 'coherence.db');
  const store = openSqliteStore(path, { backgroundCheckpoints: true, walRestartBytes: RESTART_BYTES });
  let commits = 0;
  let largest = 0;
  let previous = 0;
  // Each time the WAL file is shorter than at the commit before, it started over (and was cut back).
  let startedOver = 0;
  try {
    const started = Date.now();
    while (Date.now() - started < WRITING_MS) {
      await store.ingestIds(commitRecords(commits));
      commits += 1;
      const size = statSync(`${path}-wal`).size;
      if (size < previous) startedOver += 1;
      previous = size;
      largest = Math.max(largest, size);
      // A server's writer waits for requests between its commits; so does this loop.
      await nextTurn();
    }
  } finally {
    await store.close();
  }
  expect(commits).toBeGreaterThan(300);
  expect(startedOver).toBeGreaterThanOrEqual(3);
  // Bounded by what commits append between two looks (100 ms apart), not by how long the writes go on.
  expect(largest).toBeLessThan(128 * 1024 * 1024);
});
