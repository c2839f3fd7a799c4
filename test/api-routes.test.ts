// The API's routes through app.request(), where a socket adds nothing: writes, reads, auth, every kind
// of bad input, the error body, the request log and the OpenAPI description. The store is a real
// SQLite file; the same routes run over a socket against both stores in api-server.test.ts.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contributionsForCommit, toPayload, type GitCommit } from '../packages/core/src/index.js';
import { createApp, openSqliteStore, type AppOptions, type CoherenceApp, type SqliteStore } from '../packages/api/src/index.js';
import { hashFor, payload } from '../packages/api/test/harness.js';

let dir: string;
let store: SqliteStore;
let logs: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coherence-routes-'));
  store = openSqliteStore(join(dir, 'coherence.db'));
  logs = [];
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function app(options: Partial<AppOptions> = {}): CoherenceApp {
  return createApp({ store, logger: (line) => logs.push(line), ...options });
}

interface CallOptions {
  body?: unknown;
  raw?: string | Uint8Array | ReadableStream<Uint8Array>;
  headers?: Record<string, string>;
}

async function call(target: CoherenceApp, method: string, path: string, options: CallOptions = {}) {
  const init: RequestInit & { duplex?: 'half' } = {
    method,
    headers: { ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), ...options.headers },
  };
  if (options.raw !== undefined) init.body = options.raw;
  else if (options.body !== undefined) init.body = JSON.stringify(options.body);
  if (init.body instanceof ReadableStream) init.duplex = 'half';
  const response = await target.request(path, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const post = (target: CoherenceApp, path: string, body: unknown, headers: Record<string, string> = {}) => call(target, 'POST', path, { body, headers });
const get = (target: CoherenceApp, path: string, headers: Record<string, string> = {}) => call(target, 'GET', path, { headers });

function expectError(response: { status: number; body: any }, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

function fieldsOf(response: { body: any }): string[] {
  return response.body.error.fields.map((field: { field: string }) => field.field);
}

describe('POST /api/contributions/github', () => {
  it('creates with 201, then answers the same contribution again with 200 and creates nothing', async () => {
    const api = app();
    const first = await post(api, '/api/contributions/github', payload({ contributor_email: 'Ann@Example.COM', commit_hash: hashFor('x').toUpperCase() }));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      id: expect.any(String),
      contributor_id: expect.any(String),
      asset_id: expect.any(String),
      commit_hash: hashFor('x'),
      contributor_email: 'ann@example.com',
      repository: 'octo/hello',
      cost_cents: 85,
      cost_amount: '0.85',
      coherence_score: 0.8,
      timestamp: '2024-03-01T08:00:00.000Z',
    });
    const again = await post(api, '/api/contributions/github', payload({ commit_hash: hashFor('x') }));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await get(api, '/api/contributions')).body.items).toHaveLength(1);
    expect((await get(api, '/api/contributors')).body.items).toHaveLength(1);
    expect((await get(api, `/api/assets/${first.body.asset_id}`)).body).toMatchObject({ name: 'octo/hello', asset_type: 'REPOSITORY', total_cost: '0.85' });
  });

  it('re-estimates cost with core, keeping the submitted figure and the provenance in meta', async () => {
    const response = await post(api(), '/api/contributions/github', payload({ cost_amount: '12.5' as unknown as number, metadata: { cost_basis: undefined } }));
    expect(response.status).toBe(201);
    expect(response.body.cost_cents).toBe(85); // 0.10 + 3 × 0.15 + 150 × 0.002
    expect(response.body.meta.cost).toMatchObject({ version: 'v2_normalized', basis: 'submitted_metadata', confidence: 0.7, commit_cents: 85, submitted_cents: 1250 });
    expect(response.body.meta.coherence).toMatchObject({ score: 0.8, version: 'v3_signals' });
    function api() {
      return app();
    }
  });

  it('stores exactly the row `coherence track` stores for the same commit (CLI payload round trip)', async () => {
    const commit: GitCommit = {
      hash: hashFor('cli'),
      parents: [hashFor('cli^')],
      author: { name: 'Ann', email: 'Ann@Example.com', date: '2024-03-01T10:00:00+02:00' },
      committer: { name: 'Ann', email: 'ann@example.com', date: '2024-03-01T11:00:00+02:00' },
      subject: 'Add feature',
      message: 'Add feature\n\nCo-authored-by: Bob <bob@example.com>\nCo-authored-by: Cy <cy@example.com>\n',
      files: [
        { path: 'src/feature.ts', linesAdded: 120, linesDeleted: 4, binary: false },
        { path: 'package-lock.json', linesAdded: 900, linesDeleted: 20, binary: false },
        { path: 'docs/guide.md', linesAdded: 10, linesDeleted: 0, binary: false },
      ],
    };
    const records = contributionsForCommit(commit, 'octo/hello');
    const api = app();
    const response = await post(api, '/api/contributions/batch', { items: records.map(toPayload) });
    expect(response.body.created).toBe(3);
    const stored = (await get(api, `/api/contributions/commit/${commit.hash}`)).body.items;
    for (const record of records) {
      const row = stored.find((item: { contributor_email: string }) => item.contributor_email === record.contributor.email);
      expect(row).toMatchObject({ cost_cents: record.costCents, coherence_score: record.coherence, timestamp: record.timestamp, contributor_name: record.contributor.name });
      expect(row.meta).toEqual(record.meta);
    }
  });

  it('validates from the schema, naming each bad field, and writes nothing', async () => {
    const api = app();
    const cases: Array<[unknown, string[]]> = [
      [payload({ metadata: { lines_added: -1 } }), ['metadata.lines_added']],
      [payload({ metadata: { files_changed: 1.5 } }), ['metadata.files_changed']],
      [payload({ metadata: { lines_added: '10' as never } }), ['metadata.lines_added']],
      [payload({ cost_amount: 0.001 }), ['cost_amount']],
      [payload({ cost_amount: -1 }), ['cost_amount']],
      [payload({ cost_amount: true as never }), ['cost_amount']],
      [payload({ commit_hash: 'abc' }), ['commit_hash']],
      [payload({ commit_hash: 'abc12z' }), ['commit_hash']],
      [payload({ commit_hash: 'a'.repeat(65) }), ['commit_hash']],
      [payload({ contributor_email: 'Ann <ann@example.com>' }), ['contributor_email']],
      [payload({ contributor_email: 'ann@example.com\nX-Other: 1' }), ['contributor_email']],
      [payload({ repository: '../etc' }), ['repository']],
      [payload({ metadata: { timestamp: 'yesterday' } }), ['metadata.timestamp']],
      [payload({ metadata: { timestamp: '0000-01-01T00:00:00+01:00' } }), ['metadata.timestamp']],
      [payload({ metadata: { subject: 'nul \u0000 here' } }), ['metadata.subject']],
      [payload({ metadata: { contributor_name: 'lone \ud800 surrogate' } }), ['metadata.contributor_name']],
      [payload({ metadata: { credited: 2, share_index: 2 } }), ['metadata.share_index']],
      [payload({ metadata: { role: 'owner' as never } }), ['metadata.role']],
      [payload({ metadata: { parents: ['zz'] } }), ['metadata.parents.0']],
      [{ ...payload(), metadata: [] }, ['metadata']],
      [{ ...payload(), metadata: 'x' }, ['metadata']],
      [payload({ metadata: { labels: ['nul \u0000'] } as never }), ['metadata.labels']],
      [payload({ metadata: { notes: 'x'.repeat(20_000) } as never }), ['metadata']],
      [[payload()], ['body']],
      [null, ['body']],
    ];
    for (const [body, fields] of cases) {
      const response = await post(api, '/api/contributions/github', body);
      expectError(response, 422, 'validation_failed');
      expect(fieldsOf(response), JSON.stringify(body)).toEqual(fields);
    }
    // JSON.parse reads 1e999 as Infinity, which no database stores as a number.
    const huge = await call(api, 'POST', '/api/contributions/github', { raw: JSON.stringify(payload()).replace('"files_changed":3', '"pr_number":1e999,"files_changed":3') });
    expectError(huge, 422, 'validation_failed');
    expect(fieldsOf(huge)).toEqual(['metadata.pr_number']);
    expect((await get(api, '/api/contributions')).body.items).toEqual([]);
    expect((await get(api, '/api/contributors')).body.items).toEqual([]);
    expect((await get(api, '/api/assets')).body.items).toEqual([]);
  });
});

describe('POST /api/contributions/batch', () => {
  it('stores the good items, reports each one, and rejects the bad ones alone', async () => {
    const api = app();
    const good = payload({ commit_hash: hashFor('b1') });
    const response = await post(api, '/api/contributions/batch', {
      items: [good, payload({ commit_hash: hashFor('b2'), cost_amount: 'abc' as unknown as number }), good, payload({ commit_hash: hashFor('b3'), contributor_email: 'bob@example.com' }), 42],
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ created: 2, duplicates: 1, rejected: 2 });
    const results = response.body.results;
    expect(results.map((result: { index: number; status: string }) => [result.index, result.status])).toEqual([
      [0, 'created'],
      [1, 'rejected'],
      [2, 'duplicate'],
      [3, 'created'],
      [4, 'rejected'],
    ]);
    expect(results[2].id).toBe(results[0].id);
    expect(results[1].errors).toEqual([{ field: 'items.1.cost_amount', message: expect.any(String) }]);
    expect(results[1].id).toBeUndefined();
    expect(results[4].errors[0].field).toBe('items.4');
    const again = await post(api, '/api/contributions/batch', { items: [good] });
    expect(again.body).toMatchObject({ created: 0, duplicates: 1, rejected: 0, results: [{ index: 0, status: 'duplicate', id: results[0].id }] });
    expect((await get(api, '/api/contributions')).body.items).toHaveLength(2);
  });

  it('takes 1 to 1,000 items, else 422 naming items', async () => {
    const api = app();
    expect(fieldsOf(await post(api, '/api/contributions/batch', { items: [] }))).toEqual(['items']);
    expect(fieldsOf(await post(api, '/api/contributions/batch', {}))).toEqual(['items']);
    expect(fieldsOf(await post(api, '/api/contributions/batch', { items: 'x' }))).toEqual(['items']);
    const tooMany = Array.from({ length: 1001 }, (_, index) => ({ n: index }));
    const refused = await post(api, '/api/contributions/batch', { items: tooMany });
    expectError(refused, 422, 'validation_failed');
    expect(fieldsOf(refused)).toEqual(['items']);
    const thousand = Array.from({ length: 1000 }, (_, index) => payload({ commit_hash: hashFor(`k${index}`) }));
    const accepted = await post(api, '/api/contributions/batch', { items: thousand });
    expect(accepted.body).toMatchObject({ created: 1000, duplicates: 0, rejected: 0 });
    expect((await get(api, '/api/stats')).body.per_day[0]).toMatchObject({ commits: 1000, cost_cents: 85_000 });
  });
});

describe('POST /api/contributions (by id)', () => {
  it('needs a known contributor and asset, scores with core and is idempotent', async () => {
    const api = app();
    const seed = (await post(api, '/api/contributions/github', payload())).body;
    const body = {
      contributor_id: seed.contributor_id,
      asset_id: seed.asset_id,
      commit_hash: hashFor('by-id'),
      cost_amount: 3,
      coherence_score: 0.99,
      timestamp: '2024-05-01T00:00:00Z',
      metadata: { files_changed: 1, lines_added: 10, lines_deleted: 0 },
    };
    expectError(await post(api, '/api/contributions', { ...body, contributor_id: 'nobody' }), 404, 'not_found');
    expectError(await post(api, '/api/contributions', { ...body, asset_id: 'nothing' }), 404, 'not_found');
    const created = await post(api, '/api/contributions', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ cost_cents: 27, coherence_score: 0.8, timestamp: '2024-05-01T00:00:00.000Z', contributor_email: 'ann@example.com' });
    expect(created.body.meta).toMatchObject({ submitted_coherence: 0.99, cost: { submitted_cents: 300 } });
    const again = await post(api, '/api/contributions', body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);
    expect((await get(api, `/api/assets/${seed.asset_id}`)).body.total_cost_cents).toBe(85 + 27);
    expect(fieldsOf(await post(api, '/api/contributions', { ...body, coherence_score: 2 }))).toEqual(['coherence_score']);
    expect(fieldsOf(await post(api, '/api/contributions', { ...body, contributor_id: undefined }))).toEqual(['contributor_id']);
  });
});

describe('reads', () => {
  async function seeded() {
    const api = app();
    const items = Array.from({ length: 12 }, (_, index) =>
      payload({
        contributor_email: index % 3 ? 'ann@example.com' : 'bob@example.com',
        repository: index % 2 ? 'octo/a' : 'octo/b',
        commit_hash: hashFor(`read-${index}`),
        metadata: { timestamp: `2024-02-${String(index + 1).padStart(2, '0')}T09:00:00Z` },
      }),
    );
    await post(api, '/api/contributions/batch', { items });
    return api;
  }

  it('pages /api/contributions through `next` links that keep the filters', async () => {
    const api = await seeded();
    const seen: string[] = [];
    let next: string | null = '/api/contributions?repository=octo%2Fa&limit=2';
    while (next) {
      const page = await get(api, next);
      expect(page.status).toBe(200);
      if (page.body.next) expect(page.headers.get('link')).toBe(`<${page.body.next}>; rel="next"`);
      seen.push(...page.body.items.map((item: { timestamp: string; repository: string }) => `${item.timestamp}|${item.repository}`));
      next = page.body.next;
      if (next) expect(next).toMatch(/^\/api\/contributions\?repository=octo%2Fa&limit=2&cursor=/);
    }
    expect(seen).toHaveLength(6);
    expect(seen).toEqual([...seen].sort());
    expect(seen.every((key) => key.endsWith('|octo/a'))).toBe(true);
  });

  it('filters by contributor email, since and until (a date is midnight UTC, until exclusive)', async () => {
    const api = await seeded();
    const bob = await get(api, '/api/contributions?contributor=BOB@example.com');
    expect(bob.body.items.map((item: { contributor_email: string }) => item.contributor_email)).toEqual(Array(4).fill('bob@example.com'));
    const window = await get(api, '/api/contributions?since=2024-02-03&until=2024-02-05T09:00:00%2B00:00');
    expect(window.body.items.map((item: { timestamp: string }) => item.timestamp)).toEqual(['2024-02-03T09:00:00.000Z', '2024-02-04T09:00:00.000Z']);
    const bad = await get(api, '/api/contributions?since=last%20week&limit=5000&contributor=%3Cnobody%3E');
    expectError(bad, 422, 'validation_failed');
    expect(fieldsOf(bad).sort()).toEqual(['contributor', 'limit', 'since']);
    const badCursor = await get(api, '/api/contributions?cursor=garbage');
    expectError(badCursor, 422, 'validation_failed');
    expect(fieldsOf(badCursor)).toEqual(['cursor']);
  });

  it('serves contributors, assets, their contributions, a commit, and stats', async () => {
    const api = await seeded();
    const contributors = (await get(api, '/api/contributors')).body.items;
    expect(contributors.map((person: { email: string }) => person.email).sort()).toEqual(['ann@example.com', 'bob@example.com']);
    const bob = contributors.find((person: { email: string }) => person.email === 'bob@example.com');
    expect((await get(api, `/api/contributors/${bob.id}`)).body).toEqual(bob);
    const bobs = await get(api, `/api/contributors/${bob.id}/contributions?limit=3`);
    expect(bobs.body.items).toHaveLength(3);
    expect(bobs.body.next).toMatch(new RegExp(`^/api/contributors/${bob.id}/contributions\\?limit=3&cursor=`));
    expect((await get(api, bobs.body.next)).body.items).toHaveLength(1);

    const assets = (await get(api, '/api/assets?limit=1')).body;
    expect(assets.items).toHaveLength(1);
    const asset = assets.items[0];
    expect((await get(api, `/api/assets/${asset.id}`)).body).toEqual(asset);
    expect(asset.total_cost_cents).toBe(6 * 85);
    const assetRows = (await get(api, `/api/assets/${asset.id}/contributions?contributor=bob@example.com`)).body.items;
    expect(assetRows.every((row: { repository: string; contributor_email: string }) => row.repository === asset.name && row.contributor_email === 'bob@example.com')).toBe(true);

    const commit = await get(api, `/api/contributions/commit/${hashFor('read-4').toUpperCase()}`);
    expect(commit.body).toMatchObject({ commit_hash: hashFor('read-4'), items: [{ commit_hash: hashFor('read-4') }] });
    expect((await get(api, `/api/contributions/commit/${hashFor('none')}`)).body.items).toEqual([]);
    expect(fieldsOf(await get(api, '/api/contributions/commit/xyz'))).toEqual(['sha']);

    for (const path of ['/api/contributors/nope', '/api/contributors/nope/contributions', '/api/assets/nope', '/api/assets/nope/contributions']) {
      expectError(await get(api, path), 404, 'not_found');
    }

    const stats = (await get(api, '/api/stats?repository=octo/a&top=1')).body;
    expect(stats.per_day).toHaveLength(6);
    expect(stats.per_day[0]).toEqual({ day: '2024-02-02', commits: 1, contributions: 1, cost_cents: 85, cost_amount: '0.85' });
    expect(stats.top_contributors).toEqual([
      { email: 'ann@example.com', name: 'Ann', commits: 4, lines_added: 600, lines_deleted: 16, files_changed: 12, cost_cents: 340, cost_amount: '3.40', mean_coherence: 0.8 },
    ]);
    expect(fieldsOf(await get(api, '/api/stats?top=0'))).toEqual(['top']);
  });

  it('serves every route under /v1 as under /api', async () => {
    const api = app();
    const created = await post(api, '/v1/contributions/github', payload());
    expect(created.status).toBe(201);
    expect((await get(api, '/v1/contributions')).body.items[0].id).toBe(created.body.id);
    expect((await get(api, '/v1/health')).body).toEqual({ status: 'ok' });
  });
});

describe('health, readiness and the OpenAPI description', () => {
  it('says the process is up, and whether the database is', async () => {
    const api = app();
    expect(await get(api, '/api/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await get(api, '/api/ready')).toMatchObject({ status: 200, body: { status: 'ready', database: 'sqlite' } });
    await store.close();
    expectError(await get(api, '/api/ready'), 503, 'not_ready');
    expect((await get(api, '/api/health')).status).toBe(200);
  });

  it('describes every route, from the schemas that validate', async () => {
    const doc = (await get(app(), '/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/assets',
        '/assets/{id}',
        '/assets/{id}/contributions',
        '/contributions',
        '/contributions/batch',
        '/contributions/commit/{sha}',
        '/contributions/github',
        '/contributors',
        '/contributors/{id}',
        '/contributors/{id}/contributions',
        '/health',
        '/insight',
        '/identities',
        '/identities/merge',
        '/identities/merges',
        '/identities/unmerge',
        '/ready',
        '/rescore',
        '/stats',
        '/webhooks/github',
      ].sort(),
    );
    expect(Object.keys(doc.paths['/contributions'])).toEqual(expect.arrayContaining(['get', 'post']));
    const metadata = doc.components.schemas.PayloadMetadata;
    // Every figure may be missing (0), and keys of the client's own are allowed.
    expect(metadata.required ?? []).toEqual([]);
    expect(doc.components.schemas.ContributionPayload.required).toEqual(['contributor_email', 'repository', 'commit_hash', 'cost_amount']);
    expect(doc.components.schemas.Contribution.required).toEqual(expect.arrayContaining(['id', 'contributor_id', 'asset_id', 'cost_amount', 'coherence_score', 'timestamp', 'metadata']));
    expect(metadata.properties.lines_added).toMatchObject({ type: 'integer', minimum: 0 });
    expect(doc.components.schemas.BatchRequest.properties.items).toMatchObject({ minItems: 1, maxItems: 1000 });
    expect(doc.components.securitySchemes.ApiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
    expect(doc.paths['/contributions/github'].post.responses['422'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
  });
});

describe('keys', () => {
  const keyed = () => app({ apiKeys: ['write-key-1', 'write-key-2'], readKey: 'read-key-1' });

  it('leaves writes open when no key is configured (loopback use)', async () => {
    expect((await post(app(), '/api/contributions/github', payload())).status).toBe(201);
  });

  it('needs X-API-Key matching a configured key for writes: 401 without, 403 wrong', async () => {
    const api = app({ apiKeys: ['write-key-1', 'write-key-2'] });
    for (const path of ['/api/contributions/github', '/api/contributions/batch', '/api/contributions']) {
      expectError(await post(api, path, payload()), 401, 'unauthorized');
      expectError(await post(api, path, payload(), { 'x-api-key': 'write-key-3' }), 403, 'forbidden');
      expectError(await post(api, path, payload(), { 'x-api-key': 'write-key-1x' }), 403, 'forbidden');
    }
    // Auth comes before the body is even read.
    expectError(await call(api, 'POST', '/api/contributions/github', { raw: 'not json' }), 401, 'unauthorized');
    expect((await post(api, '/api/contributions/github', payload(), { 'x-api-key': 'write-key-2' })).status).toBe(201);
    // Reads stay open without COHERENCE_READ_KEY.
    expect((await get(api, '/api/contributions')).status).toBe(200);
  });

  it('closes reads when COHERENCE_READ_KEY is set (a write key reads too), leaving health open', async () => {
    const api = keyed();
    for (const path of ['/api/contributions', '/api/contributors', '/api/assets', '/api/stats', `/api/contributions/commit/${hashFor('x')}`]) {
      expectError(await get(api, path), 401, 'unauthorized');
      expectError(await get(api, path, { 'x-api-key': 'nope' }), 403, 'forbidden');
      expect((await get(api, path, { 'x-api-key': 'read-key-1' })).status).toBe(200);
      expect((await get(api, path, { 'x-api-key': 'write-key-1' })).status).toBe(200);
    }
    expectError(await post(api, '/api/contributions/github', payload(), { 'x-api-key': 'read-key-1' }), 403, 'forbidden');
    for (const path of ['/api/health', '/api/ready', '/api/openapi.json']) expect((await get(api, path)).status).toBe(200);
  });

  it('never writes a key to the log, which has one line per request', async () => {
    const api = keyed();
    await post(api, '/api/contributions/github', payload(), { 'x-api-key': 'write-key-1' });
    await get(api, '/api/contributions?key=write-key-2', { 'x-api-key': 'read-key-1' });
    await get(api, '/api/contributors/write-key-1', { 'x-api-key': 'read-key-1' });
    expect(logs).toHaveLength(3);
    const entries = logs.map((line) => JSON.parse(line));
    expect(entries[0]).toMatchObject({ level: 'info', msg: 'request', method: 'POST', path: '/api/contributions/github', status: 201 });
    expect(entries[1]).toMatchObject({ method: 'GET', path: '/api/contributions', route: '/api/contributions', status: 200 });
    expect(entries[2]).toMatchObject({ method: 'GET', path: '/api/contributors/***', route: '/api/contributors/:id', status: 404 });
    for (const entry of entries) expect(entry.duration_ms).toBeTypeOf('number');
    expect(logs.join('\n')).not.toMatch(/write-key|read-key/);
  });
});

describe('bad input', () => {
  it('answers 400 for malformed JSON, 415 for a non-JSON body, 413 over 1 MB, with the one error body', async () => {
    const api = app();
    const path = '/api/contributions/github';
    expectError(await call(api, 'POST', path, { raw: '{"contributor_email":' }), 400, 'malformed_json');
    expectError(await call(api, 'POST', path, { raw: '' }), 400, 'malformed_json');
    expectError(await call(api, 'POST', path, { raw: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }), 400, 'malformed_json');
    expectError(await call(api, 'POST', path, { raw: JSON.stringify(payload()), headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
    expectError(await call(api, 'POST', path, { raw: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');
    const noType = await api.request(path, { method: 'POST', body: new Uint8Array(Buffer.from(JSON.stringify(payload()))) });
    expect(noType.status).toBe(415);
    // application/json with parameters, and +json media types, are JSON.
    expect((await call(api, 'POST', path, { raw: JSON.stringify(payload()), headers: { 'content-type': 'application/json; charset=utf-8' } })).status).toBe(201);

    const big = JSON.stringify({ items: [payload({ metadata: { subject: 'x'.repeat(1024 * 1024) } })] });
    expectError(await call(api, 'POST', '/api/contributions/batch', { raw: big }), 413, 'payload_too_large');
    // No Content-Length (a chunked upload): cut off while reading.
    const chunks = [Buffer.from(big.slice(0, 600_000)), Buffer.from(big.slice(600_000))];
    const stream = new ReadableStream({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk) controller.enqueue(new Uint8Array(chunk));
        else controller.close();
      },
    });
    expectError(await call(api, 'POST', '/api/contributions/batch', { raw: stream }), 413, 'payload_too_large');
    // Only the one well-formed post above was stored.
    expect((await get(api, '/api/contributions')).body.items).toHaveLength(1);
  });

  it('never answers 500 to arbitrary input', async () => {
    const api = app({ apiKeys: ['k'] });
    const values: unknown[] = [
      null, 0, -1, 1e308, 'x', '', true, [], {}, [[[]]], { items: null }, { items: [null] }, { items: [{ metadata: [] }] },
      { ...payload(), metadata: { ...payload().metadata, timestamp: '2024-13-45T99:99:99Z' } },
      { ...payload(), commit_hash: 'g'.repeat(40) }, { ...payload(), repository: 'a/b/c' }, { ...payload(), cost_amount: '1e3' },
      { ...payload(), cost_amount: 1e21 }, { ...payload(), metadata: { ...payload().metadata, lines_added: 2 ** 53 } },
      { ...payload(), metadata: { ...payload().metadata, parents: 'x' } }, { ...payload(), metadata: { ...payload().metadata, co_authors: [1] } },
      { contributor_id: {}, asset_id: [], commit_hash: null, metadata: 'x' }, { __proto__: { polluted: true } },
      JSON.parse('{"__proto__": {"admin": true}, "items": [{"constructor": {"prototype": {}}}]}'),
    ];
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    for (const path of ['/api/contributions/github', '/api/contributions/batch', '/api/contributions']) {
      for (const value of values) {
        const response = await post(api, path, value, { 'x-api-key': 'k' });
        expect(response.status, `${path} ${JSON.stringify(value)}`).toBeLessThan(500);
        expect(response.body.error ?? response.body.results).toBeDefined();
      }
      expect((await call(api, 'POST', path, { raw: deep, headers: { 'x-api-key': 'k' } })).status).toBeLessThan(500);
    }
    for (const path of ['/api/contributions?limit=abc', '/api/contributions?limit=1.5', '/api/contributions?cursor=%00', '/api/contributors/%00', '/api/stats?since=2024-02-30', '/api/assets?cursor=WyJ4IiwieSJd']) {
      expect((await get(api, path)).status, path).toBeLessThan(500);
    }
    expect(logs.filter((line) => line.includes('internal error'))).toEqual([]);
  });

  it('answers unknown routes with a JSON 404', async () => {
    expectError(await get(app(), '/api/nothing'), 404, 'not_found');
    expectError(await get(app(), '/elsewhere'), 404, 'not_found');
  });
});
