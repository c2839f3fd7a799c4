// The GitHub webhook receiver, fed GitHub's own example push payloads (@octokit/webhooks-examples),
// signed as GitHub signs them: accepted when signed right, refused otherwise, idempotent on redelivery.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { estimateCost } from '../packages/core/src/index.js';
import { createApp, openSqliteStore, type CoherenceApp, type SqliteStore } from '../packages/api/src/index.js';
import { PING_EXAMPLE, PUSH_EXAMPLES, githubDelivery, hashFor, readJson, sign } from '../packages/api/test/harness.js';

const SECRET = 'It’s a Secret to Everybody';
const PATH = '/api/webhooks/github';

let dir: string;
let store: SqliteStore;
let app: CoherenceApp;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'coherence-webhooks-'));
  store = openSqliteStore(join(dir, 'coherence.db'));
  app = createApp({ store, webhookSecret: SECRET, apiKeys: ['write-key'], logger: () => {} });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function deliver(event: string, body: unknown, options: { secret?: string; delivery?: string; target?: CoherenceApp } = {}) {
  const delivery = await githubDelivery(event, body, options.secret ?? SECRET, options.delivery);
  const response = await (options.target ?? app).request(PATH, { method: 'POST', headers: delivery.headers, body: delivery.body });
  return { status: response.status, body: await readJson(response) };
}

async function stored() {
  return (await readJson(await app.request('/api/contributions?limit=1000'))).items as Array<Record<string, any>>;
}

const withCommits = PUSH_EXAMPLES.find((example) => example.commits.length > 0)!;

function pushOf(commits: Array<Record<string, unknown>>, overrides: Record<string, unknown> = {}) {
  const base = withCommits.commits[0];
  return {
    ...withCommits,
    ...overrides,
    commits: commits.map((commit, index) => ({ ...base, id: hashFor(`push-${index}`), ...commit })),
  };
}

describe('POST /api/webhooks/github', () => {
  it('accepts every example push, recording the pushed commits and ignoring deleted refs', async () => {
    expect(PUSH_EXAMPLES.length).toBeGreaterThan(3);
    for (const example of PUSH_EXAMPLES) {
      const response = await deliver('push', example);
      expect(response.status).toBe(200);
      if (example.deleted) expect(response.body).toMatchObject({ event: 'push', ignored: expect.stringContaining('deleted') });
      else expect(response.body).toMatchObject({ event: 'push', repository: example.repository.full_name, commits: example.commits.length });
    }
    const rows = await stored();
    const commitIds = new Set(PUSH_EXAMPLES.filter((example) => !example.deleted).flatMap((example) => example.commits.map((commit: { id: string }) => commit.id)));
    expect(new Set(rows.map((row) => row.commit_hash))).toEqual(commitIds);
    expect(rows).toHaveLength(commitIds.size);
  });

  it('records the author with a cost from the paths alone, and says so', async () => {
    const response = await deliver('push', withCommits);
    expect(response.body).toMatchObject({ created: 1, duplicates: 0 });
    const commit = withCommits.commits[0];
    const [row] = await stored();
    const expectedCents = estimateCost({ filesChanged: 1, linesAdded: 0 }, 'push_paths').cents;
    expect(row).toMatchObject({
      commit_hash: commit.id,
      repository: 'Codertocat/Hello-World',
      contributor_email: commit.author.email.toLowerCase(),
      contributor_name: 'Codertocat',
      cost_cents: expectedCents,
      timestamp: new Date(commit.timestamp).toISOString(),
    });
    expect(row!.meta).toMatchObject({
      login: 'codertocat',
      subject: 'Initial commit',
      files_changed: 1,
      lines_added: 0,
      has_docs: true,
      cost: { basis: 'push_paths', confidence: 0.4, counted_files: 1, counted_lines_added: 0, credited: 1 },
    });
  });

  it('credits co-authors (bots left out), counts added, removed and modified paths, and skips excluded ones for cost', async () => {
    const push = pushOf([
      {
        author: { name: 'dependabot[bot]', email: '49699333+dependabot[bot]@users.noreply.github.com', username: 'dependabot[bot]' },
        message: 'Bump things\n\nCo-authored-by: Ann <ann@example.com>',
        added: ['src/new.ts'],
        removed: ['old.txt'],
        modified: ['package-lock.json', 'src/new.test.ts'],
      },
      {
        author: { name: 'Bob', email: 'Bob@Example.com', username: 'bob' },
        message: 'Pair work\n\nCo-authored-by: Cy <cy@example.com>\nCo-authored-by: Bob <bob@example.com>',
        added: ['a.ts'],
        removed: [],
        modified: [],
      },
    ]);
    const response = await deliver('push', push);
    expect(response.body).toMatchObject({ commits: 2, created: 3 });
    const rows = await stored();
    const first = rows.filter((row) => row.commit_hash === hashFor('push-0'));
    expect(first.map((row) => [row.contributor_email, row.meta.role])).toEqual([['ann@example.com', 'co-author']]);
    expect(first[0]!.meta).toMatchObject({ files_changed: 4, has_tests: true, cost: { counted_files: 3, excluded_files: 1 } });
    expect(first[0]!.cost_cents).toBe(estimateCost({ filesChanged: 3, linesAdded: 0 }, 'push_paths').cents);
    const second = rows.filter((row) => row.commit_hash === hashFor('push-1')).sort((a, b) => a.meta.cost.share_index - b.meta.cost.share_index);
    expect(second.map((row) => [row.contributor_email, row.meta.role])).toEqual([
      ['bob@example.com', 'author'],
      ['cy@example.com', 'co-author'],
    ]);
    const commitCents = estimateCost({ filesChanged: 1, linesAdded: 0 }, 'push_paths').cents;
    expect(second.reduce((sum, row) => sum + row.cost_cents, 0)).toBe(commitCents);
  });

  it('creates nothing on redelivery', async () => {
    const push = pushOf([{ added: ['x.ts'] }, { added: ['y.ts'] }]);
    expect((await deliver('push', push, { delivery: 'd-1' })).body).toMatchObject({ created: 2, duplicates: 0 });
    expect((await deliver('push', push, { delivery: 'd-1' })).body).toMatchObject({ created: 0, duplicates: 2 });
    expect((await deliver('push', push, { delivery: 'd-2' })).body).toMatchObject({ created: 0, duplicates: 2 });
    expect(await stored()).toHaveLength(2);
    const asset = (await readJson(await app.request('/api/assets'))).items[0];
    expect(asset.total_cost_cents).toBe(2 * estimateCost({ filesChanged: 1, linesAdded: 0 }, 'push_paths').cents);
  });

  it('refuses a delivery signed wrongly (401 unsigned, 403 mis-signed or tampered), before parsing it', async () => {
    expect(await deliver('push', withCommits, { secret: 'another secret' })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const good = await githubDelivery('push', withCommits, SECRET);
    const tampered = good.body.replace('Initial commit', 'Initial commiT');
    expect((await app.request(PATH, { method: 'POST', headers: good.headers, body: tampered })).status).toBe(403);
    const { 'x-hub-signature-256': _signature, ...unsigned } = good.headers;
    const missing = await app.request(PATH, { method: 'POST', headers: unsigned, body: good.body });
    expect(missing.status).toBe(401);
    expect(await readJson(missing)).toMatchObject({ error: { code: 'unauthorized' } });
    const garbage = await app.request(PATH, { method: 'POST', headers: { ...good.headers, 'x-hub-signature-256': await sign('wrong', '{oops') }, body: '{oops' });
    expect(garbage.status).toBe(403);
    expect(await stored()).toEqual([]);
  });

  it('refuses every delivery when no webhook secret is configured, and needs no API key', async () => {
    const closed = createApp({ store, apiKeys: ['write-key'], logger: () => {} });
    expect(await deliver('push', withCommits, { target: closed })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect((await deliver('push', withCommits)).status).toBe(200);
  });

  it('answers ping, acknowledges other events without recording them, and accepts form-encoded deliveries', async () => {
    expect(await deliver('ping', PING_EXAMPLE)).toMatchObject({ status: 200, body: { event: 'ping' } });
    expect(await deliver('issues', { action: 'opened' })).toMatchObject({ status: 200, body: { event: 'issues', ignored: expect.any(String) } });
    const form = `payload=${encodeURIComponent(JSON.stringify(withCommits))}`;
    const response = await app.request(PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-github-event': 'push', 'x-hub-signature-256': await sign(SECRET, form) },
      body: form,
    });
    expect(response.status).toBe(200);
    expect(await readJson(response)).toMatchObject({ created: 1 });
  });

  it('answers 422 for a signed push it cannot read, and 415 for a body that is not JSON', async () => {
    const response = await deliver('push', { ref: 'refs/heads/main', commits: [{ id: 'nope' }] });
    expect(response.status).toBe(422);
    expect(response.body.error.fields.map((field: { field: string }) => field.field)).toEqual(
      expect.arrayContaining(['repository', 'commits.0.id', 'commits.0.message', 'commits.0.timestamp']),
    );
    const text = await app.request(PATH, { method: 'POST', headers: { 'content-type': 'text/plain', 'x-hub-signature-256': await sign(SECRET, 'x') }, body: 'x' });
    expect(text.status).toBe(415);
    expect(await stored()).toEqual([]);
  });
});
