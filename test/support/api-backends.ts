// The real `coherence serve` over each database it supports: a SQLite file, and PostgreSQL (a schema of
// its own, dropped afterwards) when one is reachable. For suites that drive the CLI against the API.

import { join } from 'node:path';
import { STORE_KINDS, kindTitle, type StoreHandle } from '../../packages/api/test/harness.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

export interface RunningBackend {
  server: ServerProcess;
  /** The SQLite file the server writes, or the PostgreSQL URL (with its schema) it reaches. */
  sqlitePath: string;
  databaseUrl: string | undefined;
  stop(): Promise<void>;
}

export interface ApiBackend {
  name: 'sqlite' | 'postgres';
  /** Why it cannot run here; undefined when it can. */
  skipReason: string | undefined;
  title(what: string): string;
  start(dir: string, apiKey: string): Promise<RunningBackend>;
}

function backend(name: ApiBackend['name']): ApiBackend {
  const kind = name === 'postgres' ? STORE_KINDS.find((each) => each.name === 'postgres')! : undefined;
  return {
    name,
    skipReason: kind?.skipReason,
    title: (what) => (kind ? kindTitle(kind, what) : `${what} [${name}]`),
    async start(dir, apiKey) {
      const handle: StoreHandle | undefined = await kind?.open();
      const sqlitePath = join(dir, `api-${name}.db`);
      const databaseUrl = handle?.env.databaseUrl;
      const server = await startServerProcess(['--db', sqlitePath], {
        COHERENCE_API_KEYS: apiKey,
        ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
      });
      return {
        server,
        sqlitePath,
        databaseUrl,
        async stop() {
          await server.kill();
          await handle?.dispose();
        },
      };
    },
  };
}

export const API_BACKENDS: readonly ApiBackend[] = [backend('sqlite'), backend('postgres')];
