// Every input of the Action, read and checked in this one place (names as in action.yml).

import * as core from '@actions/core';
import { invalidGlob, isValidRepositoryName, parseShard, type Shard } from '@coherence/core';
import { actionErrors } from './errors.js';

export interface ActionInputs {
  apiUrl: string | undefined;
  apiKey: string | undefined;
  since: string | undefined;
  until: string | undefined;
  repository: string | undefined;
  excludes: string[];
  includeMerges: boolean;
  includeBots: boolean;
  dryRun: boolean;
  failOnError: boolean;
  /** Record only this part of the range (K/N), for a matrix of N jobs over one long history. */
  shard: Shard | undefined;
}

/** The API key, read first of all so that it is masked before anything else can print it. */
export function readApiKey(): string | undefined {
  const apiKey = optional('api-key');
  if (apiKey !== undefined) core.setSecret(apiKey);
  return apiKey;
}

export function readInputs(): ActionInputs {
  const apiKey = readApiKey();
  const apiUrl = optional('api-url');
  if (apiUrl !== undefined && !isHttpUrl(apiUrl)) throw actionErrors.badInput('api-url', 'expected an http:// or https:// URL');
  const repository = optional('repository') ?? optionalEnv('GITHUB_REPOSITORY');
  if (repository !== undefined && !isValidRepositoryName(repository)) {
    throw actionErrors.badInput('repository', `"${repository}" is not OWNER/NAME (letters, digits, ".", "-", "_")`);
  }
  return {
    apiUrl,
    apiKey,
    since: optional('since'),
    until: optional('until'),
    repository,
    excludes: globs('exclude'),
    includeMerges: flag('include-merges', false),
    includeBots: flag('include-bots', false),
    dryRun: flag('dry-run', false),
    failOnError: flag('fail-on-error', false),
    shard: shard('shard', optional('shard')),
  };
}

function shard(name: string, value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  const parsed = parseShard(value);
  if (!parsed.ok) throw actionErrors.badInput(name, parsed.problem);
  return parsed.shard;
}

function optional(name: string): string | undefined {
  const value = core.getInput(name).trim();
  return value === '' ? undefined : value;
}

function optionalEnv(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

/** YAML 1.2 booleans as @actions/core reads them, but an absent input takes its default. */
function flag(name: string, fallback: boolean): boolean {
  const value = core.getInput(name).trim();
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw actionErrors.badInput(name, `expected true or false, got "${value}"`);
}

/** Globs one per line or comma-separated; blank entries are ignored. */
function globs(name: string): string[] {
  const list = core
    .getInput(name)
    .split(/[\n,]/)
    .map((glob) => glob.trim())
    .filter((glob) => glob !== '');
  for (const glob of list) {
    const problem = invalidGlob(glob);
    if (problem) throw actionErrors.badInput(name, problem);
  }
  return list;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
