// A page of a list as the API answers it: the items, and a `next` link that repeats the request's own
// path and filters with the cursor of the last row served (also sent as a Link header).

import type { Context } from 'hono';
import type { Page } from './store/types.js';
import { DEFAULT_PAGE_SIZE } from './schemas/queries.js';

export function pageRequest(query: { limit?: number | undefined; cursor?: string | undefined }) {
  return { limit: query.limit ?? DEFAULT_PAGE_SIZE, ...(query.cursor === undefined ? {} : { cursor: query.cursor }) };
}

export function pageBody<T>(c: Context, page: Page<T>): { items: T[]; next: string | null; next_cursor: string | null } {
  if (page.nextCursor === undefined) return { items: page.items, next: null, next_cursor: null };
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', page.nextCursor);
  const next = `${url.pathname}${url.search}`;
  c.header('Link', `<${next}>; rel="next"`);
  return { items: page.items, next, next_cursor: page.nextCursor };
}
