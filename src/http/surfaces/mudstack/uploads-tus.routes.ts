import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { errors } from '../../../domain/errors.js';
import { advisedPatchBytes, appendTusChunk, createTusUpload, getTusUpload, terminateTusUpload, type TusState } from '../../../domain/uploads/tus.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { detachableBody, requestBodyFailure } from '../../plugins/request-body.js';
import { Type } from '@sinclair/typebox';
import { authErrors, ErrorBody } from './common.schemas.js';
import { TusParams } from './uploads.schemas.js';

/*
 * tus 1.0.0 (https://tus.io/protocols/resumable-upload): core, creation, creation-with-upload, termination and
 * expiration, at /workspaces/assets/tus. Clients send the auth and tenancy headers on every request. The upload's
 * state is in the database and its bytes in the blob store, so any API process can take the next PATCH. The PATCH
 * that completes the upload commits it and answers `Atelier-Asset-Id` / `Atelier-Version-Id`.
 */

const TUS_VERSION = '1.0.0';
const EXTENSIONS = 'creation,creation-with-upload,termination,expiration';
const OFFSET_TYPE = 'application/offset+octet-stream';
const tags = ['Uploading'];

const header = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function integerHeader(request: FastifyRequest, name: string, required: true): number;
function integerHeader(request: FastifyRequest, name: string, required: false): number | undefined;
function integerHeader(request: FastifyRequest, name: string, required: boolean): number | undefined {
  const raw = header(request, name.toLowerCase());
  if (raw === undefined) {
    if (required) {
      throw errors.missingHeader(name);
    }
    return undefined;
  }
  if (!/^\d{1,16}$/.test(raw.trim())) {
    throw errors.invalidField('headers', name, 'must be a non-negative integer');
  }
  return Number(raw.trim());
}

/** `Atelier-Checksum: <SHA-256 hex>` of a PATCH (lower-cased), when sent. */
function checksumHeader(request: FastifyRequest): string | undefined {
  const raw = header(request, 'atelier-checksum');
  if (raw === undefined) {
    return undefined;
  }
  if (!/^[0-9a-fA-F]{64}$/.test(raw.trim())) {
    throw errors.invalidField('headers', 'Atelier-Checksum', 'must be a SHA-256 in hex (64 characters)');
  }
  return raw.trim().toLowerCase();
}

/** `Upload-Metadata: key base64,key2 base64` (tus §creation); values are UTF-8. */
export function parseUploadMetadata(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const [key, value, extra] = pair.trim().split(/\s+/);
    if (!key) {
      continue;
    }
    if (extra !== undefined || (value !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(value))) {
      throw errors.invalidField('headers', 'Upload-Metadata', `the value of ${key} is not base64`);
    }
    out[key] = value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
    if (out[key].includes('\u0000') || key.includes('\u0000')) {
      // Names and descriptions are stored as text, which PostgreSQL refuses with NUL in it (a 500).
      throw errors.invalidField('headers', 'Upload-Metadata', `the value of ${key} must not contain NUL (U+0000) characters`);
    }
  }
  return out;
}

function bodyOf(request: FastifyRequest): Readable | undefined {
  return request.body instanceof Readable ? request.body : undefined;
}

function requireOffsetStream(request: FastifyRequest): Readable {
  const type = (header(request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  const body = bodyOf(request);
  if (type !== OFFSET_TYPE || !body) {
    throw errors.unsupportedMedia(`A tus PATCH body must be ${OFFSET_TYPE}.`);
  }
  return body;
}

function sendState(reply: FastifyReply, state: TusState): void {
  void reply.header('upload-offset', String(state.session.received_bytes));
  void reply.header('upload-expires', new Date(state.session.expires_at).toUTCString());
  if (state.assetId) {
    void reply.header('atelier-asset-id', state.assetId);
  } else {
    void reply.header('atelier-patch-bytes', String(advisedPatchBytes(state.session)));
  }
  if (state.versionId) {
    void reply.header('atelier-version-id', state.versionId);
  }
}

/** tus resumable uploads. */
export const uploadsTusRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const passThrough = (req: FastifyRequest, payload: Readable, done: (err: Error | null, body?: unknown) => void): void => {
    done(null, detachableBody(req, payload));
  };
  app.addContentTypeParser(OFFSET_TYPE, passThrough);
  app.addContentTypeParser('*', passThrough);

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('tus-resumable', TUS_VERSION);
    if (request.method !== 'OPTIONS' && header(request, 'tus-resumable') !== TUS_VERSION) {
      void reply.header('tus-version', TUS_VERSION);
      await reply.status(412).send({
        error: { code: 'tus_version_unsupported', message: `Send Tus-Resumable: ${TUS_VERSION}.` },
        request_id: request.id,
      });
    }
  });

  const base = (request: FastifyRequest): string => `${app.deps.config.uploads.publicUrl ?? `${request.protocol}://${request.host}`}`;
  const limit = app.deps.config.uploads.maxBytes;

  app.options(
    '/workspaces/assets/tus',
    {
      config: { scope: 'public' },
      schema: { tags, summary: 'tus: server capabilities', response: { 204: Type.Null({ description: 'See Tus-Version, Tus-Extension, Tus-Max-Size' }) } },
    },
    async (_request, reply) =>
      reply
        .status(204)
        .headers({ 'tus-version': TUS_VERSION, 'tus-extension': EXTENSIONS, 'tus-max-size': String(limit) })
        .send(null),
  );

  app.post(
    '/workspaces/assets/tus',
    {
      config: { scope: 'workspace' },
      bodyLimit: limit,
      schema: {
        tags,
        summary: 'tus: create an upload',
        description:
          'Headers: `Upload-Length` (required), `Upload-Metadata` with base64 `filename` (required), `file_location`, `name`, ' +
          '`description`, `asset_id`, `checksum` (SHA-256 hex, verified at completion). With an ' +
          '`application/offset+octet-stream` body the first chunk is stored too. 201 with `Location`.',
        response: { 201: Type.Null({ description: 'Created; see Location' }), ...authErrors, 409: ErrorBody, 413: ErrorBody, 412: ErrorBody },
      },
    },
    async (request, reply) => {
      const length = integerHeader(request, 'Upload-Length', true);
      const meta = parseUploadMetadata(header(request, 'upload-metadata'));
      const fileName = meta.filename ?? meta.name;
      if (fileName === undefined || fileName === '') {
        throw errors.invalidField('headers', 'Upload-Metadata', 'filename is required');
      }
      if (meta.checksum !== undefined && !/^[0-9a-fA-F]{64}$/.test(meta.checksum)) {
        throw errors.invalidField('headers', 'Upload-Metadata', 'checksum must be a SHA-256 in hex');
      }
      const body = bodyOf(request);
      const withUpload = body !== undefined && (header(request, 'content-type') ?? '').toLowerCase().startsWith(OFFSET_TYPE);
      const state = await createTusUpload(
        ctxOf(request),
        {
          length,
          fileName,
          checksum: meta.checksum,
          target: {
            fileLocation: meta.file_location,
            name: meta.filename !== undefined ? meta.name : undefined,
            description: meta.description,
            assetId: meta.asset_id,
          },
        },
        withUpload ? { body, contentLength: integerHeader(request, 'Content-Length', false) } : undefined,
      );
      // The URL as the client sent it (`/v1/...` included), so the upload's location keeps the client's prefix.
      const path = request.originalUrl.split('?')[0]?.replace(/\/$/, '') ?? '/workspaces/assets/tus';
      sendState(reply, state);
      return reply.status(201).header('location', `${base(request)}${path}/${state.session.id}`).send(null);
    },
  );

  app.head(
    '/workspaces/assets/tus/:upload_id',
    { config: { scope: 'workspace' }, schema: { tags, summary: 'tus: upload offset', params: TusParams } },
    async (request, reply) => {
      const state = await getTusUpload(ctxOf(request), request.params.upload_id);
      sendState(reply, state);
      return reply
        .status(200)
        .headers({ 'upload-length': String(state.session.declared_size ?? 0), 'cache-control': 'no-store' })
        .send(null);
    },
  );

  app.patch(
    '/workspaces/assets/tus/:upload_id',
    {
      config: { scope: 'workspace' },
      bodyLimit: limit,
      schema: {
        tags,
        summary: 'tus: append a chunk',
        description:
          '`Upload-Offset` must equal the current offset (else 409). 204 with the new `Upload-Offset`; the PATCH that ' +
          'completes the upload commits it and adds `Atelier-Asset-Id` and `Atelier-Version-Id`. `Atelier-Checksum` ' +
          '(Atelier: the whole file\'s SHA-256, hex) declares the checksum on any PATCH up to the last, for a client ' +
          'that hashes while it sends; it is checked at completion as one given at creation (a different one: 409). ' +
          'A PATCH while another request is still writing to the same upload is 423 `upload_locked` (HEAD, then retry). ' +
          'A PATCH cut short keeps what arrived on the disk store (a 408 for a stalled body carries the new Upload-Offset).',
        params: TusParams,
        response: { 204: Type.Null({ description: 'Stored; see Upload-Offset' }), ...authErrors, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 423: ErrorBody },
      },
    },
    async (request, reply) => {
      const offset = integerHeader(request, 'Upload-Offset', true);
      const state = await appendTusChunk(ctxOf(request), {
        id: request.params.upload_id,
        offset,
        body: requireOffsetStream(request),
        contentLength: integerHeader(request, 'Content-Length', false),
        checksum: checksumHeader(request),
      });
      sendState(reply, state);
      // A body the server cut off (idle past the timeout): what arrived is kept, but the request still failed; its
      // 408 carries the new Upload-Offset.
      const cutOff = requestBodyFailure(request);
      if (cutOff) {
        throw cutOff;
      }
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/workspaces/assets/tus/:upload_id',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'tus: terminate an upload', params: TusParams, response: { 204: Type.Null({ description: 'Terminated' }), ...authErrors, 409: ErrorBody } },
    },
    async (request, reply) => {
      await terminateTusUpload(ctxOf(request), request.params.upload_id);
      return reply.status(204).send(null);
    },
  );
};
