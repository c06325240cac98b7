import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { findReadableDevice, pageReadableDevices } from '../../../domain/productions/devices.service.js';
import { findReadableProduction, pageReadableProductions } from '../../../domain/productions/productions.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { PagingQuery, paging, setPageHeaders } from './conventions.js';
import { modelNotFound } from './errors.js';
import { baseUrl, IdParams, pathId } from './ids.js';
import { MlDevice, MlProduction, presentDevice, presentProduction } from './productions.present.js';
import { mlErrors, tags } from './schemas.js';

const config = { scope: 'credential-account' } as const;
const PathFilter = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 1024, pattern: '/$', description }));

/** Productions (spec §2.3.2: workspaces the caller has a role in) and devices (§2.3.3). */
export const productionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/productions/',
    {
      config,
      schema: {
        tags,
        summary: 'The productions (workspaces) the caller is a member of',
        querystring: Type.Object({ ...PagingQuery, storage_root: PathFilter('Only productions with this storage root (ends with a slash).') }),
        response: { 200: Type.Array(MlProduction), ...mlErrors },
      },
    },
    async (request, reply) => {
      const page = paging(request.query);
      const { items, total } = await pageReadableProductions(ctxOf(request), { ...page, storageRoot: request.query.storage_root });
      setPageHeaders(request, reply, page, total);
      return items.map((v) => presentProduction(v, baseUrl(request)));
    },
  );

  app.get(
    '/productions/:id/',
    { config, schema: { tags, summary: 'One production', params: IdParams, response: { 200: MlProduction, ...mlErrors } } },
    async (request) => {
      const view = await findReadableProduction(ctxOf(request), pathId(request.params.id, 'Production'));
      if (!view) {
        throw modelNotFound('Production', request.params.id);
      }
      return presentProduction(view, baseUrl(request));
    },
  );

  app.get(
    '/devices/',
    {
      config,
      schema: {
        tags,
        summary: 'The devices (storage roots) of the productions the caller is a member of',
        querystring: Type.Object({ ...PagingQuery, path: PathFilter('Only the device with this path (ends with a slash).') }),
        response: { 200: Type.Array(MlDevice), ...mlErrors },
      },
    },
    async (request, reply) => {
      const page = paging(request.query);
      const { rows, total, productionIds } = await pageReadableDevices(ctxOf(request), { ...page, path: request.query.path });
      setPageHeaders(request, reply, page, total);
      return rows.map((r) => presentDevice(r, productionIds.get(r.workspace_id) ?? 0));
    },
  );

  app.get(
    '/devices/:id/',
    { config, schema: { tags, summary: 'One device', params: IdParams, response: { 200: MlDevice, ...mlErrors } } },
    async (request) => {
      const found = await findReadableDevice(ctxOf(request), pathId(request.params.id, 'Device'));
      if (!found) {
        throw modelNotFound('Device', request.params.id);
      }
      return presentDevice(found.row, found.productionId);
    },
  );
};
