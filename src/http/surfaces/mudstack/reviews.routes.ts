import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { createReview, deleteReview, listReviews, updateReview, type ReviewInput } from '../../../domain/reviews/reviews.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { AssetParams } from './assets.schemas.js';
import { authErrors, ErrorBody, Ok } from './common.schemas.js';
import { presentReview } from './reviews.present.js';
import { Review, REVIEW_FORM_DESCRIPTION, ReviewBodyContent, ReviewParams, ReviewQuery, type ReviewBodyJson, type ReviewQueryJson } from './reviews.schemas.js';

const tags = ['Reviews'];

const splitIds = (values: readonly string[] | undefined): string[] | undefined =>
  values?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');

/** Query parameters (Mudstack's documented form) merged with a JSON body; a field in the body wins. */
export function reviewInput(query: ReviewQueryJson, body: ReviewBodyJson | undefined): ReviewInput {
  const b = body ?? {};
  return {
    content: b.content ?? query.content,
    assetVersionId: b.asset_version_id ?? query.asset_version_id,
    assignedUserId: b.assigned_user_id !== undefined ? b.assigned_user_id : query.assigned_user_id,
    status: b.status ?? query.status,
    mentions: splitIds(b.mentions ?? query.mentions),
    files: splitIds(b.files ?? query.files),
    viewerMetadata: b.viewer_metadata ?? query.viewer_metadata,
    part: Object.keys(b).length > 0 ? 'body' : 'query',
  };
}

/** Mudstack §5.5 reviews of an asset's versions. */
export const reviewsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/assets/:asset_id/reviews',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'List the asset\'s reviews (oldest first)', params: AssetParams, response: { 200: Type.Array(Review), ...authErrors } },
    },
    async (request) => (await listReviews(ctxOf(request), request.params.asset_id)).map(presentReview),
  );

  app.post(
    '/workspaces/assets/:asset_id/reviews',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Create a review',
        description: REVIEW_FORM_DESCRIPTION,
        params: AssetParams,
        querystring: ReviewQuery,
        body: ReviewBodyContent,
        response: { 200: Review, ...authErrors, 409: ErrorBody },
      },
    },
    async (request) =>
      presentReview(await createReview(ctxOf(request), request.params.asset_id, reviewInput(request.query, request.body as ReviewBodyJson | undefined))),
  );

  app.put(
    '/workspaces/assets/:asset_id/reviews/:review_id',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Update a review (author only)',
        description: 'The fields of create, except asset_version_id; `files` adds attachments.',
        params: ReviewParams,
        querystring: ReviewQuery,
        body: ReviewBodyContent,
        response: { 200: Review, ...authErrors, 409: ErrorBody },
      },
    },
    async (request) => {
      const { asset_id, review_id } = request.params;
      return presentReview(await updateReview(ctxOf(request), asset_id, review_id, reviewInput(request.query, request.body as ReviewBodyJson | undefined)));
    },
  );

  app.delete(
    '/workspaces/assets/:asset_id/reviews/:review_id',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'Delete a review (author or workspace admin)', params: ReviewParams, response: { 200: Ok, ...authErrors } },
    },
    async (request) => {
      await deleteReview(ctxOf(request), request.params.asset_id, request.params.review_id);
      return { ok: true };
    },
  );
};
