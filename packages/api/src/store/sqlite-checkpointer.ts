// Moves SQLite's WAL checkpoints off the server's event loop: a worker thread with its own connection
// copies committed pages into the database file every few hundred milliseconds, so no request waits
// for a checkpoint. (Checkpoints are otherwise run by whichever commit crosses the WAL size limit.)

import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const CHECKPOINT_INTERVAL_MS = 500;
const STOP_TIMEOUT_MS = 5_000;

// Plain CommonJS, evaluated in the worker, so it runs the same from the TypeScript sources and from dist.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
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
  #stopped: Promise<void> | undefined;

  constructor(path: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, intervalMs: CHECKPOINT_INTERVAL_MS } });
    // It must never keep a process alive, nor bring it down.
    this.#worker.unref();
    this.#worker.on('error', () => {});
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
