// `coherence serve`: run the Coherence API over the SQLite file, or PostgreSQL when DATABASE_URL is set,
// until SIGTERM or SIGINT, then shut down gracefully.

import { InvalidArgumentError, Option, type Command } from 'commander';
import type { RunningServer } from '@coherence/api';
import { errors } from '../errors.js';
import { databasePath } from './options.js';

export interface ServeCommandOptions {
  port: number;
  host: string;
  db?: string;
  logFormat?: 'json' | 'pretty';
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the Coherence HTTP API, its dashboard at / and /metrics (PostgreSQL when DATABASE_URL is set, else the SQLite file)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', portNumber, 8080)
    .option('--host <host>', 'interface to listen on; anything but loopback needs COHERENCE_API_KEYS', '127.0.0.1')
    .option('--db <file>', 'SQLite database (default $COHERENCE_DB or .coherence/coherence.db)')
    .addOption(
      new Option('--log-format <format>', 'request log: JSON lines, or short lines for reading (default: pretty on a terminal, else json)').choices([
        'json',
        'pretty',
      ]),
    )
    .addHelpText(
      'after',
      `
Environment:
  COHERENCE_API_KEYS        comma-separated keys accepted in X-API-Key for writes
  COHERENCE_READ_KEY        when set, reads need X-API-Key too (this key or a write key)
  COHERENCE_WEBHOOK_SECRET  secret of the GitHub webhook (POST /api/webhooks/github)
  DATABASE_URL              postgres:// URL: use PostgreSQL instead of the SQLite file
  COHERENCE_PG_POOL_SIZE    PostgreSQL connections this process may hold (default 10)
  COHERENCE_PG_STATEMENT_TIMEOUT_MS  bound on every PostgreSQL statement (default 15000)`,
    )
    .action(async (options: ServeCommandOptions) => {
      process.exitCode = await runServe(options);
    });
}

export async function runServe(options: ServeCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Loaded here so that other commands never load the HTTP stack.
  const { ConfigError, isLoopbackHost, openStoreFromEnv, parseApiKeys, redactUrl, startServer } = await import('@coherence/api');
  const apiKeys = parseApiKeys(env.COHERENCE_API_KEYS);
  if (apiKeys.length === 0 && !isLoopbackHost(options.host)) {
    throw errors.serverNeedsKeys(options.host);
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  const dbPath = databasePath(options.db);
  const target = databaseUrl ? redactUrl(databaseUrl) : dbPath;

  let store;
  try {
    store = await openStoreFromEnv({
      dbPath,
      databaseUrl,
      poolSize: env.COHERENCE_PG_POOL_SIZE,
      statementTimeoutMs: env.COHERENCE_PG_STATEMENT_TIMEOUT_MS,
    });
  } catch (error) {
    if (error instanceof ConfigError) throw errors.serverConfig(error.code === 'bad_database_setting' ? 'EDBSETTING' : 'EDATABASEURL', error.message);
    throw errors.serverDatabase(target, describe(error), error);
  }

  let server: RunningServer;
  try {
    server = await startServer({
      port: options.port,
      host: options.host,
      store,
      apiKeys,
      logFormat: options.logFormat ?? (process.stderr.isTTY ? 'pretty' : 'json'),
      warmDashboard: true,
      ...(env.COHERENCE_READ_KEY ? { readKey: env.COHERENCE_READ_KEY } : {}),
      ...(env.COHERENCE_WEBHOOK_SECRET ? { webhookSecret: env.COHERENCE_WEBHOOK_SECRET } : {}),
    });
  } catch (error) {
    await store.close();
    if (error instanceof ConfigError) throw errors.serverConfig('ENOAPIKEYS', error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw errors.addressInUse(options.host, options.port);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw errors.badHost(options.host);
    throw error;
  }

  process.stderr.write(`serving ${store.dialect === 'postgres' ? 'PostgreSQL' : 'SQLite'} ${target}\nlistening on ${server.url}\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  process.stderr.write(`${signal}: finishing in-flight requests, then closing the database\n`);
  // A second signal while draining means "now".
  const forced = () => process.exit(1);
  process.once('SIGTERM', forced);
  process.once('SIGINT', forced);
  await server.close();
  process.stderr.write('stopped\n');
  return 0;
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new InvalidArgumentError('expected a port number, 0–65535');
  return port;
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/^SqliteError:\s*/, '');
}
