import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { listAssetHistory } from '../../../domain/history/asset-history.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { presentAssetHistory } from './asset-history.present.js';
import { AssetHistory } from './asset-history.schemas.js';
import { AssetParams } from './assets.schemas.js';
import { authErrors, PageQuery } from './common.schemas.js';

/** Mudstack §5.6 "asset activity log". */
export const assetHistoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/assets/:asset_id/history',
    {
      config: { scope: 'workspace' },
      schema: {
        tags: ['History'],
        summary: 'The asset\'s activity, newest first: [AssetHistory]',
        description:
          'Every change to the asset and what hangs on it (versions, tags, comments, reviews, tasks...), with `data.before` / ' +
          '`data.after` where a change has them. History outlives the asset: a purged asset\'s id still answers (with ' +
          '`asset: null`); an id that never had history here is 404. The next page\'s cursor is in `x-next-cursor`.',
        params: AssetParams,
        querystring: PageQuery,
        response: { 200: Type.Array(AssetHistory), ...authErrors },
      },
    },
    async (request, reply) => {
      const page = await listAssetHistory(ctxOf(request), request.params.asset_id, { limit: request.query.limit ?? 100, cursor: request.query.cursor });
      if (page.nextCursor !== null) {
        void reply.header('x-next-cursor', String(page.nextCursor));
      }
      return presentAssetHistory(page);
    },
  );
};
