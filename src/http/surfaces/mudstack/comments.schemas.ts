import { Type, type Static } from '@sinclair/typebox';
import { Attachment } from './attachments.schemas.js';
import { NullableString, User } from './common.schemas.js';

const OpenObject = Type.Object({}, { additionalProperties: true });

export const Comment = Type.Object(
  {
    id: Type.String(),
    asset_id: Type.String(),
    asset_version_id: NullableString,
    user_id: NullableString,
    parent_id: Type.Union([Type.String(), Type.Null()], { description: 'The comment this one replies to' }),
    content: Type.String({ description: 'Empty once deleted' }),
    mentions: Type.Array(Type.String(), { description: 'Mentioned user ids' }),
    viewer_metadata: OpenObject,
    attachments: Type.Array(Attachment),
    user: Type.Union([User, Type.Null()]),
    replies_count: Type.Integer({ description: 'Direct replies (deleted ones included)' }),
    created_at: Type.String(),
    updated_at: Type.String(),
    edited_at: Type.Union([Type.String(), Type.Null()], { description: 'Last edit of the content by its author' }),
    deleted_at: Type.Union([Type.String(), Type.Null()], { description: 'Set when deleted: the row stays so replies keep their parent' }),
  },
  { description: 'Comment' },
);
export type CommentJson = Static<typeof Comment>;

export const CommentParams = Type.Object({ asset_id: Type.String(), comment_id: Type.String() });

export const CommentListQuery = Type.Object({
  asset_version_id: Type.Optional(Type.String({ description: 'Only the comments on this version' })),
});

const Ids = (description: string) => Type.Array(Type.String(), { maxItems: 100, description });
const ViewerMetadata = Type.Union([OpenObject, Type.String()], {
  description: 'An object, or a JSON-encoded object: e.g. {"timecode": 12.5} or {"region": {"x": 0.1, "y": 0.2, "w": 0.3, "h": 0.2}}',
});

export const CommentBody = Type.Object({
  content: Type.Optional(Type.String({ description: 'Mention people with `@[<user id>]`; required unless a file is attached' })),
  asset_version_id: Type.Optional(Type.String({ description: 'Comment on this version (default: on the asset; a reply: its parent\'s version)' })),
  parent_id: Type.Optional(Type.String({ description: 'Reply to this comment' })),
  mentions: Type.Optional(Ids('User ids to mention, besides the `@[id]` tokens in the content')),
  viewer_metadata: Type.Optional(ViewerMetadata),
  files: Type.Optional(Ids('Ids of attachments you uploaded to this asset, to hang off the comment')),
});
export type CommentBodyJson = Static<typeof CommentBody>;

export const CommentUpdateBody = Type.Object({
  content: Type.Optional(Type.String()),
  mentions: Type.Optional(Ids('Replaces the explicit mentions')),
  viewer_metadata: Type.Optional(ViewerMetadata),
  files: Type.Optional(Ids('Attachments to add')),
});

export const CommentBodyContent = { content: { 'application/json': { schema: CommentBody } } } as const;

export const COMMENT_FORM_DESCRIPTION =
  'JSON body, or multipart/form-data with the same fields (`mentions` / `files` as a JSON array or comma-separated; or a `body` field ' +
  'holding the JSON object) plus a `file` part, which becomes an attachment of the comment in the same request.';
