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
  it('serves the page to anyone (it holds no figures), with a policy allowing only its own script', async () => {
    const page = await api.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<script src="assets/dashboard.js" defer></script>');
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'; script-src 'self';/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('serves the built script and style, revalidated by ETag', async () => {
    const script = await api.request('/assets/dashboard.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await script.text()).length).toBeGreaterThan(50_000);
    const etag = script.headers.get('etag')!;
    expect((await api.request('/assets/dashboard.js', { headers: { 'if-none-match': etag } })).status).toBe(304);
    const style = await api.request('/assets/dashboard.css');
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
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
