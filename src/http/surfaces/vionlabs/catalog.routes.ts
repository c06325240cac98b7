import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { deleteCatalogItem, getCatalogItem, listCatalog, upsertItem } from '../../../domain/processing/catalog.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { presentItem, presentItemSummary } from './present.js';
import { config, errorResponses, ItemBody, ItemId, ItemType, KeyQuery, NullOk, tags } from './schemas.js';

/* The Catalog API (spec §3.4; docs/vionlabs.md "Catalog"). */

const ItemParams = Type.Object({ type: ItemType, inventory_id: ItemId });

export const catalogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.put('/catalog/v1/item', {
    config,
    schema: {
      tags,
      summary: 'Create or replace a catalog item (upsert)',
      querystring: Type.Object(KeyQuery),
      body: ItemBody,
      response: { 200: NullOk, ...errorResponses },
    },
  }, async (request) => {
    await upsertItem(ctxOf(request), request.body);
    return null;
  });

  app.get('/catalog/v1/item', {
    config,
    schema: {
      tags,
      summary: 'List catalog items',
      querystring: Type.Object({
        ...KeyQuery,
        page_num: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
        page_size: Type.Integer({ minimum: 1, maximum: 5000, default: 500 }),
        allow_deleted: Type.Boolean({ default: false }),
      }),
      response: { 200: Type.Array(Type.Object({ id: Type.String(), vionlabs_id: Type.String(), type: Type.String() })), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query;
    const rows = await listCatalog(ctxOf(request), { pageNum: q.page_num, pageSize: q.page_size, allowDeleted: q.allow_deleted });
    return rows.map(presentItemSummary);
  });

  app.get('/catalog/v1/item/:type/:inventory_id', {
    config,
    schema: {
      tags,
      summary: 'One catalog item',
      params: ItemParams,
      querystring: Type.Object({ ...KeyQuery, allow_deleted: Type.Boolean({ default: false }) }),
      response: { 200: Type.Unknown(), ...errorResponses },
    },
  }, async (request) => {
    const row = await getCatalogItem(ctxOf(request), { type: request.params.type, key: request.params.inventory_id, allowDeleted: request.query.allow_deleted });
    return presentItem(row);
  });

  app.delete('/catalog/v1/item/:type/:inventory_id', {
    config,
    schema: {
      tags,
      summary: 'Delete a catalog item (and, for a series or season, what hangs under it)',
      params: ItemParams,
      querystring: Type.Object(KeyQuery),
      response: { 200: NullOk, ...errorResponses },
    },
  }, async (request) => {
    await deleteCatalogItem(ctxOf(request), { type: request.params.type, key: request.params.inventory_id });
    return null;
  });
};
