// The dashboard at /: the page and its scripts and style. The page holds no figures (they come from
// /api/insight, behind the read key when one is set), so it is served to anyone.
// Each file is served under a name with its content's hash in it, cached by browsers for good (a new
// build is a new name), and under its plain name, revalidated on every load; compressed as accepted.

import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { EncodedBody, encodingHeaders, type Compressed, type Encoding } from '../content-encoding.js';
import { dashboardAssets } from '../dashboard/assets.js';
import { servedPage } from '../dashboard/page.js';

interface Asset {
  body: EncodedBody;
  type: string;
  etag: string;
  /** Served under its hashed name: it never changes. */
  immutable: boolean;
}

const FOR_GOOD = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

export function registerDashboard(app: Hono<AppEnv>): void {
  let served: { page: Asset; files: Map<string, Asset> } | undefined;
  // Read on first use, so a server without a built dashboard still serves the API.
  const built = () => {
    if (!served) {
      const { script, style, request, compressed } = dashboardAssets();
      const files = new Map<string, Asset>();
      const add = (name: string, text: string, type: string) => {
        const file = asset(text, type, compressed[name]);
        const hashed = name.replace(/\.(\w+)$/, `.${file.etag.slice(1, -1)}.$1`);
        files.set(name, file);
        files.set(hashed, { ...file, immutable: true });
        return `assets/${hashed}`;
      };
      const paths = {
        script: add('dashboard.js', script, 'text/javascript; charset=utf-8'),
        style: add('dashboard.css', style, 'text/css; charset=utf-8'),
        request: add('request.js', request, 'text/javascript; charset=utf-8'),
      };
      served = { page: asset(servedPage(paths), 'text/html; charset=utf-8'), files };
    }
    return served;
  };

  app.get('/', (c) => send(c, built().page));
  app.get('/assets/:file', (c) => {
    const file = built().files.get(c.req.param('file'));
    return file ? send(c, file) : c.notFound();
  });
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

function asset(text: string, type: string, compressed: Partial<Record<Encoding, Compressed>> = {}): Asset {
  return { body: new EncodedBody(text, { quality: 11, compressed }), type, etag: `"${digest(text)}"`, immutable: false };
}

function send(c: Context<AppEnv>, file: Asset): Response {
  const { body, encoding } = file.body.forRequest(c.req.header('accept-encoding'));
  const headers = {
    'content-type': file.type,
    etag: file.etag,
    'cache-control': file.immutable ? FOR_GOOD : REVALIDATE,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...encodingHeaders(encoding),
  };
  if (c.req.header('if-none-match') === file.etag) return c.body(null, 304, headers);
  return c.body(body, 200, headers);
}
