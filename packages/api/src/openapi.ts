// /api/openapi.json: the description generated from the very schemas that validate requests.

import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './app-env.js';

const API_VERSION = '1.0.0';

export function registerOpenApi(api: OpenAPIHono<AppEnv>): void {
  api.openAPIRegistry.registerComponent('securitySchemes', 'ApiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'One of COHERENCE_API_KEYS for writes; COHERENCE_READ_KEY (or a write key) for reads when it is set.',
  });
  let document: unknown;
  api.get('/openapi.json', (c) => {
    // Built on first request, once every route has registered.
    document ??= api.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'Coherence API',
        version: API_VERSION,
        description: 'Contribution records from git history: who changed what, what it cost (integer cents), how coherent it looks.',
      },
      // /v1 serves the same routes for older clients.
      servers: [{ url: '/api' }, { url: '/v1' }],
    });
    return c.json(document as object, 200);
  });
}
