import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import { openSignedDerivative } from '../../../domain/media/signed-media.service.js';
import { contentRange, evaluateRange, noneMatchSatisfied, unsatisfiedRange } from '../../../lib/range.js';
import { WsError } from './schemas.js';

const FileBody = Type.Unsafe<Readable>({ type: 'string', format: 'binary', description: 'The file bytes' });
const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const Uuid = Type.String({ pattern: '^[0-9a-fA-F-]{36}$' });

/**
 * GET /workstream/media/…: the thumbnail and preview URLs of the Workstream asset shapes (asset-shapes.ts). No token:
 * the path's signature is the capability, so `<img src>` and Webdam clients load them as they load Webdam's CDN links.
 */
export const mediaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/media/:workspace_id/:derivative_id/:expires/:sig/:name',
    {
      config: { scope: 'public' },
      schema: {
        tags: ['Workstream'],
        summary: 'A thumbnail or preview of a Workstream asset (signed URL)',
        description:
          'The URLs in `thumburl`, `thumbnailurls`, `media_url` and the `<img src>` of the HTML fragments. Signed (no token); valid until the end of ' +
          'the next UTC day. Forged or expired: 403; not made yet or failed: 404 `derivative_not_ready`. Supports Range and If-None-Match.',
        params: Type.Object({
          workspace_id: Uuid,
          derivative_id: Uuid,
          expires: Type.String({ pattern: '^[0-9]{1,12}$' }),
          sig: Type.String({ pattern: '^[A-Za-z0-9_-]{1,100}$' }),
          name: Type.String({ maxLength: 255 }),
        }),
        response: { 200: FileBody, 206: FileBody, 304: Type.Null(), 403: WsError, 404: WsError, 416: WsError, 422: WsError },
      },
    },
    async (request, reply) => {
      const p = request.params;
      const { row, open } = await openSignedDerivative(request.server.deps, { workspaceId: p.workspace_id, derivativeId: p.derivative_id, expires: p.expires, sig: p.sig });
      const size = Number(row.size ?? 0);
      const etag = `"${row.blob_key}"`;
      void reply.header('etag', etag).header('accept-ranges', 'bytes').header('cache-control', 'private, max-age=3600').header('x-content-type-options', 'nosniff');
      if (noneMatchSatisfied(first(request.headers['if-none-match']), etag)) {
        return reply.status(304).send(null);
      }
      const verdict = evaluateRange(first(request.headers.range), size);
      if (verdict.kind === 'unsatisfiable') {
        return reply
          .status(416)
          .header('content-range', unsatisfiedRange(size))
          .send({ message: `The file has ${size} bytes.`, code: 'range_not_satisfiable', request_id: request.id });
      }
      const range = verdict.kind === 'partial' ? verdict.range : undefined;
      if (range) {
        void reply.status(206).header('content-range', contentRange(range, size));
      }
      return reply
        .type(row.content_type)
        .header('content-length', String(range ? range.end - range.start + 1 : size))
        .send(await open(range));
    },
  );
};
