import { Type, type Static } from '@sinclair/typebox';
import { Attachment } from './attachments.schemas.js';
import { NullableString, User } from './common.schemas.js';
import { Version } from './versions.schemas.js';

const OpenObject = Type.Object({}, { additionalProperties: true });

export const Review = Type.Object(
  {
    id: Type.String(),
    workspace_id: Type.String(),
    asset_id: Type.String(),
    asset_version_id: NullableString,
    user_id: NullableString,
    assigned_user_id: NullableString,
    status: Type.String({ description: 'approved | changes_requested | commented' }),
    content: Type.String(),
    mentions: Type.Array(Type.String()),
    viewer_metadata: OpenObject,
    attachments: Type.Array(Attachment),
    version: Type.Union([Version, Type.Null()]),
    user: Type.Union([User, Type.Null()]),
    assignee: Type.Union([User, Type.Null()]),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { description: 'Review' },
);
export type ReviewJson = Static<typeof Review>;

export const ReviewParams = Type.Object({ asset_id: Type.String(), review_id: Type.String() });

const Ids = (description: string) => Type.Array(Type.String(), { maxItems: 100, description });
const STATUS_TEXT = 'approved, changes_requested or commented (default); `rejected` is accepted as changes_requested';

/** Mudstack §5.5 sends the fields as query parameters. */
export const ReviewQuery = Type.Object({
  content: Type.Optional(Type.String({ description: 'Required (in the query or the JSON body). Mention people with `@[<user id>]`' })),
  asset_version_id: Type.Optional(Type.String({ description: 'Default: the asset\'s current version' })),
  assigned_user_id: Type.Optional(Type.String({ description: 'Who should act on a change request' })),
  status: Type.Optional(Type.String({ description: STATUS_TEXT })),
  mentions: Type.Optional(Ids('User ids (repeat the parameter or comma-separate)')),
  files: Type.Optional(Ids('Attachment ids you uploaded to this asset (repeat or comma-separate)')),
  viewer_metadata: Type.Optional(Type.String({ description: 'JSON-encoded object, e.g. {"timecode":12.5} or {"region":{"x":0.1,"y":0.2,"w":0.3,"h":0.2}}' })),
});
export type ReviewQueryJson = Static<typeof ReviewQuery>;

export const ReviewBody = Type.Object({
  content: Type.Optional(Type.String()),
  asset_version_id: Type.Optional(Type.String()),
  assigned_user_id: Type.Optional(Type.Union([Type.Null(), Type.String()])),
  status: Type.Optional(Type.String({ description: STATUS_TEXT })),
  mentions: Type.Optional(Ids('User ids')),
  files: Type.Optional(Ids('Attachment ids')),
  viewer_metadata: Type.Optional(Type.Union([OpenObject, Type.String()])),
});
export type ReviewBodyJson = Static<typeof ReviewBody>;

export const ReviewBodyContent = { content: { 'application/json': { schema: ReviewBody } } } as const;

export const REVIEW_FORM_DESCRIPTION =
  'Fields as query parameters (as Mudstack documents) and/or a JSON body with the same names; a field in the body wins over the query. ' +
  'A review of a version completes the reviewer\'s open review requests for it and notifies their requestors; `changes_requested` with ' +
  '`assigned_user_id` notifies the assignee; mentions notify the mentioned.';
