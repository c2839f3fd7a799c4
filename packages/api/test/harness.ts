// Test support for the API suites (test/api-*.test.ts): the stores to run against (a SQLite file, or a
// PostgreSQL schema of its own, dropped afterwards), a real server on an ephemeral 127.0.0.1 port,
// valid payloads, and signed GitHub deliveries. It lives in packages/api so that it resolves the
// package's own dependencies (pg, the Octokit webhook packages).

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import webhookDefinitions from '@octokit/webhooks-examples';
import { sign } from '@octokit/webhooks-methods';
import pg from 'pg';
import type { ContributionPayload } from '@coherence/core';
import {
  openPostgresStore,
  openSqliteStore,
  openThreadedSqliteStore,
  startServer,
  type ContributionStore,
  type RunningServer,
  type ServerOptions,
} from '../src/index.js';

export const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function probePostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

const postgresProblem = await probePostgres();
if (postgresProblem !== undefined) {
  const line = '*'.repeat(100);
  console.warn(
    `\n${line}\n*** SKIPPING the PostgreSQL API tests: no PostgreSQL reachable at ${POSTGRES_URL.replace(/:[^:@/]*@/, ':***@')} (${postgresProblem})\n*** Set DATABASE_URL to a reachable postgres:// URL to run them.\n${line}\n`,
  );
}

export interface StoreHandle {
  store: ContributionStore;
  /** Opens the same database again (as a restarted server would). */
  reopen(): Promise<ContributionStore>;
  /** For `coherence serve`: how a process would reach the same database. */
  env: { dbPath: string; databaseUrl?: string };
  dispose(): Promise<void>;
}

export interface StoreKind {
  name: 'sqlite' | 'sqlite-thread' | 'postgres';
  dialect: ContributionStore['dialect'];
  /** Why this kind cannot run here; undefined when it can. */
  skipReason: string | undefined;
  open(): Promise<StoreHandle>;
}

function sqliteKind(name: 'sqlite' | 'sqlite-thread', open: (path: string) => Promise<ContributionStore>): StoreKind {
  return {
    name,
    dialect: 'sqlite',
    skipReason: undefined,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'coherence-api-'));
      const path = join(dir, 'coherence.db');
      const opened: ContributionStore[] = [await open(path)];
      return {
        store: opened[0]!,
        async reopen() {
          const store = await open(path);
          opened.push(store);
          return store;
        },
        env: { dbPath: path },
        async dispose() {
          for (const store of opened) await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

const postgresKind: StoreKind = {
  name: 'postgres',
  dialect: 'postgres',
  skipReason: postgresProblem,
  async open() {
    // A schema of its own per store, so parallel test files never see each other's rows.
    const schema = `coherence_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const opened: ContributionStore[] = [await openPostgresStore({ connectionString: POSTGRES_URL, schema })];
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return {
      store: opened[0]!,
      async reopen() {
        const store = await openPostgresStore({ connectionString: POSTGRES_URL, schema });
        opened.push(store);
        return store;
      },
      env: { dbPath: join(tmpdir(), 'unused.db'), databaseUrl: url.toString() },
      async dispose() {
        for (const store of opened) await store.close();
        await dropSchema(schema);
      },
    };
  },
};

/**
 * The in-process SQLite store (the CLI's), the same on its own thread (the server's; it runs the built
 * dist, so build first), and PostgreSQL.
 */
export const STORE_KINDS: readonly StoreKind[] = [
  sqliteKind('sqlite', async (path) => openSqliteStore(path)),
  sqliteKind('sqlite-thread', (path) => openThreadedSqliteStore(path)),
  postgresKind,
];

/** A describe-block title that says loudly when the kind is skipped. */
export function kindTitle(kind: StoreKind, what: string): string {
  return kind.skipReason === undefined ? `${what} [${kind.name}]` : `${what} [${kind.name}] — SKIPPED: no PostgreSQL reachable (${kind.skipReason})`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A connected client of its own (the caller ends it), for tests that hold locks or end connections. */
export async function connectPostgres(databaseUrl: string = POSTGRES_URL): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return client;
}

/** Runs SQL against a test schema directly, independently of the store under test. */
export async function queryPostgres<T extends pg.QueryResultRow>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

export interface TestServer extends RunningServer {
  logs: string[];
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
}

/** The real server on an ephemeral 127.0.0.1 port; its request log is captured in `logs`. */
export async function startTestServer(store: ContributionStore, options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const logs: string[] = [];
  const server = await startServer({ port: 0, host: '127.0.0.1', store, logger: (line) => logs.push(line), ...options });
  return {
    ...server,
    logs,
    post: (path, body, headers = {}) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: (path, headers = {}) => fetch(`${server.url}${path}`, { headers }),
  };
}

/** A response's JSON body, untyped (the tests check its shape). */
export async function readJson(response: Response): Promise<any> {
  return response.json();
}

/** A full, deterministic commit hash for a label. */
export function hashFor(label: string | number): string {
  return createHash('sha1').update(String(label)).digest('hex');
}

export interface PayloadOverrides extends Partial<Omit<ContributionPayload, 'metadata'>> {
  metadata?: Partial<ContributionPayload['metadata']>;
}

/** A valid payload, as `coherence track` would post it. */
export function payload(overrides: PayloadOverrides = {}): ContributionPayload {
  const { metadata, ...top } = overrides;
  return {
    contributor_email: 'ann@example.com',
    repository: 'octo/hello',
    commit_hash: hashFor('default'),
    cost_amount: 0.85,
    ...top,
    metadata: {
      files_changed: 3,
      lines_added: 150,
      lines_deleted: 4,
      binary_files: 0,
      has_tests: true,
      has_docs: false,
      contributor_name: 'Ann',
      role: 'author',
      timestamp: '2024-03-01T10:00:00+02:00',
      subject: 'Add feature',
      cost_basis: 'numstat',
      ...metadata,
    },
  };
}

type WebhookDefinition = { name: string; examples: Array<Record<string, any>> };

/** GitHub's own example push payloads (@octokit/webhooks-examples). */
export const PUSH_EXAMPLES: ReadonlyArray<Record<string, any>> = (webhookDefinitions as unknown as WebhookDefinition[]).find(
  (definition) => definition.name === 'push',
)!.examples;

export const PING_EXAMPLE: Record<string, any> = (webhookDefinitions as unknown as WebhookDefinition[]).find(
  (definition) => definition.name === 'ping',
)!.examples[0]!;

/** A webhook delivery as GitHub sends it: the JSON text and its headers, signed with the secret. */
export async function githubDelivery(
  event: string,
  body: unknown,
  secret: string,
  delivery = randomBytes(8).toString('hex'),
): Promise<{ body: string; headers: Record<string, string> }> {
  const text = JSON.stringify(body);
  return {
    body: text,
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': delivery,
      'x-hub-signature-256': await sign(secret, text),
      'user-agent': 'GitHub-Hookshot/test',
    },
  };
}

export { sign };
