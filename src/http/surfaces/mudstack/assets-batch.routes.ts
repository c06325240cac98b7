import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { BatchManifest } from './assets-batch.schemas.js';
import { Value } from '@sinclair/typebox/value';
import { BATCH_MAX_FILES, uploadAssetBatch, type BatchEntry } from '../../../domain/assets/asset-batch.service.js';
import { errors, type FieldProblem } from '../../../domain/errors.js';
import { ctxOf } from '../../plugins/auth.js';
import { readMultipartParts } from '../../plugins/multipart.js';
import { assertJsonInput } from '../../plugins/json-body.js';
import { assertNoNul } from '../../plugins/reject-nul.js';
import { authErrors, ErrorBody } from './common.schemas.js';
import { presentAsset } from './assets.present.js';
import { Asset } from './assets.schemas.js';
import { contentLength } from './assets.upload.js';

const tags = ['Assets'];
/** The `manifest` field: JSON, checked like a JSON body (schema, reserved keys, NUL). */
function parseManifest(raw: string): BatchEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw errors.invalidField('body', 'manifest', 'must be a JSON array');
  }
  assertJsonInput(parsed, 'body', '/manifest');
  assertNoNul(parsed, 'body', '/manifest');
  const problems: FieldProblem[] = [...Value.Errors(BatchManifest, parsed)].map((e) => ({ in: 'body', pointer: `/manifest${e.path}`, message: e.message }));
  const first = problems[0];
  if (first) {
    throw errors.invalid('validation_failed', `Invalid body${first.pointer.replace(/\//g, '.')}: ${first.message}.`, problems);
  }
  return (parsed as Static<typeof BatchManifest>).map((e) => ({
    fileName: e.file_name,
    fileLocation: e.file_location,
    name: e.name,
    description: e.description,
    versionName: e.version_name,
    versionDescription: e.version_description,
    checksum: e.checksum?.toLowerCase(),
    size: e.size,
  }));
}

/** Atelier: several small files in one request and one transaction (docs/api-core.md, "Batch upload"). */
export const assetsBatchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/workspaces/assets/batch',
    {
      config: { scope: 'workspace' },
      bodyLimit: app.deps.config.uploads.maxBytes,
      schema: {
        tags,
        summary: 'Upload several files in one request (Atelier)',
        description:
          `multipart/form-data: a \`manifest\` field first (a JSON array of 1 to ${BATCH_MAX_FILES} entries with the single ` +
          'upload\'s fields: `file_name` required, `file_location`, `name`, `description`, `version_name`, ' +
          '`version_description`, `checksum` (SHA-256 hex) and `size`), then one `file` part per entry, in order. Each file ' +
          'is checked as a single upload is (upload limit, size, checksum, names; the same name in the same folder is a ' +
          'new version) and all are committed in one transaction: one refused file refuses the batch and nothing is ' +
          'written. Answers the assets in manifest order.',
        response: { 201: Type.Array(Asset), ...authErrors, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 423: ErrorBody },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw errors.unsupportedMedia('Send the batch as multipart/form-data: a `manifest` field, then one `file` part per entry.');
      }
      let index = 0;
      let seenManifest = false;
      const views = await uploadAssetBatch(ctxOf(request), {
        bodyBytes: contentLength(request),
        read: (handlers) =>
          readMultipartParts(request, BATCH_MAX_FILES, {
            onField(name, value) {
              if (name !== 'manifest') {
                return;
              }
              if (seenManifest || index > 0) {
                throw errors.invalidField('body', 'manifest', 'must come once, before the files');
              }
              seenManifest = true;
              handlers.manifest(parseManifest(value));
            },
            onFile: (stream) => handlers.file(index++, stream),
          }),
      });
      return reply.status(201).send(views.map(presentAsset));
    },
  );
};
