import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { errors } from '../../domain/errors.js';
import { assertJsonInput } from './json-body.js';

/** Registers multipart parsing with limits; files are streamed to whoever consumes them, never buffered. */
export async function registerMultipart(app: FastifyInstance): Promise<void> {
  await app.register(multipart, {
    limits: { fileSize: app.deps.config.uploads.maxBytes, files: 1, fields: 50, fieldSize: 1024 * 1024, parts: 60 },
  });
}

export interface MultipartForm<T> {
  /** Plain fields, as strings. */
  fields: Record<string, string>;
  /** The `body` field parsed as a JSON object (Mudstack sends `body={...}`), when present. */
  body: Record<string, unknown> | undefined;
  /** What `onFile` returned for the part named `file`, when one was sent. */
  file: T | undefined;
}

export const isMultipart = (request: FastifyRequest): boolean => request.isMultipart();

// The boundary parameter of a multipart Content-Type; busboy throws a bare Error (a 500) when it is missing.
const BOUNDARY_PARAM = /;\s*boundary\s*=\s*(?:"[^"]+"|[^\s;]+)/i;

/**
 * Reads a multipart/form-data request part by part. The `file` part is handed to `onFile` as a stream, which must
 * consume it (e.g. into the blob store) before the next part can be read.
 */
export async function readMultipart<T>(
  request: FastifyRequest,
  onFile: (stream: Readable, info: { filename: string; mimetype: string }) => Promise<T>,
): Promise<MultipartForm<T>> {
  if (!BOUNDARY_PARAM.test(request.headers['content-type'] ?? '')) {
    throw errors.invalid('multipart_boundary_missing', 'The multipart/form-data Content-Type has no boundary parameter.');
  }
  const fields: Record<string, string> = {};
  let file: T | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw errors.invalidField('body', part.fieldname, 'unexpected file part; send the file as `file`');
      }
      file = await onFile(part.file, { filename: part.filename, mimetype: part.mimetype });
      if (part.file.truncated) {
        throw errors.tooLarge('The file is larger than the upload limit.');
      }
    } else {
      fields[part.fieldname] = String(part.value);
    }
  }
  let body: Record<string, unknown> | undefined;
  if (fields.body !== undefined && fields.body !== '') {
    try {
      const parsed: unknown = JSON.parse(fields.body);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error('not an object');
      }
      body = parsed as Record<string, unknown>;
    } catch {
      throw errors.invalidField('body', 'body', 'must be a JSON object');
    }
    // JSON too: the same reserved keys and lone surrogates are refused as in a JSON body (plugins/json-body.ts).
    assertJsonInput(body, 'body', '/body');
  }
  return { fields, body, file };
}
