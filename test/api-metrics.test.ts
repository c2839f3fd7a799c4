// Monitoring, over a real socket: /metrics in the Prometheus format (checked by promtool), counters
// that move with what the API does, request ids, JSON request logs that never hold a key or a body,
// and the alert rules in deploy/prometheus (checked and unit-tested by promtool).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PUSH_EXAMPLES,
  STORE_KINDS,
  githubDelivery,
  hashFor,
  kindTitle,
  payload,
  readJson,
  startTestServer,
  type StoreHandle,
  type TestServer,
} from '../packages/api/test/harness.js';
import { systemTool } from './support/system-tools.js';

const promtool = systemTool('promtool');
const WRITE = { 'x-api-key': 'write-key' };
const READ = { 'x-api-key': 'read-key' };
const SECRET = 'webhook-secret';
const RULES = fileURLToPath(new URL('../deploy/prometheus/alerts.yml', import.meta.url));
const RULE_TESTS = fileURLToPath(new URL('../deploy/prometheus/alerts.test.yml', import.meta.url));

function runPromtool(args: string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync(promtool.path!, args, { input, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** The value of one sample, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const found = Object.fromEntries([...(/\{(.*)\}/.exec(line)?.[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

for (const kind of STORE_KINDS.filter((candidate) => candidate.name !== 'sqlite')) {
  describe.skipIf(kind.skipReason !== undefined)(kindTitle(kind, 'metrics and request logs'), () => {
    let handle: StoreHandle;
    let server: TestServer;

    beforeEach(async () => {
      handle = await kind.open();
      server = await startTestServer(handle.store, { apiKeys: ['write-key'], readKey: 'read-key', webhookSecret: SECRET });
    });
    afterEach(async () => {
      await server.close();
      await handle.dispose();
    });

    const metrics = async () => {
      const response = await server.get('/metrics', READ);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return response.text();
    };

    it('serves /metrics behind the read key, as an X-API-Key or a Bearer token', async () => {
      expect((await server.get('/metrics')).status).toBe(401);
      expect((await server.get('/metrics', { authorization: 'Bearer nope' })).status).toBe(403);
      expect((await server.get('/metrics', { authorization: 'Bearer read-key' })).status).toBe(200);
      expect((await server.get('/metrics', WRITE)).status).toBe(200);
    });

    it('counts contributions created, duplicate and rejected, webhook deliveries, and requests by route', async () => {
      const before = await metrics();
      for (const result of ['created', 'duplicate', 'rejected']) expect(sample(before, 'coherence_contributions_ingested_total', { result })).toBe(0);

      expect((await server.post('/api/contributions/github', payload({ commit_hash: hashFor('m1') }), WRITE)).status).toBe(201);
      expect((await server.post('/api/contributions/github', payload({ commit_hash: hashFor('m1') }), WRITE)).status).toBe(200);
      expect((await server.post('/api/contributions/github', { ...payload(), commit_hash: 'nope' }, WRITE)).status).toBe(422);
      const batch = await server.post(
        '/api/contributions/batch',
        { items: [payload({ commit_hash: hashFor('m2') }), payload({ commit_hash: hashFor('m1') }), { nothing: true }, payload({ commit_hash: hashFor('m3'), repository: 'octo/other' })] },
        WRITE,
      );
      expect(await readJson(batch)).toMatchObject({ created: 2, duplicates: 1, rejected: 1 });
      expect((await server.post('/api/contributions/github', payload(), { 'x-api-key': 'wrong' })).status).toBe(403);

      const push = await githubDelivery('push', PUSH_EXAMPLES.find((example) => (example.commits?.length ?? 0) > 0), SECRET);
      expect((await server.post('/api/webhooks/github', push.body, push.headers)).status).toBe(200);
      const ping = await githubDelivery('ping', { zen: 'Keep it logically awesome.' }, SECRET);
      expect((await server.post('/api/webhooks/github', ping.body, ping.headers)).status).toBe(200);
      const forged = await githubDelivery('push', PUSH_EXAMPLES[0], 'not-the-secret');
      expect((await server.post('/api/webhooks/github', forged.body, forged.headers)).status).toBe(403);
      expect((await server.get('/api/contributors/unknown-id', READ)).status).toBe(404);

      const after = await metrics();
      const pushed = PUSH_EXAMPLES.find((example) => (example.commits?.length ?? 0) > 0)!.commits.length as number;
      expect(sample(after, 'coherence_contributions_ingested_total', { result: 'created' })).toBe(1 + 2 + pushed);
      expect(sample(after, 'coherence_contributions_ingested_total', { result: 'duplicate' })).toBe(2);
      expect(sample(after, 'coherence_contributions_ingested_total', { result: 'rejected' })).toBe(2);
      expect(sample(after, 'coherence_webhook_deliveries_total', { result: 'recorded' })).toBe(1);
      expect(sample(after, 'coherence_webhook_deliveries_total', { result: 'ignored' })).toBe(1);
      expect(sample(after, 'coherence_webhook_deliveries_total', { result: 'refused' })).toBe(1);
      const count = (route: string, status: string, method = 'POST') =>
        sample(after, 'coherence_http_request_duration_seconds_count', { method, route, status });
      expect(count('/api/contributions/github', '201')).toBe(1);
      expect(count('/api/contributions/github', '200')).toBe(1);
      expect(count('/api/contributions/github', '422')).toBe(1);
      expect(count('/api/contributions/github', '403')).toBe(1);
      // Ids in paths do not make a series each.
      expect(count('/api/contributors/:id', '404', 'GET')).toBe(1);
      const received = sample(after, 'coherence_repository_last_contribution_timestamp_seconds', { repository: 'octo/other' })!;
      expect(Math.abs(received - Date.now() / 1000)).toBeLessThan(60);
      expect(sample(after, 'coherence_database_pool_connections', { pool: kind.dialect, state: 'idle' })).toBeGreaterThanOrEqual(0);
      expect(sample(after, 'coherence_database_pool_waiting_requests', { pool: kind.dialect })).toBe(0);
      expect(sample(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(sample(after, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    });

    it.skipIf(promtool.skipReason !== undefined)('passes promtool check metrics, with traffic on every series', async () => {
      await server.post('/api/contributions/github', payload({ commit_hash: hashFor('lint') }), WRITE);
      await server.get('/api/contributions?limit=2', READ);
      const checked = runPromtool(['check', 'metrics'], await metrics());
      expect(checked.output).toBe('');
      expect(checked.status).toBe(0);
    });

    it('counts database failures by operation, and still answers the scrape', async () => {
      await server.post('/api/contributions/github', payload({ commit_hash: hashFor('before-outage') }), WRITE);
      await handle.store.close();
      expect((await server.get('/api/contributions', READ)).status).toBeGreaterThanOrEqual(500);
      expect((await server.post('/api/contributions/github', payload({ commit_hash: hashFor('outage') }), WRITE)).status).toBeGreaterThanOrEqual(500);
      const text = await metrics();
      expect(sample(text, 'coherence_database_errors_total', { operation: 'listContributions' })).toBe(1);
      expect(sample(text, 'coherence_database_errors_total', { operation: 'ingest' })).toBe(1);
      expect(sample(text, 'coherence_database_errors_total', { operation: 'repositoryActivity' })).toBeGreaterThanOrEqual(1);
    });

    it('gives every request an id, echoed in X-Request-Id and logged as one JSON line, without keys or bodies', async () => {
      const created = await server.post('/api/contributions/github', payload({ commit_hash: hashFor('logged'), metadata: { subject: 'secret-subject-text' } }), WRITE);
      const generated = created.headers.get('x-request-id');
      expect(generated).toMatch(/^[0-9a-f-]{36}$/);
      const traced = await server.get('/api/contributions?key=write-key', { ...READ, 'x-request-id': 'trace-42' });
      expect(traced.headers.get('x-request-id')).toBe('trace-42');
      const unsafe = await server.get('/api/health', { 'x-request-id': 'bad id with spaces' });
      expect(unsafe.headers.get('x-request-id')).not.toBe('bad id with spaces');

      const entries = server.logs.map((line) => JSON.parse(line));
      expect(entries).toHaveLength(3);
      expect(entries[0]).toMatchObject({ level: 'info', msg: 'request', request_id: generated, method: 'POST', route: '/api/contributions/github', status: 201 });
      expect(entries[1]).toMatchObject({ request_id: 'trace-42', path: '/api/contributions', status: 200 });
      expect(Date.parse(entries[0].time)).toBeGreaterThan(Date.now() - 60_000);
      const text = server.logs.join('\n');
      expect(text).not.toMatch(/write-key|read-key|webhook-secret|secret-subject-text/);
    });
  });
}

describe.skipIf(promtool.skipReason !== undefined)('deploy/prometheus/alerts.yml', () => {
  it('passes promtool check rules', () => {
    const checked = runPromtool(['check', 'rules', RULES]);
    expect(checked.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(checked.status).toBe(0);
  });

  it('fires each alert when it should and not otherwise (promtool test rules)', () => {
    const tested = runPromtool(['test', 'rules', RULE_TESTS]);
    expect(tested.output).toMatch(/SUCCESS/);
    expect(tested.status).toBe(0);
  });
});
