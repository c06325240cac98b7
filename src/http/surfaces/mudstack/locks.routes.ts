import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { lockAsset, unlockAsset } from '../../../domain/locks/locks.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { presentAsset } from './assets.present.js';
import { Asset, AssetParams } from './assets.schemas.js';
import { authErrors, ErrorBody } from './common.schemas.js';

const tags = ['Assets'];

const UnlockQuery = Type.Object({
  force: Type.Optional(Type.Boolean({ default: false, description: 'Clear someone else\'s lock (workspace admins: asset.lock.force)' })),
});

/**
 * File locking (Mudstack §5.6): while locked, only the holder may add versions, rename, move or delete the asset;
 * everyone else gets 423 `asset_locked` with `error.details.locked_by_user_id`.
 */
export const locksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/workspaces/assets/:asset_id/lock',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Lock asset',
        description: 'Sets `locked_by_user_id` to the caller. Locking an asset you hold already is a no-op (200); held by someone else: 423.',
        params: AssetParams,
        response: { 200: Asset, ...authErrors, 409: ErrorBody, 423: ErrorBody },
      },
    },
    async (request) => presentAsset(await lockAsset(ctxOf(request), request.params.asset_id)),
  );

  app.delete(
    '/workspaces/assets/:asset_id/lock',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Unlock asset',
        description: 'The holder unlocks (anyone else: 423). `?force=true` lets a workspace admin clear anyone\'s lock. An unlocked asset is returned as it is.',
        params: AssetParams,
        querystring: UnlockQuery,
        response: { 200: Asset, ...authErrors, 423: ErrorBody },
      },
    },
    async (request) => presentAsset(await unlockAsset(ctxOf(request), request.params.asset_id, { force: request.query.force ?? false })),
  );
};
