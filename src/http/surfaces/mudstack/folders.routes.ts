import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  createFolder,
  deleteFolder,
  folderHierarchy,
  folderStats,
  getFolder,
  getFolderByPath,
  listFolderAssets,
  updateFolder,
  type CreateFolderInput,
} from '../../../domain/folders/folders.service.js';
import { errors, type FieldProblem } from '../../../domain/errors.js';
import { ctxOf } from '../../plugins/auth.js';
import { presentAsset } from './assets.present.js';
import { Asset } from './assets.schemas.js';
import { authErrors, ErrorBody, Ok } from './common.schemas.js';
import { presentFolder, presentFolderNode, presentFolderStats } from './folders.present.js';
import { CreateFolderBody, DeleteFolderQuery, Folder, FolderNode, FolderParams, FolderPatch, FolderPathQuery, FolderStats } from './folders.schemas.js';

const tags = ['Folders'];

/** `?folder=` or its `?path=` alias; absent when neither is given. */
const pathOf = (q: { folder?: string | undefined; path?: string | undefined }): string | undefined => q.folder ?? q.path;

function requirePath(q: { folder?: string | undefined; path?: string | undefined }): string {
  const path = pathOf(q);
  if (path === undefined) {
    throw errors.invalidField('query', 'folder', 'is required');
  }
  return path;
}

/** POST's path: the first of `?folder`, `?path`, body `path`, body `folder` sent, with the field a bad one is reported at. */
function createPathOf(q: { folder?: string | undefined; path?: string | undefined }, body: { path?: string | undefined; folder?: string | undefined }): CreateFolderInput {
  const sent: Array<[FieldProblem['in'], string, string | undefined]> = [['query', 'folder', q.folder], ['query', 'path', q.path], ['body', 'path', body.path], ['body', 'folder', body.folder]];
  const [part, name, path] = sent.find(([, , value]) => value !== undefined) ?? ['query', 'folder', undefined];
  return { path, pathField: { in: part, name } };
}

/**
 * Mudstack §4 Folders. Folders are rows with ids (so empty folders exist); an asset's `file_location` is its folder's
 * path. Reads need asset.read, writes organise.manage (editors and admins).
 */
export const foldersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/workspaces/folders',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Create folder',
        description:
          'The path comes as `?folder=/A/B` (what real clients send, with no body), or as JSON `{"path"}` / `{"folder"}`, ' +
          'or as `{"name", "parent_id"}`. Missing parents are created too. Creating a path that exists returns that ' +
          'folder, also with 200, so clients that create parents one level at a time can repeat themselves safely.',
        querystring: FolderPathQuery,
        body: CreateFolderBody,
        response: { 200: Folder, ...authErrors },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      const { folder } = await createFolder(ctxOf(request), {
        ...createPathOf(request.query, body),
        name: body.name,
        parentId: body.parent_id,
      });
      return presentFolder(folder);
    },
  );

  for (const url of ['/workspaces/folders', '/workspace/folders']) {
    app.get(
      url,
      {
        config: { scope: 'workspace' },
        schema: {
          tags,
          summary: url === '/workspace/folders' ? 'Get folder by path (the reference page\'s singular path)' : 'Get folder by path',
          description:
            'The folder at `?folder=/A/B`. The reference page lists `GET /workspace/folders` (singular) and documents an ' +
            'Asset response, which reads as a documentation slip: both paths answer the Folder.',
          querystring: FolderPathQuery,
          response: { 200: Folder, ...authErrors },
        },
      },
      async (request) => presentFolder(await getFolderByPath(ctxOf(request), requirePath(request.query))),
    );
  }

  app.get(
    '/workspaces/folders/hierarchy',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Folder tree',
        description: 'Top-level folders with their `children`, siblings by name; `asset_count` counts live assets directly in each folder.',
        response: { 200: Type.Array(FolderNode), ...authErrors },
      },
    },
    async (request) => (await folderHierarchy(ctxOf(request))).map(presentFolderNode),
  );

  app.get(
    '/workspaces/folders/stats',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Folder statistics',
        description: '`?folder=/` (the default) is the workspace root and always answers; clients call it to check their credentials.',
        querystring: FolderPathQuery,
        response: { 200: FolderStats, ...authErrors },
      },
    },
    async (request) => presentFolderStats(await folderStats(ctxOf(request), pathOf(request.query))),
  );

  app.get(
    '/workspaces/folders/:folder_id',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'Get folder', params: FolderParams, response: { 200: Folder, ...authErrors } },
    },
    async (request) => presentFolder(await getFolder(ctxOf(request), request.params.folder_id)),
  );

  app.get(
    '/workspaces/folders/:folder_id/assets',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Assets in a folder (Atelier)',
        description: 'The live assets directly in the folder (not in its subfolders), by file name.',
        params: FolderParams,
        response: { 200: Type.Array(Asset), ...authErrors },
      },
    },
    async (request) => (await listFolderAssets(ctxOf(request), request.params.folder_id)).map(presentAsset),
  );

  app.put(
    '/workspaces/folders/:folder_id',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Move or rename folder',
        description:
          '`path` (or `folder`) moves the folder to that full path; `name` renames it (at its destination when given ' +
          'with `path` or `parent_id`); `parent_id` moves it under another folder (null: the root). Subfolders and the ' +
          'assets inside move with it in one transaction. A move into its own subtree is 400, onto an existing folder ' +
          '409, and while an asset inside is locked by someone else 423.',
        params: FolderParams,
        body: FolderPatch,
        response: { 200: Folder, ...authErrors, 409: ErrorBody, 423: ErrorBody },
      },
    },
    async (request) => {
      const b = request.body;
      const folder = await updateFolder(ctxOf(request), request.params.folder_id, { path: b.path ?? b.folder, name: b.name, parentId: b.parent_id });
      return presentFolder(folder);
    },
  );

  app.delete(
    '/workspaces/folders/:folder_id',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Delete folder',
        description: 'Only an empty folder (409 folder_not_empty), unless `?recursive=true`: then its live assets go to the trash and its subfolders are deleted.',
        params: FolderParams,
        querystring: DeleteFolderQuery,
        response: { 200: Ok, ...authErrors, 409: ErrorBody, 423: ErrorBody },
      },
    },
    async (request) => {
      await deleteFolder(ctxOf(request), request.params.folder_id, { recursive: request.query.recursive ?? false });
      return { ok: true };
    },
  );
};
