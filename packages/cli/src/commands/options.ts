// Option values shared by several commands, parsed and checked in one place.

import { isAbsolute, join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { invalidGlob, isValidRepositoryName, parseShard, type Shard } from '@coherence/core';

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
