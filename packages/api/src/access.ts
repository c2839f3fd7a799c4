// Who may write and who may read: X-API-Key against COHERENCE_API_KEYS (writes) and COHERENCE_READ_KEY
// (reads, when set). Keys are compared as SHA-256 digests with timingSafeEqual, against every key,
// so neither the match nor its position leaks through timing.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.js';
import { apiErrors } from './errors.js';

export interface AccessControl {
  /** No API key configured: writes are open (the server only allows this on a loopback interface). */
  readonly writesOpen: boolean;
  readonly readsOpen: boolean;
  isWriteKey(candidate: string): boolean;
  isReadKey(candidate: string): boolean;
}

export function createAccessControl(apiKeys: readonly string[], readKey?: string): AccessControl {
  const writeDigests = apiKeys.map(digest);
  const readDigests = readKey === undefined ? [] : [digest(readKey), ...writeDigests];
  return {
    writesOpen: writeDigests.length === 0,
    readsOpen: readKey === undefined,
    isWriteKey: (candidate) => matchesAny(digest(candidate), writeDigests),
    // A write key reads too: a client that may record contributions may also look at them.
    isReadKey: (candidate) => matchesAny(digest(candidate), readDigests),
  };
}

/** Splits COHERENCE_API_KEYS ("key1, key2"), dropping blanks. */
export function parseApiKeys(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
}

export const requireWriteKey: MiddlewareHandler<AppEnv> = async (c, next) => {
  const access = c.var.services.access;
  if (!access.writesOpen) check(c.req.header('x-api-key'), access.isWriteKey);
  await next();
};

export const requireReadKey: MiddlewareHandler<AppEnv> = async (c, next) => {
  const access = c.var.services.access;
  // Also as a Bearer token: what Prometheus (and most monitoring agents) can send.
  if (!access.readsOpen) check(c.req.header('x-api-key') ?? bearerToken(c.req.header('authorization')), access.isReadKey);
  await next();
};

function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function check(key: string | undefined, isValid: (candidate: string) => boolean): void {
  if (key === undefined || key === '') throw apiErrors.missingKey();
  if (!isValid(key)) throw apiErrors.wrongKey();
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function matchesAny(candidate: Buffer, digests: readonly Buffer[]): boolean {
  let matched = false;
  for (const known of digests) matched = timingSafeEqual(candidate, known) || matched;
  return matched;
}
