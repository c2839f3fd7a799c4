// The dashboard at /: the page and its script and style. The page holds no figures (they come from
// /api/insight, behind the read key when one is set), so it is served to anyone.

import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { dashboardAssets } from '../dashboard/assets.js';
import { servedPage } from '../dashboard/page.js';

interface Asset {
  body: string;
  type: string;
  etag: string;
}

export function registerDashboard(app: Hono<AppEnv>): void {
  const page = asset(servedPage(), 'text/html; charset=utf-8');
  let assets: Record<string, Asset> | undefined;
  // Read on first use, so a server without a built dashboard still serves the API.
  const built = () => {
    if (!assets) {
      const { script, style } = dashboardAssets();
      assets = {
        'dashboard.js': asset(script, 'text/javascript; charset=utf-8'),
        'dashboard.css': asset(style, 'text/css; charset=utf-8'),
      };
    }
    return assets;
  };

  app.get('/', (c) => send(c, page));
  app.get('/assets/:file', (c) => {
    const file = built()[c.req.param('file')];
    return file ? send(c, file) : c.notFound();
  });
}

function asset(body: string, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** Revalidated on every load (no-cache), answered 304 while unchanged. */
function send(c: Context<AppEnv>, file: Asset): Response {
  const headers = {
    'content-type': file.type,
    etag: file.etag,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  if (c.req.header('if-none-match') === file.etag) return c.body(null, 304, headers);
  return c.body(file.body, 200, headers);
}
