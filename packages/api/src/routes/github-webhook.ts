// The GitHub webhook receiver: a signed push records each pushed commit; ping is answered; a deleted
// ref and other events are acknowledged and ignored. Redeliveries create nothing (the same keys).

import { verify } from '@octokit/webhooks-methods';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import { apiErrors } from '../errors.js';
import { jsonBody, validBody } from '../json-body.js';
import { recordFor } from '../payload-record.js';
import { payloadsForPush, PushEventSchema } from '../push-event.js';
import { WebhookResultSchema, errorResponses } from '../schemas/responses.js';

// GitHub caps webhook payloads at 25 MB and does not retry a refused one, so a large push is read
// whole rather than lost to the 1 MB limit of the other routes. The signature is checked before parsing.
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

const route = createRoute({
  method: 'post',
  path: '/webhooks/github',
  tags: ['webhooks'],
  summary: 'Receive a GitHub webhook (push, ping)',
  description:
    'Verifies X-Hub-Signature-256 against COHERENCE_WEBHOOK_SECRET. A push records each commit for its author and co-authors; line counts are absent from push payloads, so cost is estimated from the changed paths (meta.cost.basis "push_paths").',
  request: {
    headers: z.object({
      'x-github-event': z.string().openapi({ example: 'push' }),
      'x-hub-signature-256': z.string().openapi({ example: 'sha256=…' }),
      'x-github-delivery': z.string().optional(),
    }),
    body: { required: true, content: { 'application/json': { schema: PushEventSchema } } },
  },
  responses: {
    200: { description: 'Handled (or acknowledged and ignored)', content: { 'application/json': { schema: WebhookResultSchema } } },
    ...errorResponses(400, 401, 403, 413, 415, 422),
  },
});

export function registerGithubWebhook(api: OpenAPIHono<AppEnv>): void {
  api.openAPIRegistry.registerPath(route);
  api.post(
    route.path,
    async (c, next) => {
      // Refuse before reading anything when this server takes no webhooks or the delivery is unsigned.
      if (c.var.services.webhookSecret === undefined) throw apiErrors.webhooksDisabled();
      if (!c.req.header('x-hub-signature-256')) throw apiErrors.missingSignature();
      await next();
    },
    jsonBody({ maxBytes: MAX_WEBHOOK_BYTES, allowForm: true, authenticate: verifySignature }),
    async (c) => {
      const event = c.req.header('x-github-event') ?? '';
      // Counted as ignored unless it records something.
      c.set('webhookIgnored', true);
      if (event === 'ping') return c.json({ event }, 200);
      if (event !== 'push') return c.json({ event, ignored: 'only push events are recorded' }, 200);

      const push = validBody(c, PushEventSchema);
      if (push.deleted) return c.json({ event, ignored: `${push.ref} was deleted`, repository: push.repository.full_name }, 200);
      c.set('webhookIgnored', false);
      const receivedAt = new Date();
      // Every string in them passed PushEventSchema, so they are storable as they are.
      const records = payloadsForPush(push).map((payload) => recordFor(payload, receivedAt, { at: 'commits' }));
      const results = await c.var.services.store.ingestIds(records);
      const created = results.filter((result) => result.status === 'created').length;
      return c.json(
        {
          event,
          repository: push.repository.full_name,
          commits: push.commits?.length ?? 0,
          created,
          duplicates: results.length - created,
        },
        200,
      );
    },
  );
}

/** The signature covers the body exactly as sent, so it is checked on the raw text, before parsing. */
async function verifySignature(c: Context<AppEnv>, raw: string): Promise<void> {
  const signature = c.req.header('x-hub-signature-256')!;
  if (raw === '' || !(await verify(c.var.services.webhookSecret!, raw, signature))) throw apiErrors.badSignature();
}
