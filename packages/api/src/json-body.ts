// Reads a request body once, within a size limit, and parses it: 415 for anything but JSON, 413 over
// the limit (before reading when Content-Length says so), 400 for bytes that are not JSON.
// The raw text stays available because webhook signatures are computed over it.

import type { z } from '@hono/zod-openapi';
import type { IncomingMessage } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import { MAX_BODY_BYTES } from '@coherence/core';
import type { AppEnv } from './app-env.js';
import { apiErrors, fieldErrors } from './errors.js';

// The limit clients batch to (core's batchPayloads) is the limit enforced here.
export { MAX_BODY_BYTES };

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/;
const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

export interface JsonBodyOptions {
  maxBytes?: number;
  /** GitHub may deliver webhooks form-encoded: the JSON then sits in the `payload` field. */
  allowForm?: boolean;
  /** Checks the raw text before anything parses it (a webhook signature). */
  authenticate?: (c: Context<AppEnv>, raw: string) => Promise<void>;
}

export function jsonBody(options: JsonBodyOptions = {}): MiddlewareHandler<AppEnv> {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  return async (c, next) => {
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const isForm = options.allowForm === true && mediaType === FORM_MEDIA_TYPE;
    if (!isForm && !JSON_MEDIA_TYPE.test(mediaType)) {
      throw apiErrors.unsupportedMediaType(options.allowForm ? `application/json or ${FORM_MEDIA_TYPE}` : 'application/json');
    }
    const declared = Number(c.req.header('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) throw apiErrors.payloadTooLarge(maxBytes);

    // On a socket, read Node's request stream itself: building the web Request's body stream costs
    // more than the rest of a small request together. (app.request() has no socket: use the Request.)
    const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
    const raw = decodeUtf8(incoming ? await readIncoming(incoming, maxBytes) : await readStream(c.req.raw.body, maxBytes));
    await options.authenticate?.(c, raw);
    let jsonText = raw;
    if (isForm) {
      const payload = new URLSearchParams(raw).get('payload');
      if (payload === null) throw apiErrors.malformedJson('a form-encoded delivery needs a "payload" field');
      jsonText = payload;
    }
    let body: unknown;
    try {
      body = JSON.parse(jsonText.charCodeAt(0) === 0xfeff ? jsonText.slice(1) : jsonText);
    } catch (error) {
      throw apiErrors.malformedJson(jsonText.trim() === '' ? 'the body is empty' : (error as Error).message);
    }
    c.set('rawBody', raw);
    c.set('body', body);
    await next();
  };
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (incoming.readableEnded) return Promise.resolve(Buffer.alloc(0));
  if (incoming.destroyed) return Promise.reject(apiErrors.malformedJson('the body ended early'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error?: Error) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error) {
        // Stop reading; the server drains (or drops) the rest once the answer is sent.
        incoming.pause();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(apiErrors.payloadTooLarge(maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = () => finish(apiErrors.malformedJson('the body ended early'));
    const onClose = () => finish(apiErrors.malformedJson('the body ended early'));
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

async function readStream(stream: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Buffer> {
  if (stream === null) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw apiErrors.payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function decodeUtf8(bytes: Buffer): string {
  try {
    // ignoreBOM keeps the text byte-for-byte what was signed.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw apiErrors.malformedJson('the body is not UTF-8');
  }
}

/**
 * The parsed body checked against a schema; a 422 naming every bad field otherwise.
 * Bodies are validated here rather than by the route validators so they are read and parsed once.
 */
export function validBody<T extends z.ZodType>(c: Context<AppEnv>, schema: T): z.infer<T> {
  const result = schema.safeParse(c.var.body);
  if (!result.success) throw apiErrors.validation(fieldErrors(result.error.issues));
  return result.data;
}
