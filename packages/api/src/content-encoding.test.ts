import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptedEncoding, EncodedBody } from './content-encoding.js';

describe('acceptedEncoding', () => {
  it('prefers brotli, then gzip, and honours a refusal (q=0) and a wildcard', () => {
    expect(acceptedEncoding('gzip, deflate, br')).toBe('br');
    expect(acceptedEncoding('gzip, deflate')).toBe('gzip');
    expect(acceptedEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(acceptedEncoding('*')).toBe('br');
    expect(acceptedEncoding('*;q=0, GZIP')).toBe('gzip');
    expect(acceptedEncoding('identity')).toBeUndefined();
    expect(acceptedEncoding('')).toBeUndefined();
    expect(acceptedEncoding(undefined)).toBeUndefined();
  });
});

describe('EncodedBody', () => {
  const text = JSON.stringify({ weeks: Array.from({ length: 200 }, (_, index) => ({ week: index, commits: index * 3 })) });

  it('compresses once per encoding, into bodies that decompress to the text', () => {
    const body = new EncodedBody(text);
    const br = body.forRequest('br');
    expect(br.encoding).toBe('br');
    expect(brotliDecompressSync(br.body as Buffer).toString()).toBe(text);
    expect(body.forRequest('br').body).toBe(br.body);
    const gzip = body.forRequest('gzip');
    expect(gzip.encoding).toBe('gzip');
    expect(gunzipSync(gzip.body as Buffer).toString()).toBe(text);
    expect(body.forRequest(undefined)).toEqual({ body: text });
  });

  it('sends small bodies as they are, and the compressed copies it was given as they are', () => {
    expect(new EncodedBody('{"ok":true}').forRequest('br')).toEqual({ body: '{"ok":true}' });
    const given = Buffer.from('made by the build') as Buffer<ArrayBuffer>;
    expect(new EncodedBody(text, { compressed: { br: given } }).forRequest('br').body).toBe(given);
  });
});
