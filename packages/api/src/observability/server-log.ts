// The server's log: one entry per request and one per internal error, as JSON lines (pino) for log
// shippers or as short lines for a terminal. Request bodies and headers are never logged, the query
// string is left out, and every configured secret is masked in whatever text is logged.

import { pino } from 'pino';
import type { Logger } from '../app-env.js';

export type LogFormat = 'json' | 'pretty';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

export interface RequestEntry {
  requestId: string;
  method: string;
  /** The path as requested, without the query string. */
  path: string;
  /** The route that answered ("/api/contributors/:id"), or "unmatched". */
  route: string;
  status: number;
  durationMs: number;
}

export interface ErrorEntry {
  requestId?: string | undefined;
  method?: string | undefined;
  path?: string | undefined;
  /** The error's stack, or its message. */
  error: string;
}

export interface ServerLog {
  request(entry: RequestEntry): void;
  error(message: string, entry: ErrorEntry): void;
}

export function createServerLog(sink: Logger, format: LogFormat, secrets: ReadonlyArray<string | undefined>): ServerLog {
  const mask = secretMasker(secrets);
  if (format === 'pretty') {
    return {
      request: (entry) =>
        sink(mask(`${entry.method} ${entry.path} ${entry.status} ${entry.durationMs.toFixed(1)}ms ${entry.requestId}`)),
      error: (message, entry) =>
        sink(mask(`${message}${entry.method ? ` on ${entry.method} ${entry.path}` : ''}${entry.requestId ? ` (${entry.requestId})` : ''}: ${entry.error}`)),
    };
  }
  const logger = pino(
    {
      base: undefined,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: (line: string) => sink(line.endsWith('\n') ? line.slice(0, -1) : line) },
  );
  return {
    request: (entry) =>
      logger.info(
        {
          request_id: mask(entry.requestId),
          method: entry.method,
          path: mask(entry.path),
          route: entry.route,
          status: entry.status,
          duration_ms: Math.round(entry.durationMs * 10) / 10,
        },
        'request',
      ),
    error: (message, entry) =>
      logger.error(
        {
          ...(entry.requestId === undefined ? {} : { request_id: mask(entry.requestId) }),
          ...(entry.method === undefined ? {} : { method: entry.method }),
          ...(entry.path === undefined ? {} : { path: mask(entry.path) }),
          error: mask(entry.error),
        },
        message,
      ),
  };
}

/** Replaces every secret in a text with ***. */
export function secretMasker(secrets: ReadonlyArray<string | undefined>): (text: string) => string {
  const known = secrets.filter((secret): secret is string => secret !== undefined && secret.length > 0);
  return (text) => known.reduce((masked, secret) => masked.split(secret).join('***'), text);
}
