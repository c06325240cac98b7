import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Readable } from 'node:stream';
import {
  getVersion,
  getVersionThumbnail,
  listVersions,
  makeVersionCurrent,
  setVersionThumbnail,
  updateVersion,
  uploadVersion,
} from '../../../domain/versions/versions.service.js';
import { listTrashedVersionsOf, restoreVersion, trashVersion } from '../../../domain/versions/version-trash.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { readMultipart } from '../../plugins/multipart.js';
import { errors } from '../../../domain/errors.js';
import { presentAsset } from './assets.present.js';
import { Asset, AssetParams, UploadQuery } from './assets.schemas.js';
import { acceptRawBodies, uploadSourceOf } from './assets.upload.js';
import { authErrors, ErrorBody } from './common.schemas.js';
import { presentVersion } from './versions.present.js';
import { Version, VersionListQuery, VersionParams, VersionPatch } from './versions.schemas.js';

const tags = ['Versions'];

/** Mudstack §5.3 versions (with delete / restore of trashed versions), plus Atelier's make-current. */
export const versionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  acceptRawBodies(app);

  app.get(
    '/workspaces/assets/:asset_id/versions',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'List versions (newest first)',
        description: '`?trashed=true` lists the deleted versions instead (newest deletion first), to find one to restore.',
        params: AssetParams,
        querystring: VersionListQuery,
        response: { 200: Type.Array(Version), ...authErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const views = request.query.trashed === true ? await listTrashedVersionsOf(ctx, request.params.asset_id) : await listVersions(ctx, request.params.asset_id);
      return views.map(presentVersion);
    },
  );

  app.post(
    '/workspaces/assets/:asset_id/versions',
    {
      config: { scope: 'workspace' },
      bodyLimit: app.deps.config.uploads.maxBytes,
      schema: {
        tags,
        summary: 'Upload a new version',
        description: 'multipart `file` (+ `name`, `description`, `checksum`, `size`), or a raw body with those as query parameters.',
        params: AssetParams,
        querystring: UploadQuery,
        response: { 201: Version, ...authErrors, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 423: ErrorBody },
      },
    },
    async (request, reply) => {
      const view = await uploadVersion(ctxOf(request), request.params.asset_id, uploadSourceOf(request, request.query));
      return reply.status(201).send(presentVersion(view));
    },
  );

  app.get(
    '/workspaces/assets/:asset_id/versions/:version_id',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'Get version', params: VersionParams, response: { 200: Version, ...authErrors } },
    },
    async (request) => presentVersion(await getVersion(ctxOf(request), request.params.asset_id, request.params.version_id)),
  );

  app.patch(
    '/workspaces/assets/:asset_id/versions/:version_id',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'Edit version title/description', params: VersionParams, body: VersionPatch, response: { 200: Version, ...authErrors, 423: ErrorBody } },
    },
    async (request) => {
      const { asset_id, version_id } = request.params;
      return presentVersion(await updateVersion(ctxOf(request), asset_id, version_id, request.body));
    },
  );

  app.delete(
    '/workspaces/assets/:asset_id/versions/:version_id',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Delete version (to the asset\'s trashed versions)',
        description:
          'Editors and admins. The version leaves the list and downloads; `PATCH .../restore` brings it back until the trash retention purges it. ' +
          'The current version (make another current first) and the only version are 409; already deleted: answered as is; locked by someone else: 423.',
        params: VersionParams,
        response: { 200: Version, ...authErrors, 409: ErrorBody, 423: ErrorBody },
      },
    },
    async (request) => presentVersion(await trashVersion(ctxOf(request), request.params.asset_id, request.params.version_id)),
  );

  // The spec documents PATCH; POST is accepted too, as clients send either for actions.
  for (const method of ['PATCH', 'POST'] as const) {
    app.route({
      method,
      url: '/workspaces/assets/:asset_id/versions/:version_id/restore',
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Restore a deleted version',
        description: 'Editors and admins. Brings the version back under its own number; it does not become current (see `.../current`). A live version is answered as is.',
        params: VersionParams,
        response: { 200: Version, ...authErrors, 409: ErrorBody, 423: ErrorBody },
      },
      handler: async (request) => presentVersion(await restoreVersion(ctxOf(request), request.params.asset_id, request.params.version_id)),
    });
  }

  app.post(
    '/workspaces/assets/:asset_id/versions/:version_id/current',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Make this version current (Atelier)',
        description: 'Commits a new version with the same content; earlier versions are kept.',
        params: VersionParams,
        response: { 200: Asset, ...authErrors, 409: ErrorBody, 423: ErrorBody },
      },
    },
    async (request) => presentAsset(await makeVersionCurrent(ctxOf(request), request.params.asset_id, request.params.version_id)),
  );

  app.get(
    '/workspaces/assets/:asset_id/versions/:version_id/thumbnail',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Get version thumbnail (image bytes)',
        params: VersionParams,
        response: { 200: Type.Unsafe<Readable>({ type: 'string', format: 'binary', description: 'The image bytes' }), ...authErrors },
      },
    },
    async (request, reply) => {
      const thumb = await getVersionThumbnail(ctxOf(request), request.params.asset_id, request.params.version_id);
      return reply
        .type(thumb.contentType)
        .header('etag', `"${thumb.key}"`)
        .header('cache-control', 'private, max-age=3600')
        .header('x-content-type-options', 'nosniff')
        .send(thumb.stream);
    },
  );

  app.post(
    '/workspaces/assets/:asset_id/versions/:version_id/thumbnail',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Upload a version thumbnail',
        description: 'multipart/form-data with an image `file`; stored re-encoded as a 512 px WebP.',
        params: VersionParams,
        response: { 200: Version, ...authErrors, 413: ErrorBody, 415: ErrorBody },
      },
    },
    async (request) => {
      const { asset_id, version_id } = request.params;
      const view = await setVersionThumbnail(ctxOf(request), asset_id, version_id, async (store) => {
        if (!request.isMultipart()) {
          throw errors.unsupportedMedia('Send the thumbnail as multipart/form-data with a `file` part.');
        }
        return (await readMultipart(request, (stream) => store(stream))).file;
      });
      return presentVersion(view);
    },
  );
};
