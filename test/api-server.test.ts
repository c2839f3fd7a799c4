// The real server on an ephemeral 127.0.0.1 port, against each store: every route over the socket,
// 50 concurrent identical posts, a restart that keeps the data, and a graceful shutdown.

import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, isLoopbackHost, startServer, type ContributionStore } from '../packages/api/src/index.js';
import { PING_EXAMPLE, PUSH_EXAMPLES, STORE_KINDS, githubDelivery, hashFor, kindTitle, payload, readJson, startTestServer, type StoreHandle, type TestServer } from '../packages/api/test/harness.js';

const WRITE = { 'x-api-key': 'write-key' };
const READ = { 'x-api-key': 'read-key' };
const SECRET = 'webhook-secret';

for (const kind of STORE_KINDS) {
  describe.skipIf(kind.skipReason !== undefined)(kindTitle(kind, 'the API server'), () => {
    let handle: StoreHandle;
    let server: TestServer | undefined;

    beforeEach(async () => {
      handle = await kind.open();
    });
    afterEach(async () => {
      await server?.close();
      server = undefined;
      await handle.dispose();
    });

    it('serves every route over the socket', async () => {
      server = await startTestServer(handle.store, { apiKeys: ['write-key'], readKey: 'read-key', webhookSecret: SECRET });
      const created = await server.post('/api/contributions/github', payload(), WRITE);
      expect(created.status).toBe(201);
      const contribution = await readJson(created);
      const batch = await server.post('/api/contributions/batch', { items: [payload({ commit_hash: hashFor('s2') }), { bad: true }] }, WRITE);
      expect(await readJson(batch)).toMatchObject({ created: 1, rejected: 1 });
      const byId = await server.post(
        '/v1/contributions',
        { contributor_id: contribution.contributor_id, asset_id: contribution.asset_id, commit_hash: hashFor('s3'), cost_amount: 1, metadata: { files_changed: 1, lines_added: 1, lines_deleted: 0 } },
        WRITE,
      );
      expect(byId.status).toBe(201);
      const ping = await githubDelivery('ping', PING_EXAMPLE, SECRET);
      expect((await fetch(`${server.url}/api/webhooks/github`, { method: 'POST', headers: ping.headers, body: ping.body })).status).toBe(200);
      const push = await githubDelivery('push', PUSH_EXAMPLES.find((example) => example.commits.length > 0), SECRET);
      const pushed = await fetch(`${server.url}/api/webhooks/github`, { method: 'POST', headers: push.headers, body: push.body });
      expect(await readJson(pushed)).toMatchObject({ event: 'push', commits: 1, created: 1 });

      const reads = [
        '/api/contributions',
        '/api/contributors',
        `/api/contributors/${contribution.contributor_id}`,
        `/api/contributors/${contribution.contributor_id}/contributions`,
        '/api/assets',
        `/api/assets/${contribution.asset_id}`,
        `/api/assets/${contribution.asset_id}/contributions`,
        `/api/contributions/commit/${contribution.commit_hash}`,
        '/api/stats',
      ];
      for (const path of reads) {
        expect((await server.get(path)).status, path).toBe(401);
        expect((await server.get(path, READ)).status, path).toBe(200);
      }
      expect((await readJson(await server.get('/api/contributions', READ))).items).toHaveLength(4);
      expect((await readJson(await server.get(`/api/assets/${contribution.asset_id}`, READ))).total_cost_cents).toBe(85 + 85 + 25);
      for (const path of ['/api/health', '/api/ready', '/api/openapi.json']) expect((await server.get(path)).status, path).toBe(200);
      expect(await readJson(await server.get('/api/ready'))).toEqual({ status: 'ready', database: kind.dialect });

      const tooBig = await server.post('/api/contributions/batch', JSON.stringify({ items: ['x'.repeat(1_100_000)] }), WRITE);
      expect(tooBig.status).toBe(413);
      expect(await readJson(tooBig)).toMatchObject({ error: { code: 'payload_too_large' } });
      expect(server.logs.every((line) => /^(GET|POST) \/\S* \d{3}$/.test(requestLine(JSON.parse(line))))).toBe(true);
      expect(server.logs.join('\n')).not.toMatch(/write-key|read-key|webhook-secret/);
    });

    it('takes 50 concurrent identical posts as one row', async () => {
      server = await startTestServer(handle.store);
      const body = payload({ commit_hash: hashFor('race') });
      const responses = await Promise.all(Array.from({ length: 50 }, () => server!.post('/api/contributions/github', body)));
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([...Array(49).fill(200), 201]);
      const ids = new Set(await Promise.all(responses.map(async (response) => (await readJson(response)).id)));
      expect(ids.size).toBe(1);
      const list = await readJson(await server.get('/api/contributions'));
      expect(list.items).toHaveLength(1);
      expect((await readJson(await server.get(`/api/assets/${list.items[0].asset_id}`))).total_cost_cents).toBe(85);
    });

    it('still has its data after a stop and a restart', async () => {
      const first = await startTestServer(handle.store);
      const created = await readJson(await first.post('/api/contributions/github', payload({ commit_hash: hashFor('persist') })));
      await first.close();
      await expect(handle.store.ping()).rejects.toThrow();

      server = await startTestServer(await handle.reopen());
      const listed = await readJson(await server.get('/api/contributions'));
      expect(listed.items).toEqual([created]);
      const again = await server.post('/api/contributions/github', payload({ commit_hash: hashFor('persist') }));
      expect(again.status).toBe(200);
      expect((await readJson(again)).id).toBe(created.id);
    });

    it('finishes an in-flight request when asked to stop, then closes the store', async () => {
      const running = await startTestServer(handle.store);
      const body = JSON.stringify(payload({ commit_hash: hashFor('in-flight') }));
      const { port } = running;
      const socket = connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write(
        `POST /api/contributions/github HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 40)}`,
      );
      await waitFor(() => running.logs.length === 0); // the request is open, its body half sent
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stopping = running.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      // No new connections while stopping.
      await expect(fetch(`${running.url}/api/health`)).rejects.toThrow();
      socket.write(body.slice(40));
      await stopping;
      await ended;
      expect(answer).toMatch(/^HTTP\/1\.1 201 /);
      expect(answer.toLowerCase()).toContain('connection: close');
      expect(running.logs.map((line) => requestLine(JSON.parse(line)))).toEqual(['POST /api/contributions/github 201']);
      await expect(handle.store.ping()).rejects.toThrow();
      const reopened = await handle.reopen();
      expect((await reopened.contributionsForCommit(hashFor('in-flight'))).length).toBe(1);
    });

    it('does not wait for idle keep-alive connections when stopping', async () => {
      const running = await startTestServer(handle.store);
      for (let index = 0; index < 3; index += 1) expect((await running.get('/api/health')).status).toBe(200);
      const started = Date.now();
      await running.close();
      expect(Date.now() - started).toBeLessThan(2_000);
    });
  });
}

describe('where the server may listen', () => {
  it('refuses a non-loopback host without API keys, and knows loopback when it sees it', async () => {
    const store = { close: async () => {} } as unknown as ContributionStore;
    await expect(startServer({ port: 0, host: '0.0.0.0', store })).rejects.toBeInstanceOf(ConfigError);
    await expect(startServer({ port: 0, host: '::', store, apiKeys: [''] })).rejects.toThrow(/COHERENCE_API_KEYS/);
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '128.0.0.1']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('listens on a public interface once keys are configured', async () => {
    const handle = await STORE_KINDS[0]!.open();
    const running = await startServer({ port: 0, host: '0.0.0.0', store: handle.store, apiKeys: ['k'], logger: () => {} });
    try {
      expect((await fetch(`http://127.0.0.1:${running.port}/api/health`)).status).toBe(200);
    } finally {
      await running.close();
      await handle.dispose();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A JSON request log entry as "METHOD /path STATUS". */
function requestLine(entry: { method: string; path: string; status: number }): string {
  return `${entry.method} ${entry.path} ${entry.status}`;
}
