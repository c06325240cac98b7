import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  createAssetStatus,
  deleteAssetStatus,
  listAssetStatuses,
  setAssetStatus,
  updateAssetStatus,
} from '../../../domain/statuses/statuses.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { presentAsset } from './assets.present.js';
import { Asset, AssetParams } from './assets.schemas.js';
import { authErrors, ErrorBody, Ok } from './common.schemas.js';
import { presentAssetStatus } from './statuses.present.js';
import { AssetStatus, SetStatusBody, StatusCreateBody, StatusParams, StatusUpdateBody } from './statuses.schemas.js';

const tags = ['Asset statuses'];
const config = { scope: 'workspace' } as const;
const writeErrors = { ...authErrors, 409: ErrorBody } as const;

/** Workspace asset statuses (Mudstack example "Update status on assets") and the asset's Status group (§5.6). */
export const statusesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/assetStatuses',
    { config, schema: { tags, summary: 'List the workspace\'s asset statuses in rank order', response: { 200: Type.Array(AssetStatus), ...authErrors } } },
    async (request) => (await listAssetStatuses(ctxOf(request))).map(presentAssetStatus),
  );

  app.post(
    '/workspaces/assetStatuses',
    {
      config,
      schema: {
        tags,
        summary: 'Create an asset status (workspace admins)',
        description: 'Names are unique per workspace, case-insensitively (409). Without `rank` the status goes last.',
        body: StatusCreateBody,
        response: { 200: AssetStatus, ...writeErrors },
      },
    },
    async (request) => presentAssetStatus(await createAssetStatus(ctxOf(request), request.body)),
  );

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/workspaces/assetStatuses/:status_id',
      config,
      schema: {
        tags,
        summary: 'Update an asset status (workspace admins)',
        params: StatusParams,
        body: StatusUpdateBody,
        response: { 200: AssetStatus, ...writeErrors },
      },
      handler: async (request) => presentAssetStatus(await updateAssetStatus(ctxOf(request), request.params.status_id, request.body)),
    });
  }

  app.delete(
    '/workspaces/assetStatuses/:status_id',
    {
      config,
      schema: { tags, summary: 'Delete an asset status (assets with it get none)', params: StatusParams, response: { 200: Ok, ...authErrors } },
    },
    async (request) => {
      await deleteAssetStatus(ctxOf(request), request.params.status_id);
      return { ok: true };
    },
  );

  app.post(
    '/workspaces/assets/:asset_id/status',
    {
      config,
      schema: {
        tags,
        summary: 'Set (or with null clear) the asset\'s status',
        description: 'Same effect as PATCH /workspaces/assets/{asset_id} with `status_id`; allowed on a locked asset.',
        params: AssetParams,
        body: SetStatusBody,
        response: { 200: Asset, ...writeErrors },
      },
    },
    async (request) => presentAsset(await setAssetStatus(ctxOf(request), request.params.asset_id, request.body.status_id)),
  );
};
