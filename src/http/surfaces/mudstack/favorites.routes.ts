import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { getFavorite, listMyFavorites, setFavorite } from '../../../domain/favorites/favorites.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { presentAsset } from './assets.present.js';
import { Asset, AssetParams } from './assets.schemas.js';
import { authErrors, ErrorBody, PageQuery } from './common.schemas.js';
import { Favorite } from './favorites.schemas.js';

const tags = ['Favorites'];
const config = { scope: 'workspace' } as const;

/** The caller's favourite assets (Mudstack §5.6 Favorites; GET /workspaces/favorites is Atelier's). */
export const favoritesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/assets/:asset_id/favorites',
    { config, schema: { tags, summary: 'Whether the caller has favourited the asset', params: AssetParams, response: { 200: Favorite, ...authErrors } } },
    async (request) => getFavorite(ctxOf(request), request.params.asset_id),
  );

  app.post(
    '/workspaces/assets/:asset_id/favorites',
    {
      config,
      schema: { tags, summary: 'Favourite the asset (idempotent)', params: AssetParams, response: { 200: Favorite, ...authErrors, 409: ErrorBody } },
    },
    async (request) => setFavorite(ctxOf(request), request.params.asset_id, true),
  );

  app.delete(
    '/workspaces/assets/:asset_id/favorites',
    { config, schema: { tags, summary: 'Unfavourite the asset (idempotent)', params: AssetParams, response: { 200: Favorite, ...authErrors } } },
    async (request) => setFavorite(ctxOf(request), request.params.asset_id, false),
  );

  app.get(
    '/workspaces/favorites',
    {
      config,
      schema: {
        tags,
        summary: 'The caller\'s favourite assets (Atelier), most recently favourited first; trashed ones left out',
        description: 'The next page\'s cursor is in the `x-next-cursor` header.',
        querystring: PageQuery,
        response: { 200: Type.Array(Asset), ...authErrors },
      },
    },
    async (request, reply) => {
      const page = await listMyFavorites(ctxOf(request), { limit: request.query.limit ?? 100, cursor: request.query.cursor });
      if (page.nextCursor !== null) {
        void reply.header('x-next-cursor', String(page.nextCursor));
      }
      return page.items.map(presentAsset);
    },
  );
};
