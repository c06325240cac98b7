import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { getReadyDerivative, openDerivative } from '../../../domain/media/derivative-files.service.js';
import { openDownload, resolveDownload } from '../../../domain/downloads/downloads.service.js';
import { MEDIA_KINDS, type MediaKind } from '../../../domain/media-assets/media-assets.repo.js';
import { deleteMediaAsset, findReadableMediaAsset, mediaAssetCtx, pageReadableMediaAssets, parseIsoField, updateMediaAsset } from '../../../domain/media-assets/media-assets.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { PagingQuery, paging, setPageHeaders } from './conventions.js';
import { modelNotFound } from './errors.js';
import { sendFile } from './files.reply.js';
import { baseUrl, pathId } from './ids.js';
import { ASSET_SCHEMAS, MODEL_NAMES, presentMediaAsset } from './media-assets.present.js';
import { MedialoopsterError, mlErrors, tags } from './schemas.js';

const config = { scope: 'credential-account' } as const;

/** DRF's BooleanFilter spellings. */
const BoolText = Type.String({ pattern: '^(?:true|false|True|False|1|0)$', description: '`true` or `false`.' });
const isTrue = (v: string | undefined): boolean | undefined => (v === undefined ? undefined : v === 'true' || v === 'True' || v === '1');

const ListQuery = Type.Object({
  ...PagingQuery,
  path_file: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'The high-res file path (a trailing slash is allowed, as the documents ask).' })),
  production: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'A production id.' })),
  is_archive: Type.Optional(BoolText),
  is_production: Type.Optional(BoolText),
});

/**
 * PATCH body. Read-only fields a client sends back (a whole object from GET) are ignored, as DRF does; the writable
 * ones are checked.
 */
const PatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    status_approval: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
    date_del: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
    meta_field_store: Type.Optional(Type.Record(Type.String({ maxLength: 255 }), Type.Unknown(), { maxProperties: 500 })),
  },
  { additionalProperties: true },
);

const DeleteQuery = Type.Object({ allow_partial: Type.Optional(BoolText) });
const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** The files behind a media asset's URLs: the essence and the derivatives each kind has. */
const FILES: Record<MediaKind, Record<string, string>> = {
  video: { file: 'file', thumbnail: 'thumbnail', poster: 'poster', proxy: 'proxy' },
  image: { file: 'file', thumbnail: 'thumbnail', preview: 'preview', proxy: 'preview' },
  audio: { file: 'file', waveform: 'waveform', thumbnail: 'waveform', proxy: 'file' },
};

const FileBody = Type.Unsafe({ type: 'string', format: 'binary', description: 'The file bytes' });

/** Media assets (spec §2.3.4): `audioassets`, `imageassets`, `videoassets`. */
export const mediaAssetsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const kind of MEDIA_KINDS) {
    const model = MODEL_NAMES[kind];
    const notFound = (id: string) => () => modelNotFound(model, id);
    const Asset = ASSET_SCHEMAS[kind];

    app.get(
      `/${kind}assets/`,
      {
        config,
        schema: {
          tags,
          summary: `The ${kind} assets of the productions the caller is a member of`,
          description: 'Filters: `path_file`, `production`, `is_archive`, `is_production` (ids of unknown or foreign productions match nothing).',
          querystring: ListQuery,
          response: { 200: Type.Array(Asset), ...mlErrors },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const page = paging(q);
        const { items, total } = await pageReadableMediaAssets(ctxOf(request), kind, {
          ...page, pathFile: q.path_file, production: q.production, isArchive: isTrue(q.is_archive), isProduction: isTrue(q.is_production),
        });
        setPageHeaders(request, reply, page, total);
        return items.map((v) => presentMediaAsset(v, baseUrl(request)));
      },
    );

    app.get(
      `/${kind}assets/:id/`,
      { config, schema: { tags, summary: `One ${kind} asset`, params: Params, response: { 200: Asset, ...mlErrors } } },
      async (request) => {
        const view = await findReadableMediaAsset(ctxOf(request), kind, pathId(request.params.id, model));
        if (!view) {
          throw modelNotFound(model, request.params.id);
        }
        return presentMediaAsset(view, baseUrl(request));
      },
    );

    app.patch(
      `/${kind}assets/:id/`,
      {
        config,
        schema: {
          tags,
          summary: `Change a ${kind} asset: name, description, status_approval, date_del, meta_field_store`,
          description:
            '`meta_field_store` replaces the stored custom metadata: each key a custom metadata field of this kind, each value text matching the field\'s validation rule (400 naming `/meta_field_store/<key>`). `date_del` schedules a deletion (ISO 8601; null cancels). Editors of the production only.',
          params: Params,
          body: PatchBody,
          response: { 200: Asset, ...mlErrors, 423: MedialoopsterError },
        },
      },
      async (request) => {
        const b = request.body;
        const id = pathId(request.params.id, model);
        const view = await updateMediaAsset(ctxOf(request), kind, id, {
          name: b.name,
          description: b.description,
          statusApproval: b.status_approval,
          dateDel: b.date_del === undefined || b.date_del === null ? b.date_del : parseIsoField(b.date_del, 'date_del'),
          metaFieldStore: b.meta_field_store,
        }, notFound(request.params.id));
        return presentMediaAsset(view, baseUrl(request));
      },
    );

    app.delete(
      `/${kind}assets/:id/`,
      {
        config,
        schema: {
          tags,
          summary: `Delete a ${kind} asset (to the production's trash)`,
          description: '`allow_partial` is accepted: the delete is one step, so nothing can be left half done.',
          params: Params,
          querystring: DeleteQuery,
          response: { 204: Type.Null({ description: 'Moved to the production’s trash' }), ...mlErrors, 423: MedialoopsterError },
        },
      },
      async (request, reply) => {
        await deleteMediaAsset(ctxOf(request), kind, pathId(request.params.id, model), notFound(request.params.id));
        return reply.status(204).send(null);
      },
    );

    app.get(
      `/${kind}assets/:id/:file/`,
      {
        config,
        schema: {
          tags,
          summary: `Download a ${kind} asset's high-res file or a derivative`,
          description: `\`file\` is one of ${Object.keys(FILES[kind]).map((f) => `\`${f}\``).join(', ')}: the URLs the asset's \`*_url\` fields name. A derivative still being made is 404.`,
          params: Type.Object({ id: Type.String({ maxLength: 64 }), file: Type.Union(Object.keys(FILES[kind]).map((f) => Type.Literal(f))) }),
          response: { 200: FileBody, 206: FileBody, 304: Type.Null(), ...mlErrors, 416: MedialoopsterError },
        },
      },
      async (request, reply) => {
        const { pctx, view } = await mediaAssetCtx(ctxOf(request), kind, pathId(request.params.id, model), notFound(request.params.id));
        const derivative = FILES[kind][request.params.file] ?? 'file';
        if (derivative === 'file') {
          const target = await resolveDownload(pctx, { assetId: view.asset.id, includeDeleted: false });
          return sendFile(request, reply, {
            etag: target.version.checksum, size: Number(target.version.size), contentType: target.version.content_type, fileName: target.fileName,
            open: (range) => openDownload(pctx, target, range),
          });
        }
        const row = await getReadyDerivative(pctx, { assetId: view.asset.id, versionId: view.versionId ?? '', kind: derivative });
        const ext = row.content_type.split('/')[1]?.replace('jpeg', 'jpg') ?? 'bin';
        return sendFile(request, reply, {
          etag: row.blob_key, size: Number(row.size ?? 0), contentType: row.content_type, fileName: `${view.asset.name}_${derivative}.${ext}`,
          open: (range) => openDerivative(pctx, row, range),
        });
      },
    );
  }
};
