// The dashboard's page, its assets and /api/insight through app.request(): what is served to whom,
// and how bad filters are refused. The page itself is exercised in Chromium (dashboard-browser.test.ts).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, openSqliteStore, type CoherenceApp, type SqliteStore } from '../packages/api/src/index.js';
import { hashFor, payload } from '../packages/api/test/harness.js';

let dir: string;
let store: SqliteStore;
let api: CoherenceApp;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coherence-dashboard-'));
  store = openSqliteStore(join(dir, 'coherence.db'));
  api = createApp({ store, apiKeys: ['write-key'], readKey: 'read-key', logger: () => {} });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the dashboard routes', () => {
  it('serves the page to anyone (it holds no figures), with a policy allowing only its own scripts', async () => {
    const page = await api.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    // The request script first, running as soon as it arrives; the page's script after the page is parsed.
    expect(html).toMatch(/<script src="assets\/request\.[0-9a-f]{16}\.js" async><\/script>\n<link rel="stylesheet" href="assets\/dashboard\.[0-9a-f]{16}\.css">/);
    expect(html).toMatch(/<script src="assets\/dashboard\.[0-9a-f]{16}\.js" defer><\/script>/);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'; script-src 'self';/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('serves each file under its hashed name for good and its plain name revalidated, compressed as accepted', async () => {
    const html = await (await api.request('/')).text();
    const scriptPath = /src="(assets\/dashboard\.[0-9a-f]{16}\.js)"/.exec(html)![1]!;
    const hashed = await api.request(`/${scriptPath}`);
    expect(hashed.status).toBe(200);
    expect(hashed.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(hashed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const text = await hashed.text();
    expect(text.length).toBeGreaterThan(50_000);

    const plain = await api.request('/assets/dashboard.js');
    expect(plain.headers.get('cache-control')).toBe('no-cache');
    expect(await plain.text()).toBe(text);
    const etag = plain.headers.get('etag')!;
    expect(hashed.headers.get('etag')).toBe(etag);
    expect(scriptPath).toContain(etag.slice(1, -1));
    expect((await api.request('/assets/dashboard.js', { headers: { 'if-none-match': etag } })).status).toBe(304);

    for (const [accepted, encoding, decode] of [
      ['gzip, deflate, br', 'br', brotliDecompressSync],
      ['gzip', 'gzip', gunzipSync],
    ] as const) {
      const compressed = await api.request(`/${scriptPath}`, { headers: { 'accept-encoding': accepted } });
      expect(compressed.headers.get('content-encoding')).toBe(encoding);
      expect(compressed.headers.get('vary')).toBe('accept-encoding');
      const bytes = Buffer.from(await compressed.arrayBuffer());
      expect(bytes.length).toBeLessThan(text.length / 2);
      expect(decode(bytes).toString()).toBe(text);
    }
    const style = await api.request('/assets/dashboard.css');
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await api.request('/assets/request.js')).status).toBe(200);
    expect((await api.request('/assets/other.js')).status).toBe(404);
  });

  it('answers /api/insight from memory until a write, says which in Server-Timing, and compresses it', async () => {
    const post = (label: string) =>
      api.request('/api/contributions/github', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'write-key' },
        body: JSON.stringify(payload({ commit_hash: hashFor(label), metadata: { subject: 'x'.repeat(2000) } })),
      });
    await post('one');
    const read = (headers: Record<string, string> = {}) => api.request('/api/insight', { headers: { 'x-api-key': 'read-key', ...headers } });
    const timing = (response: Response) => /^insight;dur=[\d.]+;desc="(\w+)"$/.exec(response.headers.get('server-timing') ?? '')?.[1];

    const first = await read();
    expect(timing(first)).toBe('computed');
    expect(first.headers.get('content-type')).toBe('application/json');
    const body = await first.json();
    const kept = await read({ 'accept-encoding': 'br' });
    expect(timing(kept)).toBe('kept');
    expect(kept.headers.get('content-encoding')).toBe('br');
    expect(kept.headers.get('vary')).toBe('accept-encoding');
    expect(JSON.parse(brotliDecompressSync(Buffer.from(await kept.arrayBuffer())).toString())).toEqual(body);

    await post('two');
    const after = await read({ 'accept-encoding': 'gzip' });
    expect(timing(after)).toBe('computed');
    expect(after.headers.get('content-encoding')).toBe('gzip');
    expect(JSON.parse(gunzipSync(Buffer.from(await after.arrayBuffer())).toString()).totals.commits).toBe(body.totals.commits + 1);
  });

  it('answers /api/insight behind the read key, and names a bad filter in a 422', async () => {
    await api.request('/api/contributions/github', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'write-key' },
      body: JSON.stringify(payload({ commit_hash: hashFor('one') })),
    });
    expect((await api.request('/api/insight')).status).toBe(401);
    const insight = await api.request('/api/insight?repository=octo/hello&since=2024-01-01', { headers: { 'x-api-key': 'read-key' } });
    expect(insight.status).toBe(200);
    const body = await insight.json();
    expect(body.selection).toEqual({ repository: 'octo/hello', since: '2024-01-01T00:00:00.000Z' });
    expect(body.totals).toMatchObject({ contributors: 1, commits: 1, contributions: 1, cost_cents: 85 });
    for (const [query, field] of [
      ['since=yesterday-ish', 'since'],
      ['contributor=%3Cann%40example.com%3E', 'contributor'],
      ['top=0', 'top'],
      ['latest=1000', 'latest'],
    ]) {
      const refused = await api.request(`/api/insight?${query}`, { headers: { 'x-api-key': 'read-key' } });
      expect(refused.status, query).toBe(422);
      expect((await refused.json()).error.fields.map((error: { field: string }) => error.field), query).toEqual([field]);
    }
  });
});
