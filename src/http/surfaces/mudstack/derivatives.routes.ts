import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Readable } from 'node:stream';
import { getReadyDerivative, openDerivative } from '../../../domain/media/derivative-files.service.js';
import { DERIVATIVE_KINDS } from '../../../domain/versions/derivatives.js';
import { contentRange, evaluateRange, noneMatchSatisfied, unsatisfiedRange } from '../../../lib/range.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors, ErrorBody } from './common.schemas.js';

const tags = ['Versions'];

const DerivativeParams = Type.Object({
  asset_id: Type.String(),
  version_id: Type.String(),
  kind: Type.Union(DERIVATIVE_KINDS.map((k) => Type.Literal(k))),
});

const FileBody = Type.Unsafe<Readable>({ type: 'string', format: 'binary', description: 'The file bytes' });

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** Atelier extension: the files the media pipeline made from a version (thumbnail, preview, poster, proxy...). */
export const derivativesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/assets/:asset_id/versions/:version_id/derivatives/:kind',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Get a derivative file (Atelier)',
        description:
          'The bytes of a ready derivative (`thumbnail`, `preview`, `poster`, `proxy`, `waveform`, `page`); Content-Type from the derivative. ' +
          '404 `derivative_not_ready` while it is pending or when it failed (the message says which). Supports Range (video proxies).',
        params: DerivativeParams,
        response: { 200: FileBody, 206: FileBody, 304: Type.Null(), ...authErrors, 416: ErrorBody },
      },
    },
    async (request, reply) => {
      const ctx = ctxOf(request);
      const { asset_id, version_id, kind } = request.params;
      const row = await getReadyDerivative(ctx, { assetId: asset_id, versionId: version_id, kind });
      const size = Number(row.size ?? 0);
      const etag = `"${row.blob_key}"`;
      void reply
        .header('etag', etag)
        .header('accept-ranges', 'bytes')
        // Content-addressed: the bytes behind this ETag never change, but a re-made derivative changes the URL's answer.
        .header('cache-control', 'private, no-cache')
        .header('x-content-type-options', 'nosniff');
      if (noneMatchSatisfied(first(request.headers['if-none-match']), etag)) {
        return reply.status(304).send(null);
      }
      const verdict = evaluateRange(first(request.headers.range), size);
      if (verdict.kind === 'unsatisfiable') {
        return reply
          .status(416)
          .header('content-range', unsatisfiedRange(size))
          .send({ error: { code: 'range_not_satisfiable', message: `The file has ${size} bytes.` }, request_id: request.id });
      }
      const range = verdict.kind === 'partial' ? verdict.range : undefined;
      if (range) {
        void reply.status(206).header('content-range', contentRange(range, size));
      }
      return reply
        .type(row.content_type)
        .header('content-length', String(range ? range.end - range.start + 1 : size))
        .send(await openDerivative(ctx, row, range));
    },
  );
};
