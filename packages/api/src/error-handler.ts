// The one place an error becomes a response: typed errors answer with their status and code, a database
// that is down or restarting a 503 with Retry-After, anything unexpected a 500 `internal` whose details go
// to the log (keys masked), never to the client.

import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './app-env.js';
import { ApiError, apiErrors, type ErrorCode } from './errors.js';
import type { ServerLog } from './observability/server-log.js';
import { InvalidCursorError } from './store/cursor.js';
import { isDatabaseFault } from './store/database-fault.js';

/** Seconds a client should wait before retrying a 503 (clients add their own jittered backoff). */
export const RETRY_AFTER_SECONDS = 1;

const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'malformed_json',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  503: 'not_ready',
};

export function errorHandler(log: ServerLog): ErrorHandler<AppEnv> {
  return (error, c) => {
    if (error instanceof ApiError) return respond(c, error);
    if (error instanceof InvalidCursorError) {
      return respond(c, new ApiError(422, 'validation_failed', 'invalid cursor', [{ field: 'cursor', message: 'is not a cursor this server issued' }]));
    }
    // Hono's own refusals (a body it could not read, a media type its validators refused).
    if (error instanceof HTTPException && CODE_BY_STATUS[error.status] !== undefined) {
      return respond(c, new ApiError(error.status as ContentfulStatusCode, CODE_BY_STATUS[error.status]!, error.message));
    }
    // Nothing was acknowledged, and every write is idempotent: the client's retry is safe.
    if (isDatabaseFault(error)) {
      const reason = error instanceof Error ? error.message : String(error);
      log.error('database unavailable', { requestId: c.var.requestId, method: c.req.method, path: c.req.path, error: reason });
      return respond(c, apiErrors.notReady(reason));
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log.error('internal error', { requestId: c.var.requestId, method: c.req.method, path: c.req.path, error: detail });
    return respond(c, new ApiError(500, 'internal', 'internal error; the server log has the details'));
  };
}

export const notFound: NotFoundHandler<AppEnv> = (c) => respond(c, new ApiError(404, 'not_found', `no route ${c.req.method} ${c.req.path}`));

function respond(c: Context, error: ApiError): Response {
  const body = { error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } };
  if (error.status === 503) c.header('Retry-After', String(RETRY_AFTER_SECONDS));
  return c.json(body, error.status);
}
