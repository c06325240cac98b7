import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  cancelReviewRequest,
  listAssetReviewRequests,
  listMyReviewRequests,
  parseRequestState,
  requestReviews,
} from '../../../domain/reviews/review-requests.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { AssetParams } from './assets.schemas.js';
import { authErrors, ErrorBody } from './common.schemas.js';
import { presentReviewRequest } from './review-requests.present.js';
import { AssetRequestsQuery, MyRequestsQuery, ReviewRequest, ReviewRequestBody, ReviewRequestParams } from './review-requests.schemas.js';

const tags = ['Review requests'];

/** The spec names both spellings; `reviewRequests` is documented, `review-requests` is the same route, hidden. */
const SPELLINGS = [
  { segment: 'reviewRequests', hide: false },
  { segment: 'review-requests', hide: true },
] as const;

/** Review requests (Mudstack §5.6): ask workspace members to review a version; a review answers them. */
export const reviewRequestsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const { segment, hide } of SPELLINGS) {
    app.post(
      `/workspaces/assets/:asset_id/${segment}`,
      {
        config: { scope: 'workspace' },
        schema: {
          tags,
          hide,
          summary: 'Request reviews of a version',
          description:
            'JSON `{user_ids: [...]}` (or `user_id`), optional `asset_version_id` (default: the current version) and `message`. ' +
            'Each user must be a member of the workspace (404 otherwise, nothing written) and is notified (`review_requested`). ' +
            'Idempotent: an open request for the same user and version is returned as it is.',
          params: AssetParams,
          body: ReviewRequestBody,
          response: { 201: Type.Array(ReviewRequest), ...authErrors, 409: ErrorBody },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const userIds = b.user_ids ?? (b.user_id !== undefined ? [b.user_id] : []);
        const views = await requestReviews(ctxOf(request), request.params.asset_id, {
          userIds,
          assetVersionId: b.asset_version_id,
          message: b.message,
          part: 'body',
        });
        return reply.status(201).send(views.map(presentReviewRequest));
      },
    );

    app.get(
      `/workspaces/assets/:asset_id/${segment}`,
      {
        config: { scope: 'workspace' },
        schema: {
          tags,
          hide,
          summary: 'List the asset\'s review requests (every state unless `state` is given; oldest first)',
          params: AssetParams,
          querystring: AssetRequestsQuery,
          response: { 200: Type.Array(ReviewRequest), ...authErrors },
        },
      },
      async (request) =>
        (await listAssetReviewRequests(ctxOf(request), request.params.asset_id, parseRequestState(request.query.state))).map(presentReviewRequest),
    );

    app.delete(
      `/workspaces/assets/:asset_id/${segment}/:request_id`,
      {
        config: { scope: 'workspace' },
        schema: {
          tags,
          hide,
          summary: 'Cancel a review request (requestor or workspace admin); returns it with state `cancelled`',
          params: ReviewRequestParams,
          response: { 200: ReviewRequest, ...authErrors, 409: ErrorBody },
        },
      },
      async (request) => presentReviewRequest(await cancelReviewRequest(ctxOf(request), request.params.asset_id, request.params.request_id)),
    );

    app.get(
      `/workspaces/${segment}`,
      {
        config: { scope: 'workspace' },
        schema: {
          tags,
          hide,
          summary: 'Review requests assigned to me in this workspace (`assigned=me`; default state: open)',
          querystring: MyRequestsQuery,
          response: { 200: Type.Array(ReviewRequest), ...authErrors },
        },
      },
      async (request) => (await listMyReviewRequests(ctxOf(request), parseRequestState(request.query.state ?? 'open'))).map(presentReviewRequest),
    );
  }
};
