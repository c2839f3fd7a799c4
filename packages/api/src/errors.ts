// Every error the API can answer with, as typed values: thrown anywhere, turned into the one JSON error
// body in error-handler.ts. ConfigError is the server refusing to start, which the CLI prints.

import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'malformed_json'
  | 'not_ready'
  | 'internal';

export interface FieldError {
  /** Dotted path into the request: "metadata.lines_added", "items.3.cost_amount", "limit". */
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const apiErrors = {
  validation: (fields: FieldError[]) =>
    new ApiError(422, 'validation_failed', `invalid ${fields.map((field) => field.field).join(', ') || 'request'}`, fields),
  missingKey: () => new ApiError(401, 'unauthorized', 'this request needs an X-API-Key header'),
  wrongKey: () => new ApiError(403, 'forbidden', 'the X-API-Key is not valid here'),
  missingSignature: () => new ApiError(401, 'unauthorized', 'the delivery has no X-Hub-Signature-256 header'),
  badSignature: () => new ApiError(403, 'forbidden', 'the X-Hub-Signature-256 does not match this payload and secret'),
  webhooksDisabled: () => new ApiError(403, 'forbidden', 'webhooks are disabled: the server has no COHERENCE_WEBHOOK_SECRET'),
  notFound: (what: string) => new ApiError(404, 'not_found', `${what} not found`),
  payloadTooLarge: (maxBytes: number) => new ApiError(413, 'payload_too_large', `the body is larger than ${maxBytes} bytes`),
  unsupportedMediaType: (accepted: string) => new ApiError(415, 'unsupported_media_type', `the body must be ${accepted}`),
  malformedJson: (reason: string) => new ApiError(400, 'malformed_json', `the body is not valid JSON: ${reason}`),
  notReady: (reason: string) => new ApiError(503, 'not_ready', `the database is not reachable: ${reason}`),
};

/** The server will not start as configured (no keys on a public interface, an unusable DATABASE_URL). */
export class ConfigError extends Error {
  constructor(
    readonly code: 'insecure_host' | 'bad_database_url' | 'bad_database_setting',
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Zod's issues as the API names them, each path prefixed (e.g. "items.3."). */
export function fieldErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, prefix: readonly (string | number)[] = []): FieldError[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path.map((part) => (typeof part === 'symbol' ? part.description ?? '' : part))];
    return { field: path.length ? path.join('.') : 'body', message: issue.message };
  });
}
