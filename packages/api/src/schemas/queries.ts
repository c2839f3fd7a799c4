// Path parameters and query strings of the read routes.

import { z } from '@hono/zod-openapi';
import { commitHash, dateOrTimestamp, email, repositoryName, text } from './fields.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export const IdParamSchema = z.object({ id: text(128).min(1).openapi({ param: { name: 'id', in: 'path' } }) });

export const ShaParamSchema = z.object({ sha: commitHash().openapi({ param: { name: 'sha', in: 'path' } }) });

const page = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional().openapi({ description: `Page size (default ${DEFAULT_PAGE_SIZE}).` }),
  cursor: text(512).optional().openapi({ description: 'From the previous page’s next_cursor.' }),
};

const filters = {
  repository: repositoryName().optional(),
  contributor: email().optional().openapi({ description: 'Contributor email.' }),
  since: dateOrTimestamp().optional().openapi({ description: 'Authored at or after (a date is midnight UTC).' }),
  until: dateOrTimestamp().optional().openapi({ description: 'Authored before (a date is midnight UTC).' }),
};

export const PageQuerySchema = z.object(page);
export const ContributionQuerySchema = z.object({ ...filters, ...page });
export const StatsQuerySchema = z.object({
  ...filters,
  top: z.coerce.number().int().min(1).max(100).optional().openapi({ description: 'How many top contributors (default 10).' }),
});
