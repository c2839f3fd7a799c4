import { describe, expect, it } from 'vitest';
import { createServerLog } from './server-log.js';

const entry = { requestId: 'req-1', method: 'GET', path: '/api/contributors/s3cret-key', route: '/api/contributors/:id', status: 404, durationMs: 1.234 };

describe('createServerLog', () => {
  it('writes one JSON line per request, with the secrets masked', () => {
    const lines: string[] = [];
    createServerLog((line) => lines.push(line), 'json', ['s3cret-key', undefined, '']).request(entry);
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0]!);
    expect(parsed).toMatchObject({ level: 'info', msg: 'request', request_id: 'req-1', method: 'GET', path: '/api/contributors/***', route: '/api/contributors/:id', status: 404, duration_ms: 1.2 });
    expect(Number.isNaN(Date.parse(parsed.time))).toBe(false);
    expect(lines[0]).not.toContain('s3cret-key');
  });

  it('writes short lines for a terminal, errors included, with the secrets masked', () => {
    const lines: string[] = [];
    const log = createServerLog((line) => lines.push(line), 'pretty', ['s3cret-key']);
    log.request(entry);
    log.error('internal error', { requestId: 'req-2', method: 'POST', path: '/api/x', error: 'Error: s3cret-key leaked\n    at somewhere' });
    expect(lines[0]).toBe('GET /api/contributors/*** 404 1.2ms req-1');
    expect(lines[1]).toMatch(/^internal error on POST \/api\/x \(req-2\): Error: \*\*\* leaked/);
  });

  it('logs an error as one JSON line at level error, its stack inside', () => {
    const lines: string[] = [];
    createServerLog((line) => lines.push(line), 'json', []).error('database unavailable', { error: 'connect ECONNREFUSED\n  at x' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'database unavailable', error: 'connect ECONNREFUSED\n  at x' });
  });
});
