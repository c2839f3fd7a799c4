// Contributors and assets (repositories): lists, one by id, and each one's contributions.

import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { requireReadKey } from '../access.js';
import type { AppEnv } from '../app-env.js';
import { apiErrors } from '../errors.js';
import { pageBody, pageRequest } from '../pagination.js';
import { AssetPageSchema, AssetSchema, ContributionPageSchema, ContributorPageSchema, ContributorSchema, errorResponses } from '../schemas/responses.js';
import { ContributionQuerySchema, IdParamSchema, PageQuerySchema } from '../schemas/queries.js';
import { contributionFilter } from './contribution-reads.js';

const json = <T>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const readErrors = errorResponses(401, 403, 422);

const routes = {
  contributors: createRoute({
    method: 'get',
    path: '/contributors',
    tags: ['contributors'],
    summary: 'List contributors, oldest first',
    middleware: [requireReadKey],
    request: { query: PageQuerySchema },
    responses: { 200: json(ContributorPageSchema, 'A page of contributors'), ...readErrors },
  }),
  contributor: createRoute({
    method: 'get',
    path: '/contributors/{id}',
    tags: ['contributors'],
    summary: 'One contributor',
    middleware: [requireReadKey],
    request: { params: IdParamSchema },
    responses: { 200: json(ContributorSchema, 'The contributor'), ...errorResponses(401, 403, 404) },
  }),
  contributorContributions: createRoute({
    method: 'get',
    path: '/contributors/{id}/contributions',
    tags: ['contributors'],
    summary: "A contributor's contributions, oldest first",
    middleware: [requireReadKey],
    request: { params: IdParamSchema, query: ContributionQuerySchema },
    responses: { 200: json(ContributionPageSchema, 'A page of contributions'), ...errorResponses(401, 403, 404, 422) },
  }),
  assets: createRoute({
    method: 'get',
    path: '/assets',
    tags: ['assets'],
    summary: 'List assets (repositories), oldest first',
    middleware: [requireReadKey],
    request: { query: PageQuerySchema },
    responses: { 200: json(AssetPageSchema, 'A page of assets'), ...readErrors },
  }),
  asset: createRoute({
    method: 'get',
    path: '/assets/{id}',
    tags: ['assets'],
    summary: 'One asset, with its total cost',
    middleware: [requireReadKey],
    request: { params: IdParamSchema },
    responses: { 200: json(AssetSchema, 'The asset'), ...errorResponses(401, 403, 404) },
  }),
  assetContributions: createRoute({
    method: 'get',
    path: '/assets/{id}/contributions',
    tags: ['assets'],
    summary: "An asset's contributions, oldest first",
    middleware: [requireReadKey],
    request: { params: IdParamSchema, query: ContributionQuerySchema },
    responses: { 200: json(ContributionPageSchema, 'A page of contributions'), ...errorResponses(401, 403, 404, 422) },
  }),
};

export function registerDirectory(api: OpenAPIHono<AppEnv>): void {
  api.openapi(routes.contributors, async (c) => {
    const page = await c.var.services.store.listContributors(pageRequest(c.req.valid('query')));
    return c.json(pageBody(c, page), 200);
  });

  api.openapi(routes.contributor, async (c) => {
    const { id } = c.req.valid('param');
    const contributor = await c.var.services.store.getContributor(id);
    if (!contributor) throw apiErrors.notFound(`contributor ${id}`);
    return c.json(contributor, 200);
  });

  api.openapi(routes.contributorContributions, async (c) => {
    const { id } = c.req.valid('param');
    const query = c.req.valid('query');
    const { store } = c.var.services;
    if (!(await store.getContributor(id))) throw apiErrors.notFound(`contributor ${id}`);
    const page = await store.listContributions({ ...contributionFilter(query), contributorId: id }, pageRequest(query));
    return c.json(pageBody(c, page), 200);
  });

  api.openapi(routes.assets, async (c) => {
    const page = await c.var.services.store.listAssets(pageRequest(c.req.valid('query')));
    return c.json(pageBody(c, page), 200);
  });

  api.openapi(routes.asset, async (c) => {
    const { id } = c.req.valid('param');
    const asset = await c.var.services.store.getAsset(id);
    if (!asset) throw apiErrors.notFound(`asset ${id}`);
    return c.json(asset, 200);
  });

  api.openapi(routes.assetContributions, async (c) => {
    const { id } = c.req.valid('param');
    const query = c.req.valid('query');
    const { store } = c.var.services;
    if (!(await store.getAsset(id))) throw apiErrors.notFound(`asset ${id}`);
    const page = await store.listContributions({ ...contributionFilter(query), assetId: id }, pageRequest(query));
    return c.json(pageBody(c, page), 200);
  });
}
