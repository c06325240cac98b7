import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { emptyTrash, listTrash, purgeAsset, restoreAsset, restoreAssets, trashAsset, trashAssets } from '../../../domain/trash/trash.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { presentAsset } from './assets.present.js';
import { Asset, AssetParams } from './assets.schemas.js';
import { authErrors, ErrorBody } from './common.schemas.js';
import { DeletedBody, IdsBody, IdsQuery, PurgedBody, TrashQuery } from './trash.schemas.js';

const tags = ['Shared trash'];

const splitIds = (values: readonly string[] | undefined): string[] =>
  (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');

/** Mudstack §5.1 delete / restore and the shared trash (list, restore, purge, empty). */
export const trashRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.delete(
    '/workspaces/assets/:asset_id',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Delete asset (to the shared trash)',
        description: 'Editors and admins. Already in the trash: answered as is. Locked by someone else: 423.',
        params: AssetParams,
        response: { 200: Asset, ...authErrors, 423: ErrorBody },
      },
    },
    async (request) => presentAsset(await trashAsset(ctxOf(request), request.params.asset_id)),
  );

  app.delete(
    '/workspaces/assets',
    {
      config: { scope: 'workspace' },
      // A DELETE without a body (ids in the query) is validated as an empty object.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags,
        summary: 'Delete assets (to the shared trash)',
        description: 'Ids in a JSON body `{ids: [...]}` or as `?ids=`; at most 1,000. All or nothing: one unknown or foreign id is 404 and nothing moves.',
        querystring: IdsQuery,
        body: IdsBody,
        response: { 200: DeletedBody, ...authErrors, 423: ErrorBody },
      },
    },
    async (request) => {
      const ids = [...(request.body.ids ?? []), ...(request.body.asset_ids ?? []), ...splitIds(request.query.ids)];
      return { deleted: await trashAssets(ctxOf(request), ids) };
    },
  );

  app.patch(
    '/workspaces/assets/:asset_id/restore',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Restore asset from the shared trash',
        description: 'When a live asset now has the same folder + file name, the restored one is renamed `name (2).ext` (history records it).',
        params: AssetParams,
        response: { 200: Asset, ...authErrors, 423: ErrorBody },
      },
    },
    async (request) => presentAsset(await restoreAsset(ctxOf(request), request.params.asset_id)),
  );

  app.get(
    '/workspaces/trash',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'List the shared trash (newest deletion first); `x-next-cursor` names the next page',
        querystring: TrashQuery,
        response: { 200: Type.Array(Asset), ...authErrors },
      },
    },
    async (request, reply) => {
      const page = await listTrash(ctxOf(request), { limit: request.query.limit ?? 100, cursor: request.query.cursor });
      if (page.nextCursor !== null) {
        void reply.header('x-next-cursor', page.nextCursor);
      }
      return page.items.map(presentAsset);
    },
  );

  app.post(
    '/workspaces/trash/restore',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Restore assets from the shared trash',
        description: 'JSON `{ids: [...]}`; all or nothing. Answers the restored assets in request order.',
        body: IdsBody,
        response: { 200: Type.Array(Asset), ...authErrors, 423: ErrorBody },
      },
    },
    async (request) => {
      const ids = [...(request.body.ids ?? []), ...(request.body.asset_ids ?? [])];
      return (await restoreAssets(ctxOf(request), ids)).map(presentAsset);
    },
  );

  app.delete(
    '/workspaces/trash/:asset_id',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Purge one asset from the shared trash (admins)',
        description: 'Deletes the asset with its versions for good; history is kept. A live asset is 409. Unreferenced bytes are removed later by the blob sweep.',
        params: AssetParams,
        response: { 200: PurgedBody, ...authErrors, 409: ErrorBody },
      },
    },
    async (request) => ({ purged: await purgeAsset(ctxOf(request), request.params.asset_id) }),
  );

  app.post(
    '/workspaces/trash/empty',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'Empty the shared trash (admins)', response: { 200: PurgedBody, ...authErrors } },
    },
    async (request) => ({ purged: await emptyTrash(ctxOf(request)) }),
  );
};
