import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { errors, type FieldProblem } from '../../../domain/errors.js';
import type { UploadFields, UploadSource } from '../../../domain/uploads/upload-source.js';
import { readMultipart } from '../../plugins/multipart.js';
import { detachableBody } from '../../plugins/request-body.js';
import { UploadQuery, type UploadQueryJson } from './assets.schemas.js';

/**
 * Lets the upload routes of this (encapsulated) plugin receive any non-JSON, non-multipart body as a raw stream:
 * the parser hands the request stream on unread, so the file is streamed into the blob store, never buffered. It is
 * handed on detachable, so that refusing it (413) does not reset the connection before the answer is sent.
 */
export function acceptRawBodies(app: FastifyInstance): void {
  const passThrough = (req: FastifyRequest, payload: Readable, done: (err: Error | null, body?: unknown) => void): void => {
    done(null, detachableBody(req, payload));
  };
  app.addContentTypeParser('application/octet-stream', passThrough);
  app.addContentTypeParser('*', passThrough);
}

const toFields = (q: UploadQueryJson): UploadFields => ({
  fileName: q.file_name,
  name: q.name,
  fileLocation: q.file_location,
  description: q.description,
  assetId: q.asset_id,
  versionName: q.version_name,
  versionDescription: q.version_description,
  checksum: q.checksum?.toLowerCase(),
  size: q.size,
});

/** Multipart text fields, checked with the same schema as the raw upload's query string. */
function checkFormFields(fields: Record<string, string>): UploadQueryJson {
  const known = Object.fromEntries(Object.entries(fields).filter(([k]) => k in UploadQuery.properties));
  const converted = Value.Convert(UploadQuery, known);
  const problems: FieldProblem[] = [...Value.Errors(UploadQuery, converted)].map((e) => ({
    in: 'body',
    pointer: e.path || '/',
    message: e.message,
  }));
  const first = problems[0];
  if (first) {
    throw errors.invalid('validation_failed', `Invalid body${first.pointer.replace(/\//g, '.')}: ${first.message}.`, problems);
  }
  return converted as UploadQueryJson;
}

/**
 * The upload in a request: multipart/form-data (`file` + fields, query parameters as defaults) or a raw body with
 * its metadata in the query string (`file_name` required). A JSON body is not an upload: 415.
 */
export function uploadSourceOf(request: FastifyRequest, query: UploadQueryJson): UploadSource {
  const bodyBytes = contentLength(request);
  if (request.isMultipart()) {
    return {
      fieldsIn: 'body',
      bodyBytes,
      async read(receive) {
        const form = await readMultipart(request, (stream, info) => receive(stream, info.filename));
        return { file: form.file, fields: { ...toFields(query), ...definedOnly(toFields(checkFormFields(form.fields))) } };
      },
    };
  }
  const body = request.body;
  return {
    fieldsIn: 'query',
    bodyBytes,
    async read(receive) {
      if (!(body instanceof Readable)) {
        throw errors.unsupportedMedia('Send the file as multipart/form-data or as a raw body (e.g. application/octet-stream).');
      }
      if (!query.file_name) {
        throw errors.invalidField('query', 'file_name', 'is required with a raw body');
      }
      const fields = toFields(query);
      return { file: await receive(body, query.file_name, { sha256: fields.checksum, size: fields.size }), fields };
    },
  };
}

/** The request's Content-Length, when it sent one (a chunked body has none). */
export function contentLength(request: FastifyRequest): number | undefined {
  const raw = request.headers['content-length'];
  return raw !== undefined && /^\d{1,16}$/.test(raw) ? Number(raw) : undefined;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
