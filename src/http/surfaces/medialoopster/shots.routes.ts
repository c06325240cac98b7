import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ShotRow } from '../../../db/schema.js';
import { mediaAssetCtx } from '../../../domain/media-assets/media-assets.service.js';
import { listShots, listShotSequences } from '../../../domain/media-assets/shots.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { modelNotFound } from './errors.js';
import { sendFile } from './files.reply.js';
import { baseUrl, pathId } from './ids.js';
import { MedialoopsterError, mlErrors, tags } from './schemas.js';

const config = { scope: 'credential-account' } as const;
const NullableText = Type.Union([Type.String(), Type.Null()]);

export const MlShot = Type.Object({
  id: Type.Integer(),
  asset: Type.Integer(),
  name: Type.String(),
  description: NullableText,
  timecode_start: Type.Integer({ description: 'Milliseconds' }),
  timecode_end: Type.Integer({ description: 'Milliseconds' }),
  duration: Type.Integer({ description: 'Milliseconds' }),
  licensor: NullableText,
  license: NullableText,
  location_city: NullableText,
  copyright: NullableText,
  ancestor: NullableText,
  keywords: Type.Array(Type.String()),
  path_thumbnail: Type.String(),
  is_compositing: Type.Boolean(),
  thumbnail_url: Type.String(),
});

export const MlSequence = Type.Object({
  name: Type.String(),
  description: NullableText,
  timecode_start: Type.Integer(),
  timecode_end: Type.Integer(),
  duration: Type.Integer(),
  keywords: Type.Array(Type.String()),
  asset: Type.Integer(),
  shots: Type.Array(MlShot),
});

const keywords = (json: string): string[] => {
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : [];
};

function presentShot(row: ShotRow, assetId: number, base: string) {
  return {
    id: Number(row.sequence),
    asset: assetId,
    name: row.name,
    description: row.description,
    timecode_start: Number(row.timecode_start),
    timecode_end: Number(row.timecode_end),
    duration: Number(row.timecode_end) - Number(row.timecode_start),
    licensor: null,
    license: null,
    location_city: null,
    copyright: null,
    ancestor: null,
    keywords: keywords(row.keywords),
    path_thumbnail: `/shots/${assetId}/${Number(row.sequence)}.png`,
    is_compositing: false,
    thumbnail_url: `${base}/api/videoassets/${assetId}/shots/${Number(row.sequence)}/thumbnail/`,
  };
}

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const notFound = (id: string) => () => modelNotFound('VideoAsset', id);

/** Shots and sequences of video assets (spec §2.3.4; docs/medialoopster.md "Shots"). */
export const shotsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/videoassets/:id/shots/',
    { config, schema: { tags, summary: 'The shots of a video asset (detected at hard cuts when its device has autoshot_detection)', params: Params, response: { 200: Type.Array(MlShot), ...mlErrors } } },
    async (request) => {
      const { pctx, view } = await mediaAssetCtx(ctxOf(request), 'video', pathId(request.params.id, 'VideoAsset'), notFound(request.params.id));
      const rows = await listShots(pctx, { workspaceId: view.asset.workspace_id, assetId: view.asset.id, versionId: view.versionId });
      return rows.map((r) => presentShot(r, Number(view.asset.sequence), baseUrl(request)));
    },
  );

  app.get(
    '/videoassets/:id/sequences/',
    { config, schema: { tags, summary: 'The sequences of a video asset, each with its shots', params: Params, response: { 200: Type.Array(MlSequence), ...mlErrors } } },
    async (request) => {
      const { pctx, view } = await mediaAssetCtx(ctxOf(request), 'video', pathId(request.params.id, 'VideoAsset'), notFound(request.params.id));
      const scope = { workspaceId: view.asset.workspace_id, assetId: view.asset.id };
      const [sequences, shots] = await Promise.all([listShotSequences(pctx, scope), listShots(pctx, { ...scope, versionId: view.versionId })]);
      const assetId = Number(view.asset.sequence);
      return sequences.map((s) => ({
        name: s.name,
        description: s.description,
        timecode_start: Number(s.timecode_start),
        timecode_end: Number(s.timecode_end),
        duration: Number(s.timecode_end) - Number(s.timecode_start),
        keywords: keywords(s.keywords),
        asset: assetId,
        shots: shots.filter((x) => x.sequence_id === s.id).map((x) => presentShot(x, assetId, baseUrl(request))),
      }));
    },
  );

  app.get(
    '/videoassets/:id/shots/:shot/thumbnail/',
    {
      config,
      schema: {
        tags,
        summary: 'A shot\'s thumbnail (its first frame, PNG)',
        params: Type.Object({ id: Type.String({ maxLength: 64 }), shot: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Unsafe({ type: 'string', format: 'binary' }), 304: Type.Null(), ...mlErrors, 416: MedialoopsterError },
      },
    },
    async (request, reply) => {
      const { pctx, view } = await mediaAssetCtx(ctxOf(request), 'video', pathId(request.params.id, 'VideoAsset'), notFound(request.params.id));
      const shotId = pathId(request.params.shot, 'Shot');
      const rows = await listShots(pctx, { workspaceId: view.asset.workspace_id, assetId: view.asset.id, versionId: view.versionId });
      const shot = rows.find((r) => Number(r.sequence) === shotId);
      const key = shot?.thumbnail_blob_key;
      if (!shot || !key) {
        throw modelNotFound('Shot', request.params.shot);
      }
      const stat = await pctx.blobs.stat(key);
      return sendFile(request, reply, {
        etag: key, size: Number(stat?.size ?? 0), contentType: 'image/png', fileName: `${shot.name}.png`, open: (range) => pctx.blobs.get(key, range),
      });
    },
  );
};
