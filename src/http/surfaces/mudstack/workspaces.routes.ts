import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { errors } from '../../../domain/errors.js';
import {
  createWorkspace,
  deleteWorkspace,
  getCurrentWorkspace,
  getWorkspaceThumbnail,
  getWorkspaceUsage,
  listWorkspaceHistory,
  updateWorkspace,
  type WorkspaceFields,
} from '../../../domain/workspaces/workspaces.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { readMultipart } from '../../plugins/multipart.js';
import { authErrors, ErrorBody, Ok, PageQuery } from './common.schemas.js';
import { presentWorkspace, presentWorkspaceHistory } from './workspaces.present.js';
import {
  Workspace,
  WorkspaceBodyContent,
  WORKSPACE_FORM_DESCRIPTION,
  WorkspaceHistory,
  WorkspaceJsonBody,
  WorkspaceNameQuery,
  WorkspaceUsage,
} from './workspaces.schemas.js';

const tags = ['Workspaces'];
const uploadErrors = { ...authErrors, 413: ErrorBody, 415: ErrorBody } as const;

/**
 * The name and thumbnail of POST/PUT /workspaces, from any of the forms clients send: query `name`, a multipart
 * `file` + `body` JSON (`{"name":...}`) or a `name` field, or a JSON body `{name}`. The query wins when both are given.
 */
async function readWorkspaceForm(
  request: FastifyRequest,
  queryName: string | undefined,
  storeImage: (image: Readable) => Promise<string>,
): Promise<WorkspaceFields> {
  let fields: WorkspaceFields = {};
  if (request.isMultipart()) {
    const form = await readMultipart(request, (stream) => storeImage(stream));
    const name: unknown = form.body?.name ?? form.fields.name;
    if (name !== undefined && typeof name !== 'string') {
      throw errors.invalidField('body', 'name', 'must be a string');
    }
    fields = { name, nameIn: 'body', thumbnailKey: form.file };
  } else if (request.body !== undefined && Value.Check(WorkspaceJsonBody, request.body)) {
    fields = { name: request.body.name, nameIn: 'body' };
  }
  return queryName === undefined ? fields : { ...fields, name: queryName, nameIn: 'query' };
}

/** Mudstack §4: the workspace named by x-workspace-id (POST creates one in the account named by x-account-id). */
export const workspacesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'Get the current workspace', response: { 200: Workspace, ...authErrors } },
    },
    async (request) => presentWorkspace(await getCurrentWorkspace(ctxOf(request))),
  );

  app.post(
    '/workspaces',
    {
      // Only x-account-id is needed; the spec also lists x-workspace-id, which is accepted and ignored.
      config: { scope: 'account' },
      schema: {
        tags,
        summary: 'Create a workspace (query `name`; optional multipart `file` thumbnail and `body` JSON)',
        description: WORKSPACE_FORM_DESCRIPTION,
        querystring: WorkspaceNameQuery,
        body: WorkspaceBodyContent,
        response: { 200: Workspace, ...uploadErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const view = await createWorkspace(ctx, (store) => readWorkspaceForm(request, request.query.name, store));
      return presentWorkspace(view);
    },
  );

  app.put(
    '/workspaces',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Rename the current workspace and/or replace its thumbnail (multipart `file` + `body` JSON, or JSON)',
        description: WORKSPACE_FORM_DESCRIPTION,
        querystring: WorkspaceNameQuery,
        body: WorkspaceBodyContent,
        response: { 200: Workspace, ...uploadErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const view = await updateWorkspace(ctx, (store) => readWorkspaceForm(request, request.query.name, store));
      return presentWorkspace(view);
    },
  );

  app.delete(
    '/workspaces',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'Delete the current workspace (its history is kept)', response: { 200: Ok, ...authErrors } },
    },
    async (request) => {
      await deleteWorkspace(ctxOf(request));
      return { ok: true };
    },
  );

  app.get(
    '/workspaces/thumbnail',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'The current workspace thumbnail (image/webp)',
        response: { 200: Type.Unsafe<Readable>({ type: 'string', format: 'binary' }), 304: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      const thumb = await getWorkspaceThumbnail(ctxOf(request));
      const etag = `"${thumb.key}"`;
      void reply.header('etag', etag).header('cache-control', 'private, no-cache');
      if (request.headers['if-none-match'] === etag) {
        thumb.stream.destroy();
        return reply.status(304).send(null);
      }
      return reply.type(thumb.contentType).send(thumb.stream);
    },
  );

  app.get(
    '/workspaces/usage',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'Usage counters of the current workspace', response: { 200: WorkspaceUsage, ...authErrors } },
    },
    async (request) => getWorkspaceUsage(ctxOf(request)),
  );

  app.get(
    '/workspaces/history',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Activity of the current workspace, newest first; `x-next-cursor` names the next page',
        querystring: PageQuery,
        response: { 200: Type.Array(WorkspaceHistory), ...authErrors },
      },
    },
    async (request, reply) => {
      const page = await listWorkspaceHistory(ctxOf(request), { limit: request.query.limit ?? 100, cursor: request.query.cursor });
      if (page.nextCursor !== null) {
        void reply.header('x-next-cursor', String(page.nextCursor));
      }
      return page.items.map(presentWorkspaceHistory);
    },
  );
};
