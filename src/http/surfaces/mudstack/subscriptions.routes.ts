import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { getAssetSubscription, setAssetSubscription } from '../../../domain/subscriptions/subscriptions.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { AssetParams } from './assets.schemas.js';
import { authErrors, ErrorBody } from './common.schemas.js';
import { presentSubscription } from './subscriptions.present.js';
import { Subscription } from './subscriptions.schemas.js';

const tags = ['Subscriptions'];
const config = { scope: 'workspace' } as const;

/**
 * Asset subscriptions (Mudstack §5.6, "File Subscription"): subscribers get a notification (GET
 * /accounts/notifications, type `subscribed_asset_changed`) when someone else changes the asset.
 */
export const subscriptionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/assets/:asset_id/subscriptions',
    {
      config,
      schema: { tags, summary: 'Whether the caller is subscribed, and who is', params: AssetParams, response: { 200: Subscription, ...authErrors } },
    },
    async (request) => presentSubscription(await getAssetSubscription(ctxOf(request), request.params.asset_id)),
  );

  app.post(
    '/workspaces/assets/:asset_id/subscriptions',
    {
      config,
      schema: {
        tags,
        summary: 'Subscribe the caller to the asset\'s changes (idempotent)',
        params: AssetParams,
        response: { 200: Subscription, ...authErrors, 409: ErrorBody },
      },
    },
    async (request) => presentSubscription(await setAssetSubscription(ctxOf(request), request.params.asset_id, true)),
  );

  app.delete(
    '/workspaces/assets/:asset_id/subscriptions',
    {
      config,
      schema: { tags, summary: 'Unsubscribe the caller (idempotent)', params: AssetParams, response: { 200: Subscription, ...authErrors } },
    },
    async (request) => presentSubscription(await setAssetSubscription(ctxOf(request), request.params.asset_id, false)),
  );
};
