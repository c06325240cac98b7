import { Type, type Static } from '@sinclair/typebox';
import { NullableString, User } from './common.schemas.js';
import { Review } from './reviews.schemas.js';
import { Version } from './versions.schemas.js';

/** The asset a request is about, light (the full Asset nests review requests, so it cannot nest itself). */
export const ReviewRequestAsset = Type.Object({
  id: Type.String(),
  workspace_id: Type.String(),
  name: Type.String(),
  file_name: Type.String(),
  file_location: Type.String(),
  current_version_id: NullableString,
  isActive: Type.Boolean(),
});

export const ReviewRequest = Type.Object(
  {
    id: Type.String(),
    workspace_id: Type.String(),
    asset_id: Type.String(),
    asset_version_id: NullableString,
    requestor_id: NullableString,
    user_id: Type.String({ description: 'The reviewer' }),
    review_id: Type.Union([Type.String(), Type.Null()], { description: 'The review that answered the request' }),
    state: Type.String({ description: 'open | completed | cancelled' }),
    message: Type.String(),
    user: Type.Union([User, Type.Null()]),
    requestor: Type.Union([User, Type.Null()]),
    asset: Type.Union([ReviewRequestAsset, Type.Null()]),
    version: Type.Union([Version, Type.Null()]),
    review: Type.Union([Review, Type.Null()]),
    created_at: Type.String(),
    updated_at: Type.String(),
    completed_at: NullableString,
    cancelled_at: NullableString,
  },
  { description: 'ReviewRequest' },
);
export type ReviewRequestJson = Static<typeof ReviewRequest>;

export const ReviewRequestParams = Type.Object({ asset_id: Type.String(), request_id: Type.String() });

export const ReviewRequestBody = Type.Object({
  user_ids: Type.Optional(Type.Array(Type.String(), { maxItems: 100, description: 'Reviewers (members of the workspace)' })),
  user_id: Type.Optional(Type.String({ description: 'One reviewer (instead of user_ids)' })),
  asset_version_id: Type.Optional(Type.String({ description: 'Default: the asset\'s current version' })),
  message: Type.Optional(Type.String({ maxLength: 10000 })),
});

const StateQuery = Type.Optional(Type.String({ description: 'open, completed, cancelled or all' }));

export const AssetRequestsQuery = Type.Object({ state: StateQuery });

export const MyRequestsQuery = Type.Object({
  assigned: Type.Optional(Type.Literal('me', { description: 'Requests addressed to the caller (the only supported value; the default)' })),
  state: StateQuery,
});
