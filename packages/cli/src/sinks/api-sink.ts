// Posts contributions to a Coherence API in batches of up to 1,000 (and 1 MiB). What the API cannot take
// after the retries goes to the spool, and the run carries on: nothing read is ever lost.

import { batchPayloads, MAX_BATCH_ITEMS, MAX_BODY_BYTES, toPayload, type ContributionRecord } from '@coherence/core';
import type { MergedPerson } from '@coherence/api/store';
import { ApiClient, ApiRefusedError, ApiUnavailableError, displayUrl, type ApiClientOptions } from '../api/api-client.js';
import { Spool } from '../api/spool.js';
import { errors } from '../errors.js';
import type { ContributionSink, SinkCounts } from './sink.js';

export const API_BATCH_ITEMS = MAX_BATCH_ITEMS;
const MERGES_TIMEOUT_MS = 5_000;
/** Why an item is kept in the spool rather than sent: no request could carry it. */
export const OVERSIZED_REASON = `rejected: larger than the API's ${MAX_BODY_BYTES}-byte request limit on its own`;

export interface ApiSinkOptions extends ApiClientOptions {
  spoolPath: string;
}

/** COHERENCE_BATCH_ROWS can make posts smaller than the API's limit of 1,000 items, never larger. */
function postBatchItems(): number {
  const configured = Number(process.env.COHERENCE_BATCH_ROWS);
  return Number.isSafeInteger(configured) && configured > 0 ? Math.min(configured, API_BATCH_ITEMS) : API_BATCH_ITEMS;
}

export class ApiSink implements ContributionSink {
  readonly batchSize = postBatchItems();
  readonly target: string;
  readonly #client: ApiClient;
  readonly #spool: Spool;
  /** Set once a batch has exhausted its retries: later batches go straight to the spool. */
  #outage: string | undefined;

  constructor(options: ApiSinkOptions) {
    this.target = displayUrl(options.url);
    this.#client = new ApiClient(options);
    this.#spool = new Spool(options.spoolPath);
  }

  get spoolPath(): string {
    return this.#spool.path;
  }

  /** The API is idempotent, so overlapping ranges are harmless; there is nothing to skip locally. */
  async knownCommits(): Promise<Set<string>> {
    return new Set();
  }

  /**
   * Asked once, without retries: the summary can do without it (an older server has no such route, an
   * unreachable one is the batches' business), so no answer means counting addresses as they are.
   */
  async mergedPeople(): Promise<MergedPerson[]> {
    try {
      const body = (await this.#client.getJson('identities/merges', { attempts: 1, timeoutMs: MERGES_TIMEOUT_MS })) as { merges?: unknown };
      return Array.isArray(body?.merges) ? body.merges.filter(isMergedPerson) : [];
    } catch {
      return [];
    }
  }

  async write(records: readonly ContributionRecord[]): Promise<SinkCounts> {
    const { batches, oversized } = batchPayloads(records.map(toPayload), JSON.stringify, { maxItems: this.batchSize });
    const counts: SinkCounts = { created: 0, duplicates: 0, pending: oversized.length };
    if (oversized.length > 0) this.#spool.append(oversized, OVERSIZED_REASON);
    for (const batch of batches) {
      const chunk = batch.items;
      if (this.#outage !== undefined) {
        this.#spool.append(chunk, this.#outage);
        counts.pending += chunk.length;
        continue;
      }
      try {
        const results = await this.#client.postBatch(batch);
        const rejected = [];
        for (const result of results) {
          if (result.status === 'created') counts.created += 1;
          else if (result.status === 'duplicate') counts.duplicates += 1;
          else rejected.push(result);
        }
        for (const result of rejected) {
          const reason = (result.errors ?? []).map((error) => `${error.field}: ${error.message}`).join('; ') || 'rejected';
          this.#spool.append([chunk[result.index]!], `rejected: ${reason}`);
        }
        counts.pending += rejected.length;
      } catch (error) {
        if (error instanceof ApiUnavailableError) {
          this.#outage = error.message;
          this.#spool.append(chunk, error.message);
          counts.pending += chunk.length;
        } else if (error instanceof ApiRefusedError) {
          // A refusal of the whole request (bad key, wrong URL) will refuse every batch: keep this one and stop.
          this.#spool.append(chunk, `${error.status}: ${error.message}`);
          throw errors.apiRejected(error.status, `${error.message}${authHint(error.status)}; ${chunk.length} contribution(s) kept in ${this.#spool.path}`);
        } else {
          throw error;
        }
      }
    }
    return counts;
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}

function isMergedPerson(value: unknown): value is MergedPerson {
  const person = value as MergedPerson | null;
  return (
    typeof person?.primary === 'string' &&
    (person.name === null || typeof person.name === 'string') &&
    Array.isArray(person.aliases) &&
    person.aliases.every((alias) => typeof alias === 'string')
  );
}

function authHint(status: number): string {
  if (status === 401) return ' (set --api-key or COHERENCE_API_KEY)';
  if (status === 403) return ' (the API key was not accepted)';
  if (status === 404) return ' (is --api-url the Coherence API?)';
  return '';
}
