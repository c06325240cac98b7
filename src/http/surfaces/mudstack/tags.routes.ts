import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { addAssetTag, addAssetTags, getAssetTag, listAssetTags, removeAssetTag } from '../../../domain/tags/asset-tags.service.js';
import { createTag, deleteTag, listWorkspaceTags, updateTag } from '../../../domain/tags/tags.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { AssetParams } from './assets.schemas.js';
import { authErrors, ErrorBody, Ok } from './common.schemas.js';
import { presentTag } from './tags.present.js';
import { AssetTagParams, AssetTagsBody, Tag, TagCreateBody, TagParams, TagUpdateBody } from './tags.schemas.js';

const tags = ['Tags'];
const config = { scope: 'workspace' } as const;
const writeErrors = { ...authErrors, 409: ErrorBody } as const;

/** Workspace tags (Mudstack §4) and asset tags (§5.4). */
export const tagsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/tags',
    { config, schema: { tags, summary: 'List the workspace tags (by name)', response: { 200: Type.Array(Tag), ...authErrors } } },
    async (request) => (await listWorkspaceTags(ctxOf(request))).map(presentTag),
  );

  app.post(
    '/workspaces/tags',
    {
      config,
      schema: {
        tags,
        summary: 'Create a tag',
        description: 'Names are unique per workspace, case-insensitively (409 `tag_name_taken`). `color` defaults to #9CA3AF.',
        body: TagCreateBody,
        response: { 200: Tag, ...writeErrors },
      },
    },
    async (request) => presentTag(await createTag(ctxOf(request), request.body)),
  );

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/workspaces/tags/:tag_id',
      config,
      schema: { tags, summary: 'Rename and/or recolour a tag', params: TagParams, body: TagUpdateBody, response: { 200: Tag, ...writeErrors } },
      handler: async (request) => presentTag(await updateTag(ctxOf(request), request.params.tag_id, request.body)),
    });
  }

  app.delete(
    '/workspaces/tags/:tag_id',
    { config, schema: { tags, summary: 'Delete a tag (it is removed from every asset)', params: TagParams, response: { 200: Ok, ...authErrors } } },
    async (request) => {
      await deleteTag(ctxOf(request), request.params.tag_id);
      return { ok: true };
    },
  );

  app.get(
    '/workspaces/assets/:asset_id/tags',
    { config, schema: { tags, summary: 'Tags on an asset', params: AssetParams, response: { 200: Type.Array(Tag), ...authErrors } } },
    async (request) => (await listAssetTags(ctxOf(request), request.params.asset_id)).map(presentTag),
  );

  app.post(
    '/workspaces/assets/:asset_id/tags',
    {
      config,
      schema: {
        tags,
        summary: 'Add tags to an asset',
        description:
          '`tag_ids` (tags of this workspace; any unknown id is 404 and nothing is written) and/or `names` (matched ' +
          'case-insensitively; missing tags are created). Already attached tags are left as they are. Returns the asset\'s tags.',
        params: AssetParams,
        body: AssetTagsBody,
        response: { 200: Type.Array(Tag), ...writeErrors },
      },
    },
    async (request) => {
      const b = request.body;
      return (await addAssetTags(ctxOf(request), request.params.asset_id, { tagIds: b.tag_ids, names: b.names })).map(presentTag);
    },
  );

  app.get(
    '/workspaces/assets/:asset_id/tags/:tag_id',
    { config, schema: { tags, summary: 'One tag on an asset (404 when not attached)', params: AssetTagParams, response: { 200: Tag, ...authErrors } } },
    async (request) => presentTag(await getAssetTag(ctxOf(request), request.params.asset_id, request.params.tag_id)),
  );

  app.post(
    '/workspaces/assets/:asset_id/tags/:tag_id',
    { config, schema: { tags, summary: 'Attach one tag to an asset', params: AssetTagParams, response: { 200: Tag, ...writeErrors } } },
    async (request) => presentTag(await addAssetTag(ctxOf(request), request.params.asset_id, request.params.tag_id)),
  );

  app.delete(
    '/workspaces/assets/:asset_id/tags/:tag_id',
    {
      config,
      schema: { tags, summary: 'Detach one tag from an asset (not attached: nothing changes)', params: AssetTagParams, response: { 200: Ok, ...writeErrors } },
    },
    async (request) => {
      await removeAssetTag(ctxOf(request), request.params.asset_id, request.params.tag_id);
      return { ok: true };
    },
  );
};
