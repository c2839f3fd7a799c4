// Option values shared by several commands, parsed and checked in one place.

import { isAbsolute, join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { invalidGlob, isValidRepositoryName, parseShard, type Shard } from '@coherence/core';
import { errors } from '../errors.js';
import { registerSecret } from '../report-error.js';

export const DEFAULT_DB = join('.coherence', 'coherence.db');
export const DEFAULT_SPOOL = join('.coherence', 'spool.ndjson');

/** --db, else COHERENCE_DB, else .coherence/coherence.db under the current directory. */
export function databasePath(option: string | undefined): string {
  const chosen = option ?? process.env.COHERENCE_DB ?? DEFAULT_DB;
  return isAbsolute(chosen) ? chosen : resolve(process.cwd(), chosen);
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function collectGlob(value: string, previous: string[]): string[] {
  const problem = invalidGlob(value);
  if (problem) throw new InvalidArgumentError(problem);
  return [...previous, value];
}

export function repositoryName(value: string): string {
  if (!isValidRepositoryName(value)) throw new InvalidArgumentError('expected OWNER/NAME (letters, digits, ".", "-", "_")');
  return value;
}

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return number;
}

/** --spool, else COHERENCE_SPOOL, else .coherence/spool.ndjson under the current directory. */
export function spoolPath(option: string | undefined): string {
  const chosen = option ?? process.env.COHERENCE_SPOOL ?? DEFAULT_SPOOL;
  return isAbsolute(chosen) ? chosen : resolve(process.cwd(), chosen);
}

export function httpUrl(value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http:// or https:// URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidArgumentError('expected an http:// or https:// URL');
  return value;
}

/** --shard K/N, 1 ≤ K ≤ N. */
export function shard(value: string): Shard {
  const parsed = parseShard(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.problem);
  return parsed.shard;
}

export interface ApiTarget {
  url: string;
  apiKey?: string;
}

/**
 * --api-url, else $COHERENCE_API_URL (when useEnvironment), with --api-key or $COHERENCE_API_KEY;
 * undefined when no API is named. The key is registered as a secret, so it is never printed.
 */
export function apiTarget(options: { apiUrl?: string; apiKey?: string }, useEnvironment = true): ApiTarget | undefined {
  const url = options.apiUrl ?? (useEnvironment ? nonEmpty(process.env.COHERENCE_API_URL) : undefined);
  if (url === undefined) return undefined;
  if (options.apiUrl === undefined) {
    try {
      httpUrl(url);
    } catch {
      throw errors.badOption('COHERENCE_API_URL', 'expected an http:// or https:// URL');
    }
  }
  const apiKey = options.apiKey ?? nonEmpty(process.env.COHERENCE_API_KEY);
  registerSecret(apiKey);
  return apiKey === undefined ? { url } : { url, apiKey };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
