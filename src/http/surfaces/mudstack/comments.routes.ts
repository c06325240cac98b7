import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyRequest } from 'fastify';
import { createComment, deleteComment, listComments, updateComment, type CommentInput, type CommentReader } from '../../../domain/comments/comments.service.js';
import { errors, type FieldProblem } from '../../../domain/errors.js';
import { ctxOf } from '../../plugins/auth.js';
import { readMultipart } from '../../plugins/multipart.js';
import { AssetParams } from './assets.schemas.js';
import { authErrors, ErrorBody, Ok } from './common.schemas.js';
import { presentComment } from './comments.present.js';
import {
  Comment,
  COMMENT_FORM_DESCRIPTION,
  CommentBody,
  CommentBodyContent,
  CommentListQuery,
  CommentParams,
  CommentUpdateBody,
  type CommentBodyJson,
} from './comments.schemas.js';

const tags = ['Comments'];

export const commentInput = (b: CommentBodyJson, part: FieldProblem['in']): CommentInput => ({
  content: b.content,
  assetVersionId: b.asset_version_id,
  parentId: b.parent_id,
  mentions: b.mentions,
  viewerMetadata: b.viewer_metadata,
  files: b.files,
  part,
});

/** A list sent as a form field: a JSON array, or comma-separated. */
export function formList(value: string | undefined): string[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) {
        return parsed.map((v) => String(v));
      }
    } catch {
      // Falls through to the comma-separated reading.
    }
  }
  return trimmed.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

/** Multipart fields (or the `body` JSON field) checked with the JSON body's schema. */
function checkFormBody(form: { fields: Record<string, string>; body: Record<string, unknown> | undefined }): CommentBodyJson {
  const f = form.fields;
  const candidate: Record<string, unknown> = form.body ?? {
    ...(f.content !== undefined ? { content: f.content } : {}),
    ...(f.asset_version_id ? { asset_version_id: f.asset_version_id } : {}),
    ...(f.parent_id ? { parent_id: f.parent_id } : {}),
    ...(f.mentions !== undefined ? { mentions: formList(f.mentions) } : {}),
    ...(f.files !== undefined ? { files: formList(f.files) } : {}),
    ...(f.viewer_metadata !== undefined ? { viewer_metadata: f.viewer_metadata } : {}),
  };
  const problems: FieldProblem[] = [...Value.Errors(CommentBody, candidate)].map((e) => ({ in: 'body', pointer: e.path || '/', message: e.message }));
  if (problems[0]) {
    throw errors.invalid('validation_failed', `Invalid body${problems[0].pointer.replace(/\//g, '.')}: ${problems[0].message}.`, problems);
  }
  return candidate as CommentBodyJson;
}

/** A JSON body, or a multipart form whose `file` part is streamed into the blob store as it is read. */
function commentReader(request: FastifyRequest, body: CommentBodyJson | undefined): CommentReader {
  return async (receive) => {
    if (!request.isMultipart()) {
      return { input: commentInput(body ?? {}, 'body') };
    }
    const form = await readMultipart(request, (stream, info) => receive(stream, info.filename));
    return { input: commentInput(checkFormBody(form), 'body'), file: form.file };
  };
}

/** Comments on an asset or a version (Mudstack §5.6), with replies, @mentions and attachments. */
export const commentsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/assets/:asset_id/comments',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'List comments (flat, oldest first; replies carry parent_id)',
        params: AssetParams,
        querystring: CommentListQuery,
        response: { 200: Type.Array(Comment), ...authErrors },
      },
    },
    async (request) => (await listComments(ctxOf(request), request.params.asset_id, { versionId: request.query.asset_version_id })).map(presentComment),
  );

  app.post(
    '/workspaces/assets/:asset_id/comments',
    {
      config: { scope: 'workspace' },
      bodyLimit: app.deps.config.uploads.maxBytes,
      schema: {
        tags,
        summary: 'Create a comment or a reply',
        description: COMMENT_FORM_DESCRIPTION,
        params: AssetParams,
        body: CommentBodyContent,
        response: { 201: Comment, ...authErrors, 409: ErrorBody, 413: ErrorBody },
      },
    },
    async (request, reply) => {
      const view = await createComment(ctxOf(request), request.params.asset_id, commentReader(request, request.body as CommentBodyJson | undefined));
      return reply.status(201).send(presentComment(view));
    },
  );

  app.put(
    '/workspaces/assets/:asset_id/comments/:comment_id',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Edit a comment (author only)',
        params: CommentParams,
        body: CommentUpdateBody,
        response: { 200: Comment, ...authErrors, 409: ErrorBody },
      },
    },
    async (request) => {
      const { asset_id, comment_id } = request.params;
      return presentComment(await updateComment(ctxOf(request), asset_id, comment_id, commentInput(request.body, 'body')));
    },
  );

  app.delete(
    '/workspaces/assets/:asset_id/comments/:comment_id',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Delete a comment (author or workspace admin; replies are kept, the comment shows deleted_at)',
        params: CommentParams,
        response: { 200: Ok, ...authErrors },
      },
    },
    async (request) => {
      await deleteComment(ctxOf(request), request.params.asset_id, request.params.comment_id);
      return { ok: true };
    },
  );
};
