// Moves SQLite's WAL checkpoints off the server's event loop: a worker thread with its own connection
// copies committed pages into the database file every few hundred milliseconds, so no request waits
// for a checkpoint. (Checkpoints are otherwise run by whichever commit crosses the WAL size limit.)
//
// Copying is not enough under steady writes: a passive checkpoint seldom catches the newest frame, so the
// WAL seldom starts over and keeps growing (~200 MB in 8 s at 1,000 posts/s). When it did start over, the
// commit that did it cut the file back to its kept size, and that ftruncate held the writer 267-460 ms
// (at 500 posts/s for 30 s: p99 156 ms). So once the WAL holds `restartBytes`, the worker asks for a
// RESTART checkpoint: it waits briefly for the write in progress, copies the rest, and the next commit
// writes the WAL from its start. Under writes that leave it no gap (a burst of batches) the worker may
// not get its turn; then the writer itself does it (afterCommit), once the file is twice that long, and
// the file is cut back to that from at most ~100 ms of writes past it: never a long truncation.

import { once } from 'node:events';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

const CHECKPOINT_INTERVAL_MS = 500;
const STOP_TIMEOUT_MS = 5_000;
/** How long the worker's RESTART may wait for the write in progress (holding later ones back meanwhile). */
const RESTART_WAIT_MS = 50;
/** How often the writer looks at the WAL file's size after its commits (a look is one stat call). */
const WAL_LOOK_INTERVAL_MS = 100;

// Plain CommonJS, evaluated in the worker, so it runs the same from the TypeScript sources and from dist.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
// Only a RESTART waits (PASSIVE never does), and it holds new writes back while it does.
db.pragma('busy_timeout = ' + workerData.restartWaitMs);
const pageSize = db.pragma('page_size', { simple: true });
const checkpoint = () => {
  try {
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
    if (log * pageSize >= workerData.restartBytes) db.pragma('wal_checkpoint(RESTART)');
  } catch {
    // Busy or interrupted: the next tick tries again.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export class SqliteCheckpointer {
  readonly #worker: Worker;
  readonly #walPath: string;
  #stopped: Promise<void> | undefined;
  #nextLook = 0;

  /** `restartBytes`: the WAL length at which it starts over (see walFileLimit for its file). */
  constructor(
    path: string,
    private readonly restartBytes: number,
  ) {
    this.#walPath = `${path}-wal`;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path, driver, intervalMs: CHECKPOINT_INTERVAL_MS, restartBytes, restartWaitMs: RESTART_WAIT_MS },
    });
    // It must never keep a process alive, nor bring it down.
    this.#worker.unref();
    this.#worker.on('error', () => {});
  }

  /**
   * The writer's journal_size_limit: a WAL starting over keeps its file up to this long, and one grown
   * past it (by the time the writer has it start over) is cut back to it.
   */
  get walFileLimit(): number {
    return this.restartBytes * 2;
  }

  /**
   * Called by the writer after each request's commit, on its own connection: where the WAL file has grown past
   * walFileLimit (the worker could not have it start over), a RESTART checkpoint here does, and the next
   * commit cuts the file back to that limit. It copies what the worker has not copied yet, and never
   * waits: with a reader still on older frames, or the worker mid-checkpoint, it gives up until a later look.
   */
  afterCommit(db: Database.Database): void {
    const now = performance.now();
    if (now < this.#nextLook) return;
    this.#nextLook = now + WAL_LOOK_INTERVAL_MS;
    let size: number;
    try {
      size = statSync(this.#walPath).size;
    } catch {
      return;
    }
    if (size <= this.walFileLimit) return;
    const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
    db.pragma('busy_timeout = 0');
    try {
      db.pragma('wal_checkpoint(RESTART)');
    } catch {
      // Busy: a later look tries again.
    } finally {
      db.pragma(`busy_timeout = ${busyTimeout}`);
    }
  }

  /** A last checkpoint, then the worker's connection closes. */
  stop(): Promise<void> {
    return (this.#stopped ??= (async () => {
      const exited = once(this.#worker, 'exit');
      this.#worker.postMessage('stop');
      const timer = setTimeout(() => void this.#worker.terminate(), STOP_TIMEOUT_MS);
      await exited.catch(() => {});
      clearTimeout(timer);
    })());
  }

  /** For synchronous closes: the checkpoint is crash-safe, so the worker may simply be ended. */
  terminate(): void {
    void this.#worker.terminate();
  }
}
