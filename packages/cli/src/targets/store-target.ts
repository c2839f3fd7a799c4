// Where the identity and rescore commands act: a local SQLite file (--db) or a Coherence API (--api-url),
// behind one interface, so each command has a single code path. Both ends run core's same rules.

import { existsSync } from 'node:fs';
import type { IdentityLink, KnownAddress, MergePlan, MergeRefusal, UnmergePlan } from '@coherence/core';
import type { IdentityOverview, RescoreChunk, RescoreRequest } from '@coherence/api/store';
import { CoherenceError, errors } from '../errors.js';
import { apiTarget, databasePath } from '../commands/options.js';
import { describe } from '../sinks/sqlite-sink.js';

export interface TargetOptions {
  db?: string;
  apiUrl?: string;
  apiKey?: string;
}

export interface MergeOutcome {
  primary: string;
  merged: string[];
  already: string[];
  moved: IdentityLink[];
}

export interface UnmergeOutcome {
  unmerged: IdentityLink[];
  notMerged: string[];
}

export interface StoreTarget {
  /** "sqlite:/path" or the API's URL, for summaries. */
  readonly label: string;
  identities(): Promise<IdentityOverview>;
  /** Throws a usage error when core refuses the merge. */
  merge(primary: string, aliases: readonly string[]): Promise<MergeOutcome>;
  unmerge(aliases: readonly string[]): Promise<UnmergeOutcome>;
  rescore(request: RescoreRequest): Promise<RescoreChunk>;
  close(): Promise<void>;
}

/** --db FILE or --api-url URL (else $COHERENCE_API_URL, else the default database file). */
export async function openStoreTarget(options: TargetOptions): Promise<StoreTarget> {
  if (options.db !== undefined && options.apiUrl !== undefined) throw errors.badOption('--db', 'give either --db or --api-url, not both');
  const api = apiTarget(options, options.db === undefined);
  if (api !== undefined) return openApiTarget(api.url, api.apiKey);
  const path = databasePath(options.db);
  if (!existsSync(path)) throw errors.databaseUnreadable(path, 'no such file; run "coherence track" first');
  return openSqliteTarget(path);
}

async function openSqliteTarget(path: string): Promise<StoreTarget> {
  const { openSqliteStore } = await import('@coherence/api/sqlite');
  let store: ReturnType<typeof openSqliteStore>;
  try {
    store = openSqliteStore(path);
  } catch (error) {
    throw errors.databaseUnwritable(path, describe(error));
  }
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof CoherenceError) throw error;
      throw errors.databaseUnwritable(path, describe(error));
    }
  };
  return {
    label: `sqlite:${path}`,
    identities: () => guarded(() => store.identities()),
    merge: async (primary, aliases) => {
      const plan = accepted(await guarded(() => store.mergeIdentities(primary, aliases)));
      return { primary: plan.primary, merged: plan.merged, already: plan.already, moved: plan.moved };
    },
    unmerge: async (aliases) => {
      const plan = accepted(await guarded(() => store.unmergeIdentities(aliases)));
      return { unmerged: plan.unmerged, notMerged: plan.notMerged };
    },
    rescore: (request) => guarded(() => store.rescore(request)),
    close: async () => store.closeSync(),
  };
}

function accepted<T extends MergePlan | UnmergePlan>(outcome: T | MergeRefusal): T {
  if (!outcome.ok) throw errors.identityRefused(outcome.message);
  return outcome;
}

interface IdentitiesBody {
  addresses: Array<KnownAddress & { merged_into?: string }>;
  merges: Array<{ primary: string; aliases: string[] }>;
}

async function openApiTarget(url: string, apiKey: string | undefined): Promise<StoreTarget> {
  const { ApiClient, ApiRefusedError, ApiUnavailableError, displayUrl } = await import('../api/api-client.js');
  const client = new ApiClient({ url, ...(apiKey === undefined ? {} : { apiKey }) });
  const shown = displayUrl(url);
  const call = async <T>(work: () => Promise<unknown>): Promise<T> => {
    try {
      return (await work()) as T;
    } catch (error) {
      // A refused merge (422) is the user's mistake, told as the API worded it.
      if (error instanceof ApiRefusedError && error.status === 422) {
        throw errors.identityRefused(error.fields.map((field) => field.message).join('; ') || error.message);
      }
      if (error instanceof ApiRefusedError) throw errors.apiRejected(error.status, error.message);
      if (error instanceof ApiUnavailableError) throw errors.apiUnreachable(shown, error.message);
      throw error;
    }
  };
  return {
    label: shown,
    identities: async () => {
      const body = await call<IdentitiesBody>(() => client.getJson('identities'));
      return {
        addresses: body.addresses.map(({ email, name, contributions }) => ({ email, name, contributions })),
        links: body.merges.flatMap((merge) => merge.aliases.map((alias) => ({ alias, primary: merge.primary }))),
      };
    },
    merge: (primary, aliases) => call<MergeOutcome>(() => client.postJson('identities/merge', { primary, aliases })),
    unmerge: async (aliases) => {
      const body = await call<{ unmerged: IdentityLink[]; not_merged: string[] }>(() => client.postJson('identities/unmerge', { aliases }));
      return { unmerged: body.unmerged, notMerged: body.not_merged };
    },
    rescore: async (request) => {
      const body = await call<Omit<RescoreChunk, 'next'> & { next_cursor: string | null }>(() =>
        client.postJson('rescore', { limit: request.limit, ...(request.after === undefined ? {} : { cursor: request.after }) }),
      );
      const { next_cursor, ...chunk } = body;
      return { ...chunk, next: next_cursor };
    },
    close: () => client.close(),
  };
}
