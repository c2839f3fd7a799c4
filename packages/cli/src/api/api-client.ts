// Talks to a Coherence API: batches of contributions over one keep-alive connection pool (undici),
// retried with backoff on network errors, 429 and 5xx.

import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import type { PayloadBatch } from '@coherence/core';
import { VERSION } from '../version.js';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryDelayMs, type RetryPolicy } from './retry-policy.js';

export interface BatchItemResult {
  index: number;
  status: 'created' | 'duplicate' | 'rejected';
  id?: string;
  errors?: Array<{ field: string; message: string }>;
}

export interface ApiClientOptions {
  url: string;
  apiKey?: string;
  retry?: RetryPolicy;
  /** Per attempt, headers and body together. */
  timeoutMs?: number;
}

/** One request's own limits, where they differ from the client's. */
export interface RequestOptions {
  /** Attempts in all, the first included. */
  attempts?: number;
  timeoutMs?: number;
}

/** The API could not be reached, or kept failing, after every retry. */
export class ApiUnavailableError extends Error {
  override name = 'ApiUnavailableError';
}

/** The API answered with a final refusal of the whole request (401, 403, 404, 413 …). */
export class ApiRefusedError extends Error {
  override name = 'ApiRefusedError';
  constructor(
    readonly status: number,
    message: string,
    /** The fields a 422 names, each with what is wrong with it. */
    readonly fields: ReadonlyArray<{ field: string; message: string }> = [],
  ) {
    super(message);
  }
}

/** "https://coherence.example.com" → ".../api"; a URL already ending in /api or /v1 is kept. */
export function apiBase(url: string): URL {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/\/+$/, '');
  parsed.pathname = /\/(api|v1)$/.test(path) ? path : `${path}/api`;
  parsed.search = '';
  parsed.hash = '';
  return parsed;
}

/** The URL as it may be shown: no credentials. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

export class ApiClient {
  readonly #base: URL;
  readonly #agent: Agent;
  readonly #retry: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #apiKey: string | undefined;

  constructor(options: ApiClientOptions) {
    this.#base = apiBase(options.url);
    this.#apiKey = options.apiKey;
    this.#retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#agent = new Agent({ connections: 4, keepAliveTimeout: 30_000, pipelining: 1 });
  }

  /** Posts one batch as core's batchPayloads built it (within the API's item and byte limits). */
  async postBatch(batch: PayloadBatch<unknown>): Promise<BatchItemResult[]> {
    const answer = await this.#send('POST', 'contributions/batch', batch.body);
    const results = (answer as { results?: BatchItemResult[] }).results;
    if (!Array.isArray(results) || results.length !== batch.items.length) {
      throw new ApiRefusedError(200, 'the API answered the batch without one result per item');
    }
    return results;
  }

  /** GETs a JSON resource under the API base ("identities"), retried like batches unless told otherwise. */
  async getJson(path: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#send('GET', path, undefined, options);
  }

  /** POSTs a JSON body to an idempotent route under the API base, retried like batches. */
  async postJson(path: string, body: unknown): Promise<unknown> {
    return this.#send('POST', path, JSON.stringify(body));
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #send(method: 'GET' | 'POST', path: string, body?: string, options: RequestOptions = {}): Promise<unknown> {
    const url = new URL(`${this.#base.pathname.replace(/\/$/, '')}/${path}`, this.#base);
    const attempts = options.attempts ?? this.#retry.attempts;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    let lastProblem = '';
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      let retryAfter: number | undefined;
      try {
        const response = await request(url, {
          method,
          dispatcher: this.#agent,
          headers: {
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            'user-agent': `coherence-cli/${VERSION}`,
            ...(this.#apiKey ? { 'x-api-key': this.#apiKey } : {}),
          },
          body,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const text = await response.body.text();
        if (response.statusCode >= 200 && response.statusCode < 300) return JSON.parse(text);
        const message = errorMessage(text) ?? `HTTP ${response.statusCode}`;
        if (!isRetryableStatus(response.statusCode)) throw new ApiRefusedError(response.statusCode, message, errorFields(text));
        lastProblem = `${response.statusCode} ${message}`;
        retryAfter = parseRetryAfter(response.headers['retry-after']);
      } catch (error) {
        if (error instanceof ApiRefusedError) throw error;
        lastProblem = networkProblem(error);
      }
      if (attempt + 1 < attempts) await sleep(retryDelayMs(this.#retry, attempt, retryAfter));
    }
    throw new ApiUnavailableError(`${lastProblem} (after ${attempts} attempts)`);
  }
}

function errorFields(text: string): Array<{ field: string; message: string }> {
  try {
    const fields = (JSON.parse(text) as { error?: { fields?: unknown } }).error?.fields;
    return Array.isArray(fields) ? fields.filter((field) => typeof field?.field === 'string' && typeof field?.message === 'string') : [];
  } catch {
    return [];
  }
}

function errorMessage(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } };
    return parsed.error?.message;
  } catch {
    return text.trim().slice(0, 200) || undefined;
  }
}

function networkProblem(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code;
    return code ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
