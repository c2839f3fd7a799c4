// Compressed bodies for the dashboard's larger responses (its script, /api/insight): brotli or gzip as
// the client's Accept-Encoding allows. A body is compressed once and kept (an asset for the server's
// life, an insight answer with its cache entry), never once per request.

import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type Encoding = 'br' | 'gzip';

/** zlib's output: a Buffer over a plain ArrayBuffer (what a Response body takes), never a shared one. */
export type Compressed = Buffer<ArrayBuffer>;

/** Smaller bodies go as they are: compressing them saves less than a packet. */
const SMALLEST_COMPRESSED = 1024;

/** The encoding to answer with: brotli when accepted, else gzip, else none ("q=0" refuses one). */
export function acceptedEncoding(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  const weights = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...parameters] = part.split(';').map((text) => text.trim());
    if (!name) continue;
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    weights.set(name, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  const accepts = (name: Encoding) => (weights.get(name) ?? weights.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip')) return 'gzip';
  return undefined;
}

/** A body and its compressed forms, each made on first use (or given, when built ahead of time). */
export class EncodedBody {
  readonly text: string;
  readonly #size: number;
  readonly #quality: number;
  readonly #variants = new Map<Encoding, Compressed>();

  /** `quality` is brotli's, 0–11: high for what is compressed once for good, low for a fresh answer. */
  constructor(text: string, options: { quality?: number; compressed?: Partial<Record<Encoding, Compressed>> } = {}) {
    this.text = text;
    this.#size = Buffer.byteLength(text);
    this.#quality = options.quality ?? 5;
    for (const [encoding, body] of Object.entries(options.compressed ?? {})) if (body) this.#variants.set(encoding as Encoding, body);
  }

  /** The body for a request's Accept-Encoding, and the Content-Encoding to send with it, if any. */
  forRequest(acceptEncoding: string | undefined): { body: string | Compressed; encoding?: Encoding } {
    const encoding = acceptedEncoding(acceptEncoding);
    if (encoding === undefined || this.#size < SMALLEST_COMPRESSED) return { body: this.text };
    let body = this.#variants.get(encoding);
    if (!body) {
      body = (
        encoding === 'br'
          ? brotliCompressSync(this.text, { params: { [constants.BROTLI_PARAM_QUALITY]: this.#quality, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } })
          : gzipSync(this.text, { level: 6 })
      ) as Compressed;
      this.#variants.set(encoding, body);
    }
    return { body, encoding };
  }
}

/** Headers for a body sent as forRequest() chose; Vary always, since the choice depends on the request. */
export function encodingHeaders(encoding: Encoding | undefined): Record<string, string> {
  return encoding === undefined ? { vary: 'accept-encoding' } : { vary: 'accept-encoding', 'content-encoding': encoding };
}
