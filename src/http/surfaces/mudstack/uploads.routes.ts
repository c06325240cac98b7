import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Readable } from 'node:stream';
import { commitPresignedUpload, createUploadUrl, receiveSignedPut } from '../../../domain/uploads/presigned.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { presentAsset } from './assets.present.js';
import { Asset } from './assets.schemas.js';
import { acceptRawBodies, contentLength } from './assets.upload.js';
import { authErrors, ErrorBody } from './common.schemas.js';
import { CommitUploadBody, SignedPutParams, SignedPutQuery, UploadUrl, UploadUrlBody } from './uploads.schemas.js';

const tags = ['Uploading'];

/** Mudstack §5.2: the 3-step upload (get an upload URL, PUT the bytes, commit), plus Atelier's signed PUT target. */
export const uploadsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  acceptRawBodies(app);

  app.post(
    '/workspaces/assets/upload',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Get upload url',
        description:
          'Starts an upload session. PUT the raw bytes to `signed_url` (an S3 presigned URL, or on the disk store an ' +
          'HMAC-signed URL to Atelier itself; any or no Content-Type), then commit with POST /workspaces/assets/upload/assets ' +
          'and `temp_file_key` = `key`. The URL and the session expire after UPLOAD_URL_EXPIRY_SECONDS.',
        body: UploadUrlBody,
        response: { 200: UploadUrl, ...authErrors, 413: ErrorBody },
      },
    },
    async (request) => {
      const b = request.body;
      const out = await createUploadUrl(ctxOf(request), {
        fileName: b.name,
        size: b.size,
        checksum: b.checksum,
        requestBaseUrl: `${request.protocol}://${request.host}`,
      });
      return { signed_url: out.signedUrl, key: out.key, expires_at: out.expiresAt };
    },
  );

  app.put(
    '/uploads/:session_id',
    {
      // No token: the URL's signature is the capability (HMAC over method, path and expiry).
      config: { scope: 'public' },
      bodyLimit: app.deps.config.uploads.maxBytes,
      // The real client sends `Content-Type:` (empty), which Fastify would refuse as a malformed media type (415):
      // treat it as absent so the raw-body parser takes the stream.
      onRequest: async (request) => {
        if (request.headers['content-type']?.trim() === '') {
          delete request.headers['content-type'];
        }
      },
      schema: {
        tags,
        summary: 'Signed upload target (disk store)',
        description: 'The `signed_url` of the disk store: 204 when stored. Forged or expired signature: 403. Replaces earlier bytes until commit.',
        params: SignedPutParams,
        querystring: SignedPutQuery,
        response: { 204: Type.Null({ description: 'Stored' }), 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody },
      },
    },
    async (request, reply) => {
      const body = request.body instanceof Readable ? request.body : Readable.from([]);
      const { size } = await receiveSignedPut(request.server.deps, {
        sessionId: request.params.session_id,
        expires: request.query.expires,
        sig: request.query.sig,
        body,
        contentLength: contentLength(request),
      });
      return reply.status(204).header('atelier-received-bytes', String(size)).send(null);
    },
  );

  app.post(
    '/workspaces/assets/upload/assets',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Create asset from an uploaded file',
        description:
          'Step 3 of the upload: adopts the bytes PUT to the signed URL and commits them as a new asset (or a new version ' +
          'of the asset at the same folder + file name, or of `asset_id`). `checksum` (or the one given in step 1) and ' +
          'the step-1 `size` are verified; a mismatch discards the bytes. Committing again returns the same asset ' +
          '(idempotent until the session expires). Expired session: 404 `upload_expired`; nothing PUT yet: 409.',
        body: CommitUploadBody,
        response: { 200: Asset, ...authErrors, 409: ErrorBody, 413: ErrorBody, 423: ErrorBody },
      },
    },
    async (request) => {
      const b = request.body;
      const view = await commitPresignedUpload(ctxOf(request), {
        key: b.temp_file_key,
        originalFileName: b.original_file_name,
        fileLocation: b.file_location,
        name: b.name,
        description: b.description,
        assetId: b.asset_id,
        checksum: b.checksum,
      });
      return presentAsset(view);
    },
  );
};
