import type { FastifyReply, FastifyRequest } from 'fastify';
import { contentDisposition } from '../../../blobs/content-disposition.js';
import type { Ctx } from '../../../domain/context.js';
import { isPreviewable, openDownload, type DownloadTarget } from '../../../domain/downloads/downloads.service.js';
import { contentRange, evaluateRange, ifRangeAllows, noneMatchSatisfied, unsatisfiedRange } from '../../../lib/range.js';

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * Sends one version's bytes with HTTP semantics: ETag (the SHA-256) and Last-Modified (the version's commit time),
 * If-None-Match -> 304, Range -> 206 / 416 (RFC 9110 §14; one range only, several get the whole body), If-Range,
 * and a Content-Disposition that cannot inject header parameters. HEAD gets the same headers and no body.
 */
export async function sendDownload(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: Ctx,
  target: DownloadTarget,
  options: { inline: boolean; immutable: boolean },
): Promise<FastifyReply> {
  const { version } = target;
  const size = Number(version.size);
  const etag = `"${version.checksum}"`;
  const lastModified = new Date(version.created_at).toUTCString();
  const disposition = options.inline && isPreviewable(version.content_type) ? 'inline' : 'attachment';
  void reply
    .header('accept-ranges', 'bytes')
    .header('etag', etag)
    .header('last-modified', lastModified)
    // A version's bytes never change; the current-version URL does, so it is revalidated each time.
    .header('cache-control', options.immutable ? 'private, max-age=31536000, immutable' : 'private, no-cache')
    .header('x-content-type-options', 'nosniff');
  if (noneMatchSatisfied(first(request.headers['if-none-match']), etag)) {
    return reply.status(304).send();
  }
  const rangeHeader = ifRangeAllows(first(request.headers['if-range']), { etag, lastModified }) ? first(request.headers.range) : undefined;
  const verdict = evaluateRange(rangeHeader, size);
  if (verdict.kind === 'unsatisfiable') {
    return reply
      .status(416)
      .header('content-range', unsatisfiedRange(size))
      .send({ error: { code: 'range_not_satisfiable', message: `The file has ${size} bytes.` }, request_id: request.id });
  }
  const range = verdict.kind === 'partial' ? verdict.range : undefined;
  // Opened before the file's headers are set: a blob that cannot be read becomes a clean error response.
  const body = request.method === 'HEAD' ? undefined : await openDownload(ctx, target, range);
  void reply.type(version.content_type).header('content-disposition', contentDisposition(target.fileName, disposition));
  if (range) {
    void reply.status(206).header('content-range', contentRange(range, size));
  }
  void reply.header('content-length', String(range ? range.end - range.start + 1 : size));
  return body ? reply.send(body) : reply.send();
}
