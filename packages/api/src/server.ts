// Running the app on a socket (@hono/node-server), and stopping it gracefully: stop accepting, let
// in-flight requests finish (closing keep-alive connections as they fall idle), then close the store.

import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { createApp, type AppOptions } from './app.js';
import { ConfigError } from './errors.js';

export interface ServerOptions extends AppOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** How long close() waits for in-flight requests before cutting connections (default 10 s). */
  shutdownTimeoutMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, waits for in-flight requests, closes the store. Safe to call twice. */
  close(): Promise<void>;
}

const IDLE_SWEEP_MS = 50;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const apiKeys = (options.apiKeys ?? []).filter((key) => key !== '');
  if (apiKeys.length === 0 && !isLoopbackHost(options.host)) {
    throw new ConfigError(
      'insecure_host',
      `refusing to serve on ${options.host} without API keys: set COHERENCE_API_KEYS (comma-separated), or listen on 127.0.0.1`,
    );
  }
  const app = createApp({ ...options, apiKeys });
  let inFlight = 0;
  let closing = false;
  let settled: (() => void) | undefined;
  const server = createAdaptorServer({
    fetch: async (request, env) => {
      inFlight += 1;
      try {
        const response = await app.fetch(request, env);
        // While shutting down, answer and then close the connection instead of keeping it alive.
        if (closing) response.headers.set('connection', 'close');
        return response;
      } finally {
        inFlight -= 1;
        if (closing && inFlight === 0) settled?.();
      }
    },
    hostname: options.host,
  }) as Server;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      const drained = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (settled = resolve));
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, options.shutdownTimeoutMs ?? 10_000).unref());
      await Promise.race([Promise.all([drained, stopped]), deadline]);
      clearInterval(sweep);
      server.closeAllConnections();
      await stopped;
      await options.store.close();
    })());

  return { url: `http://${host}:${port}`, port, close };
}

/** 127.0.0.0/8, ::1 and localhost: interfaces only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^(?:::ffff:)?127(?:\.\d{1,3}){3}$/.test(bare);
}
