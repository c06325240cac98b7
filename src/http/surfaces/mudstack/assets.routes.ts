import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  getAsset,
  getAssetsByIds,
  listAssetTypes,
  renameAsset,
  updateAsset,
  uploadAsset,
} from '../../../domain/assets/assets.service.js';
import { errors } from '../../../domain/errors.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors, ErrorBody } from './common.schemas.js';
import { presentAsset, presentAssetType } from './assets.present.js';
import { Asset, AssetParams, AssetPatch, AssetType, GetByIdsQuery, RenameBody, UploadQuery } from './assets.schemas.js';
import { acceptRawBodies, uploadSourceOf } from './assets.upload.js';

const tags = ['Assets'];

/** Mudstack §5.1 core asset endpoints, and the asset type catalogue. */
export const assetsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  acceptRawBodies(app);

  app.post(
    '/workspaces/assets',
    {
      config: { scope: 'workspace' },
      bodyLimit: app.deps.config.uploads.maxBytes,
      schema: {
        tags,
        summary: 'Create or update asset (single-request streaming upload)',
        description:
          'multipart/form-data with a `file` part and fields, or a raw body with the fields as query parameters ' +
          '(`file_name` required). A file with the same name in the same folder becomes a new version of that asset; ' +
          '`asset_id` adds a version to that asset. `checksum` (SHA-256 hex) and `size` are verified.',
        querystring: UploadQuery,
        response: { 201: Asset, ...authErrors, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 423: ErrorBody },
      },
    },
    async (request, reply) => {
      const view = await uploadAsset(ctxOf(request), uploadSourceOf(request, request.query));
      return reply.status(201).send(presentAsset(view));
    },
  );

  app.get(
    '/workspaces/assets/getByIds',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Get assets by id',
        description: 'In request order; unknown ids and ids of other workspaces are left out.',
        querystring: GetByIdsQuery,
        response: { 200: Type.Array(Asset), ...authErrors },
      },
    },
    async (request) => {
      const ids = request.query.ids.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
      if (ids.length > 500) {
        throw errors.invalidField('query', 'ids', 'at most 500 ids');
      }
      return (await getAssetsByIds(ctxOf(request), ids)).map(presentAsset);
    },
  );

  app.get(
    '/workspaces/assets/:asset_id',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'Get asset', params: AssetParams, response: { 200: Asset, ...authErrors } },
    },
    async (request) => presentAsset(await getAsset(ctxOf(request), request.params.asset_id)),
  );

  app.patch(
    '/workspaces/assets/:asset_id',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Update asset',
        params: AssetParams,
        body: AssetPatch,
        response: { 200: Asset, ...authErrors, 409: ErrorBody, 423: ErrorBody },
      },
    },
    async (request) => {
      const b = request.body;
      const view = await updateAsset(ctxOf(request), request.params.asset_id, {
        name: b.name,
        description: b.description,
        fileLocation: b.file_location,
        statusId: b.status_id,
      });
      return presentAsset(view);
    },
  );

  app.patch(
    '/workspaces/assets/:asset_id/rename',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Rename asset',
        description: 'Sets the name and the file name (`name`, or `file_name`).',
        params: AssetParams,
        body: RenameBody,
        response: { 200: Asset, ...authErrors, 409: ErrorBody, 423: ErrorBody },
      },
    },
    async (request) => {
      const [field, name] = request.body.name !== undefined ? (['name', request.body.name] as const) : (['file_name', request.body.file_name] as const);
      if (name === undefined) {
        throw errors.invalidField('body', 'name', 'is required');
      }
      return presentAsset(await renameAsset(ctxOf(request), request.params.asset_id, name, field));
    },
  );

  app.get(
    '/workspaces/assetTypes',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'List asset types (Atelier)', response: { 200: Type.Array(AssetType), ...authErrors } },
    },
    async (request) => listAssetTypes(ctxOf(request)).map(presentAssetType),
  );
};
