import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { contentDisposition } from '../../../blobs/content-disposition.js';
import {
  deleteAttachment,
  listAttachments,
  openAttachment,
  openAttachmentThumbnail,
  uploadAttachment,
  type AttachmentFile,
} from '../../../domain/attachments/attachments.service.js';
import { errors } from '../../../domain/errors.js';
import { ctxOf } from '../../plugins/auth.js';
import { readMultipart } from '../../plugins/multipart.js';
import { AssetParams } from './assets.schemas.js';
import { presentAttachment } from './attachments.present.js';
import { Attachment, ATTACHMENT_FORM_DESCRIPTION, AttachmentParams, FileBody } from './attachments.schemas.js';
import { authErrors, ErrorBody, Ok } from './common.schemas.js';

const tags = ['Attachments'];

const optional = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v.trim());

/** Sends stored bytes as a download whose name cannot inject header parameters; never rendered by the browser. */
function sendFile(reply: FastifyReply, file: AttachmentFile, disposition: 'attachment' | 'inline'): FastifyReply {
  void reply
    .type(file.contentType)
    .header('content-disposition', contentDisposition(file.fileName, disposition))
    .header('etag', file.etag)
    .header('cache-control', 'private, max-age=3600')
    .header('x-content-type-options', 'nosniff');
  if (file.size !== undefined) {
    void reply.header('content-length', String(file.size));
  }
  return reply.send(file.stream);
}

/** Files attached to an asset, optionally on a review or a comment (Mudstack §5.6). */
export const attachmentsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/workspaces/assets/:asset_id/attachments',
    {
      config: { scope: 'workspace' },
      bodyLimit: app.deps.config.uploads.maxBytes,
      schema: {
        tags,
        summary: 'Upload an attachment',
        description: ATTACHMENT_FORM_DESCRIPTION,
        params: AssetParams,
        response: { 201: Attachment, ...authErrors, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody },
      },
    },
    async (request, reply) => {
      const view = await uploadAttachment(ctxOf(request), request.params.asset_id, async (receive) => {
        if (!request.isMultipart()) {
          throw errors.unsupportedMedia('Send the attachment as multipart/form-data with a `file` part.');
        }
        const form = await readMultipart(request, (stream, info) => receive(stream, info.filename));
        const f = form.fields;
        return { file: form.file, name: optional(f.name), description: f.description, reviewId: optional(f.review_id), commentId: optional(f.comment_id) };
      });
      return reply.status(201).send(presentAttachment(view));
    },
  );

  app.get(
    '/workspaces/assets/:asset_id/attachments',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'List the asset\'s attachments (oldest first)', params: AssetParams, response: { 200: Type.Array(Attachment), ...authErrors } },
    },
    async (request) => (await listAttachments(ctxOf(request), request.params.asset_id)).map(presentAttachment),
  );

  app.get(
    '/workspaces/assets/:asset_id/attachments/:attachment_id/download',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Download an attachment (the bytes as uploaded; Content-Disposition: attachment)',
        params: AttachmentParams,
        response: { 200: FileBody, ...authErrors },
      },
    },
    async (request, reply) => sendFile(reply, await openAttachment(ctxOf(request), request.params.asset_id, request.params.attachment_id), 'attachment'),
  );

  app.get(
    '/workspaces/assets/:asset_id/attachments/:attachment_id/thumbnail',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'The attachment\'s 256 px WebP thumbnail (404 thumbnail_not_found until made; images only)',
        params: AttachmentParams,
        response: { 200: FileBody, ...authErrors },
      },
    },
    async (request, reply) =>
      sendFile(reply, await openAttachmentThumbnail(ctxOf(request), request.params.asset_id, request.params.attachment_id), 'inline'),
  );

  app.delete(
    '/workspaces/assets/:asset_id/attachments/:attachment_id',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'Delete an attachment (its uploader or a workspace admin)', params: AttachmentParams, response: { 200: Ok, ...authErrors } },
    },
    async (request) => {
      await deleteAttachment(ctxOf(request), request.params.asset_id, request.params.attachment_id);
      return { ok: true };
    },
  );
};
