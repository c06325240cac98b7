import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { bulkDownload, presignDownload, resolveDownload } from '../../../domain/downloads/downloads.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { BulkDownloadBody, DownloadQuery, FileBody, isSet } from './assets-download.schemas.js';
import { AssetParams } from './assets.schemas.js';
import { authErrors, ErrorBody } from './common.schemas.js';
import { sendDownload } from './download.reply.js';
import { VersionParams } from './versions.schemas.js';

const tags = ['Downloads'];

const fileResponses = { 200: FileBody, 206: FileBody, 302: FileBody, 304: FileBody, ...authErrors, 416: ErrorBody };

const description =
  'Streams the bytes. `Range: bytes=a-b`, `a-` or `-n` gives 206 with Content-Range; a range past the end gives 416 ' +
  'with `Content-Range: bytes */size`; several ranges get the whole file (200). ETag is the SHA-256 in quotes ' +
  '(If-None-Match gives 304, If-Range is honoured). HEAD gives the headers only. Assets in the trash are 404 unless ' +
  '`include_deleted=1`.';

/** Mudstack §5.1 / §5.3 downloads: one file (ranges, conditionals, HEAD) or many as a streamed ZIP. */
export const assetsDownloadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    method: ['GET', 'HEAD'],
    url: '/workspaces/assets/:asset_id/download',
    config: { scope: 'workspace' },
    schema: { tags, summary: 'Download the current version', description, params: AssetParams, querystring: DownloadQuery, response: fileResponses },
    handler: async (request, reply) => {
      const ctx = ctxOf(request);
      const q = request.query;
      const target = await resolveDownload(ctx, { assetId: request.params.asset_id, includeDeleted: isSet(q.include_deleted) });
      const url = isSet(q.redirect) ? await presignDownload(ctx, target) : undefined;
      return url ? reply.redirect(url, 302) : sendDownload(request, reply, ctx, target, { inline: isSet(q.inline), immutable: false });
    },
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/workspaces/assets/:asset_id/versions/:version_id/download',
    config: { scope: 'workspace' },
    schema: { tags, summary: 'Download one version', description, params: VersionParams, querystring: DownloadQuery, response: fileResponses },
    handler: async (request, reply) => {
      const ctx = ctxOf(request);
      const { asset_id, version_id } = request.params;
      const q = request.query;
      const target = await resolveDownload(ctx, { assetId: asset_id, versionId: version_id, includeDeleted: isSet(q.include_deleted) });
      const url = isSet(q.redirect) ? await presignDownload(ctx, target) : undefined;
      return url ? reply.redirect(url, 302) : sendDownload(request, reply, ctx, target, { inline: isSet(q.inline), immutable: true });
    },
  });

  app.post(
    '/workspaces/assets/download',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Download many assets as one ZIP',
        description:
          'JSON `{ids: [...]}` (or `asset_ids`; plus optional `version_ids`), at most 10,000. Every id is checked ' +
          'before the first byte: an unknown, foreign or trashed one is 404. The ZIP is streamed (entries stored, ' +
          'ZIP64 where needed) with an exact Content-Length; entry names are the folder + file name, made safe and unique.',
        body: BulkDownloadBody,
        response: { 200: FileBody, ...authErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const assetIds = [...(b.ids ?? []), ...(b.asset_ids ?? [])];
      const zip = await bulkDownload(ctxOf(request), { assetIds, versionIds: b.version_ids ?? [] });
      return reply
        .type('application/zip')
        .header('content-disposition', 'attachment; filename="assets.zip"')
        .header('content-length', String(zip.size))
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(zip.stream);
    },
  );
};
