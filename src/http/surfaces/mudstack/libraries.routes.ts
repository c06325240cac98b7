import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { errors } from '../../../domain/errors.js';
import {
  addAssetsToLibrary,
  addAssetToLibrary,
  listAssetLibraries,
  listLibraryAssets,
  removeAssetFromLibrary,
} from '../../../domain/libraries/library-assets.service.js';
import {
  createLibrary,
  deleteLibrary,
  getLibrary,
  getLibraryThumbnail,
  listLibraries,
  updateLibrary,
  type LibraryFields,
} from '../../../domain/libraries/libraries.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { readMultipart } from '../../plugins/multipart.js';
import { presentAsset } from './assets.present.js';
import { Asset, AssetParams } from './assets.schemas.js';
import { authErrors, ErrorBody, Ok, PageQuery } from './common.schemas.js';
import { presentLibrary } from './libraries.present.js';
import {
  AssetIdsBody,
  LIBRARY_FORM_DESCRIPTION,
  Library,
  LibraryAssetParams,
  LibraryBodyContent,
  LibraryJsonBody,
  LibraryParams,
} from './libraries.schemas.js';

const tags = ['Libraries'];
const config = { scope: 'workspace' } as const;
const uploadErrors = { ...authErrors, 413: ErrorBody, 415: ErrorBody } as const;

function optionalString(value: unknown, field: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') {
    throw errors.invalidField('body', field, 'must be a string');
  }
  return value;
}

/** Library fields from multipart (`name`, `description`, `file`, or a `body` JSON part) or a JSON body. */
async function readLibraryForm(request: FastifyRequest, storeImage: (image: Readable) => Promise<string>): Promise<LibraryFields> {
  if (request.isMultipart()) {
    const form = await readMultipart(request, (stream) => storeImage(stream));
    return {
      name: optionalString(form.body?.name ?? form.fields.name, 'name'),
      description: optionalString(form.body?.description ?? form.fields.description, 'description'),
      fieldsIn: 'body',
      thumbnailKey: form.file,
    };
  }
  if (request.body !== undefined && Value.Check(LibraryJsonBody, request.body)) {
    return { name: request.body.name, description: request.body.description, fieldsIn: 'body' };
  }
  return {};
}

/** Workspace libraries (Mudstack §4) and the asset's libraries (§5.6). */
export const librariesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/libraries',
    { config, schema: { tags, summary: 'List libraries', response: { 200: Type.Array(Library), ...authErrors } } },
    async (request) => (await listLibraries(ctxOf(request))).map(presentLibrary),
  );

  app.post(
    '/workspaces/libraries',
    {
      config,
      schema: { tags, summary: 'Create a library', description: LIBRARY_FORM_DESCRIPTION, body: LibraryBodyContent, response: { 200: Library, ...uploadErrors } },
    },
    async (request) => presentLibrary(await createLibrary(ctxOf(request), (store) => readLibraryForm(request, store))),
  );

  app.get(
    '/workspaces/libraries/:library_id',
    { config, schema: { tags, summary: 'Get a library', params: LibraryParams, response: { 200: Library, ...authErrors } } },
    async (request) => presentLibrary(await getLibrary(ctxOf(request), request.params.library_id)),
  );

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/workspaces/libraries/:library_id',
      config,
      schema: {
        tags,
        summary: 'Update a library (name, description, thumbnail)',
        description: LIBRARY_FORM_DESCRIPTION,
        params: LibraryParams,
        body: LibraryBodyContent,
        response: { 200: Library, ...uploadErrors },
      },
      handler: async (request) =>
        presentLibrary(await updateLibrary(ctxOf(request), request.params.library_id, (store) => readLibraryForm(request, store))),
    });
  }

  app.delete(
    '/workspaces/libraries/:library_id',
    { config, schema: { tags, summary: 'Delete a library (its assets stay)', params: LibraryParams, response: { 200: Ok, ...authErrors } } },
    async (request) => {
      await deleteLibrary(ctxOf(request), request.params.library_id);
      return { ok: true };
    },
  );

  app.get(
    '/workspaces/libraries/:library_id/thumbnail',
    {
      config,
      schema: {
        tags,
        summary: 'The library thumbnail (image/webp)',
        params: LibraryParams,
        response: { 200: Type.Unsafe<Readable>({ type: 'string', format: 'binary' }), 304: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      const thumb = await getLibraryThumbnail(ctxOf(request), request.params.library_id);
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
    '/workspaces/libraries/:library_id/assets',
    {
      config,
      schema: {
        tags,
        summary: 'The library\'s assets, most recently added first; trashed ones left out',
        description: 'The next page\'s cursor is in the `x-next-cursor` header.',
        params: LibraryParams,
        querystring: PageQuery,
        response: { 200: Type.Array(Asset), ...authErrors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await listLibraryAssets(ctxOf(request), request.params.library_id, { limit: q.limit ?? 100, cursor: q.cursor });
      if (page.nextCursor !== null) {
        void reply.header('x-next-cursor', String(page.nextCursor));
      }
      return page.items.map(presentAsset);
    },
  );

  app.post(
    '/workspaces/libraries/:library_id/assets',
    {
      config,
      schema: {
        tags,
        summary: 'Add assets to a library',
        description: 'Every id must be a live asset of this workspace (else 404/409 and nothing is written). Returns those assets.',
        params: LibraryParams,
        body: AssetIdsBody,
        response: { 200: Type.Array(Asset), ...authErrors, 409: ErrorBody },
      },
    },
    async (request) => (await addAssetsToLibrary(ctxOf(request), request.params.library_id, request.body.asset_ids)).map(presentAsset),
  );

  app.delete(
    '/workspaces/libraries/:library_id/assets/:asset_id',
    { config, schema: { tags, summary: 'Remove an asset from a library', params: LibraryAssetParams, response: { 200: Ok, ...authErrors } } },
    async (request) => {
      await removeAssetFromLibrary(ctxOf(request), request.params.asset_id, request.params.library_id);
      return { ok: true };
    },
  );

  app.get(
    '/workspaces/assets/:asset_id/libraries',
    { config, schema: { tags, summary: 'Libraries holding the asset', params: AssetParams, response: { 200: Type.Array(Library), ...authErrors } } },
    async (request) => (await listAssetLibraries(ctxOf(request), request.params.asset_id)).map(presentLibrary),
  );

  app.post(
    '/workspaces/assets/:asset_id/libraries/:library_id',
    {
      config,
      schema: {
        tags,
        summary: 'Add the asset to a library; returns the libraries holding it',
        params: LibraryAssetParams,
        response: { 200: Type.Array(Library), ...authErrors, 409: ErrorBody },
      },
    },
    async (request) => (await addAssetToLibrary(ctxOf(request), request.params.asset_id, request.params.library_id)).map(presentLibrary),
  );

  app.delete(
    '/workspaces/assets/:asset_id/libraries/:library_id',
    { config, schema: { tags, summary: 'Remove the asset from a library', params: LibraryAssetParams, response: { 200: Ok, ...authErrors } } },
    async (request) => {
      await removeAssetFromLibrary(ctxOf(request), request.params.asset_id, request.params.library_id);
      return { ok: true };
    },
  );
};
