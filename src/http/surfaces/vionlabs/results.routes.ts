import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  adBreaksV2Of,
  adBreaksV3Of,
  fingerprintMatches,
  listMarkers,
  markersOf,
  openResultFile,
  resultFiles,
  type DoneResult,
} from '../../../domain/processing/results.service.js';
import { errors } from '../../../domain/errors.js';
import { ctxOf } from '../../plugins/auth.js';
import { MOUNT } from './present.js';
import { config, errorResponses, ItemId, KeyQuery, tags, Version } from './schemas.js';

/* The Results APIs (spec §3.5; docs/vionlabs.md "Results"). Query times are in minutes, as Vionlabs documents them. */

const Minutes = (d: number, description: string, exclusive = false) =>
  Type.Number({ ...(exclusive ? { exclusiveMinimum: 0 } : { minimum: 0 }), maximum: 100_000, default: d, description });

const Unit = Type.Union([Type.Literal('millisec'), Type.Literal('frame')]);
const ItemParams = Type.Object({ unit: Unit, inventory_id: ItemId });

const TYPE_OF: Record<string, string> = { standalone: 'movie', series: 'series', season: 'season', episode: 'episode' };

/** The shared envelope of the newer results versions. */
function envelope(r: DoneResult, data: Record<string, unknown>) {
  return {
    status: 'success',
    error: null,
    updated: r.task.finished_at,
    version_id: r.task.version,
    inventory_id: r.item.item_key,
    type: TYPE_OF[r.item.type] ?? r.item.type,
    data,
  };
}

const idPart = (r: DoneResult) => ({ inventory_id: r.item.item_key, type: TYPE_OF[r.item.type] ?? r.item.type, vionlabs_id: r.item.id, version_id: r.task.version });

export const resultsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/results/adbreaks/v2/filter/:unit/:inventory_id', {
    config,
    schema: {
      tags,
      summary: 'Ad breaks v2 (no envelope); candidates in seconds (millisec) or frame numbers (frame)',
      params: ItemParams,
      querystring: Type.Object({
        ...KeyQuery,
        version: Type.Optional(Version),
        window: Minutes(5, 'Window length in minutes (> 0).', true),
        separation: Minutes(1, 'Minimum minutes between breaks.'),
        skip_first: Minutes(1, 'Minutes skipped at the start.'),
        skip_last: Minutes(1, 'Minutes skipped at the end.'),
      }),
      response: { 200: Type.Unknown(), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query;
    const r = await adBreaksV2Of(ctxOf(request), {
      itemKey: request.params.inventory_id, version: q.version, unit: request.params.unit, window: q.window, separation: q.separation, skipFirst: q.skip_first, skipLast: q.skip_last,
    });
    return { ...idPart(r), adbreak: r.adbreak };
  });

  app.get('/results/adbreaks/v3/filter/:unit/:inventory_id', {
    config,
    schema: {
      tags,
      summary: 'Ad breaks v3 (envelope); candidates in seconds (millisec) or frame numbers (frame)',
      params: ItemParams,
      querystring: Type.Object({
        ...KeyQuery,
        version: Type.Optional(Version),
        minimum_separation: Minutes(1, 'Minimum minutes between breaks.'),
        maximum_separation: Minutes(5, 'Maximum minutes between breaks.', true),
        skip_first: Minutes(0, 'Minutes skipped at the start.'),
        skip_last: Minutes(0, 'Minutes skipped at the end.'),
      }),
      response: { 200: Type.Unknown(), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query;
    if (q.minimum_separation > q.maximum_separation) {
      throw errors.invalidField('query', 'minimum_separation', 'must not exceed maximum_separation');
    }
    const r = await adBreaksV3Of(ctxOf(request), {
      itemKey: request.params.inventory_id, version: q.version, unit: request.params.unit,
      minimumSeparation: q.minimum_separation, maximumSeparation: q.maximum_separation, skipFirst: q.skip_first, skipLast: q.skip_last,
    });
    return envelope(r, { adbreak: r.adbreak, ...idPart(r) });
  });

  app.get('/results/markers/v1/asset/:ident', {
    config,
    schema: {
      tags,
      summary: 'Markers of one item (intro, recap, credits; seconds)',
      params: Type.Object({ ident: ItemId }),
      querystring: Type.Object({ ...KeyQuery, version: Type.Optional(Version) }),
      response: { 200: Type.Unknown(), ...errorResponses },
    },
  }, async (request) => markersOf(ctxOf(request), { itemKey: request.params.ident, version: request.query.version }));

  app.get('/results/markers/v1/', {
    config,
    schema: {
      tags,
      summary: 'Markers results updated in a time window, paginated',
      querystring: Type.Object({
        ...KeyQuery,
        version: Type.Optional(Version),
        from_utcdatetime: Type.Optional(Type.String({ format: 'date-time' })),
        to_utcdatetime: Type.Optional(Type.String({ format: 'date-time' })),
        page_num: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
        page_size: Type.Integer({ minimum: 1, maximum: 5000, default: 1000 }),
      }),
      response: { 200: Type.Unknown(), ...errorResponses },
    },
  }, async (request) => {
    const q = request.query;
    const iso = (s: string, field: string) => {
      const ms = Date.parse(s);
      if (!Number.isFinite(ms)) {
        throw errors.invalidField('query', field, 'must be a date-time');
      }
      return new Date(ms).toISOString();
    };
    const ctx = ctxOf(request);
    return listMarkers(ctx, {
      from: q.from_utcdatetime === undefined ? undefined : iso(q.from_utcdatetime, 'from_utcdatetime'),
      to: q.to_utcdatetime === undefined ? ctx.clock.now().toISOString() : iso(q.to_utcdatetime, 'to_utcdatetime'),
      pageNum: q.page_num,
      pageSize: q.page_size,
      version: q.version,
    });
  });

  app.get('/results/fingerprint/v1/:inventory_id', {
    config,
    schema: {
      tags,
      summary: 'Audio fingerprint (Chromaprint raw values) of one item, and the catalog items with the same content',
      params: Type.Object({ inventory_id: ItemId }),
      querystring: Type.Object({ ...KeyQuery, version: Type.Optional(Version), min_similarity: Type.Number({ minimum: 0, maximum: 1, default: 0.85 }) }),
      response: { 200: Type.Unknown(), ...errorResponses },
    },
  }, async (request) => {
    const r = await fingerprintMatches(ctxOf(request), { itemKey: request.params.inventory_id, version: request.query.version, minSimilarity: request.query.min_similarity });
    return envelope(r, { algorithm: r.result.algorithm, duration: r.result.duration_seconds, fingerprint: r.result.fingerprint, matches: r.matches });
  });

  for (const product of ['jitthumbnails', 'jitpreviews'] as const) {
    const listKey = product === 'jitthumbnails' ? 'thumbnails' : 'previews';
    app.get(`/results/${product}/v1/:inventory_id`, {
      config,
      schema: {
        tags,
        summary: product === 'jitthumbnails' ? 'Representative thumbnails (JPEG files)' : 'A short preview clip (MP4 file)',
        params: Type.Object({ inventory_id: ItemId }),
        querystring: Type.Object({ ...KeyQuery, version: Type.Optional(Version) }),
        response: { 200: Type.Unknown(), ...errorResponses },
      },
    }, async (request) => {
      const r = await resultFiles(ctxOf(request), { itemKey: request.params.inventory_id, product, version: request.query.version });
      const entries = (r.result[listKey] as Array<{ position: number }>).map((e) => {
        const f = r.files.find((x) => x.position === e.position);
        const url = `${MOUNT}/results/${product}/v1/${encodeURIComponent(r.item.item_key)}/files/${e.position}?version=${encodeURIComponent(r.task.version)}`;
        return { ...e, url, content_type: f?.content_type ?? null, size: f ? Number(f.size) : null };
      });
      return envelope(r, { [listKey]: entries });
    });

    app.get(`/results/${product}/v1/:inventory_id/files/:position`, {
      config,
      schema: {
        tags,
        summary: 'Download one file of the result',
        params: Type.Object({ inventory_id: ItemId, position: Type.Integer({ minimum: 0, maximum: 1000 }) }),
        querystring: Type.Object({ ...KeyQuery, version: Type.Optional(Version) }),
        response: { 200: Type.Unknown(), ...errorResponses },
      },
    }, async (request, reply) => {
      const { file, body } = await openResultFile(ctxOf(request), { itemKey: request.params.inventory_id, product, version: request.query.version, position: request.params.position });
      return reply.header('content-type', file.content_type).header('content-length', String(file.size)).send(body);
    });
  }
};
