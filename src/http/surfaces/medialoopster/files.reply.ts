import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { contentDisposition } from '../../../blobs/content-disposition.js';
import { contentRange, evaluateRange, noneMatchSatisfied, unsatisfiedRange } from '../../../lib/range.js';
import { errorBody } from './errors.js';

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * Sends a file (an essence or a derivative) with ETag, If-None-Match (304) and one Range (206, or 416 in this
 * surface's error form; RFC 9110 §14). The blob is opened before the headers are set, so a blob that cannot be read
 * becomes a clean error.
 */
export async function sendFile(
  request: FastifyRequest,
  reply: FastifyReply,
  file: { etag: string; size: number; contentType: string; fileName: string; open: (range?: { start: number; end: number }) => Promise<Readable> },
): Promise<FastifyReply> {
  const etag = `"${file.etag}"`;
  void reply.header('etag', etag).header('accept-ranges', 'bytes').header('cache-control', 'private, no-cache').header('x-content-type-options', 'nosniff');
  if (noneMatchSatisfied(first(request.headers['if-none-match']), etag)) {
    return reply.status(304).send(null);
  }
  const verdict = evaluateRange(first(request.headers.range), file.size);
  if (verdict.kind === 'unsatisfiable') {
    return reply.status(416).header('content-range', unsatisfiedRange(file.size)).send(errorBody(416, 'range_not_satisfiable', `The file has ${file.size} bytes.`));
  }
  const range = verdict.kind === 'partial' ? verdict.range : undefined;
  const body = await file.open(range);
  if (range) {
    void reply.status(206).header('content-range', contentRange(range, file.size));
  }
  return reply
    .type(file.contentType)
    .header('content-disposition', contentDisposition(file.fileName, 'attachment'))
    .header('content-length', String(range ? range.end - range.start + 1 : file.size))
    .send(body);
}
