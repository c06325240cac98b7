import { Type, type Static } from '@sinclair/typebox';
import type { Readable } from 'node:stream';
import { NullableString, User } from './common.schemas.js';

export const Attachment = Type.Object(
  {
    id: Type.String(),
    asset_id: Type.String(),
    created_by_user_id: NullableString,
    file_id: Type.String({ description: 'Blob key (SHA-256) of the file' }),
    thumbnail_file_id: Type.Union([Type.String(), Type.Null()], { description: 'Blob key of the 256 px WebP; null until the thumbnail job has run (images only)' }),
    review_id: NullableString,
    comment_id: NullableString,
    name: Type.String(),
    description: Type.String(),
    content_type: Type.String({ description: 'Sniffed from the bytes' }),
    size: Type.Integer(),
    user: Type.Union([User, Type.Null()]),
    created_at: Type.String(),
  },
  { description: 'Attachment' },
);
export type AttachmentJson = Static<typeof Attachment>;

export const AttachmentParams = Type.Object({ asset_id: Type.String(), attachment_id: Type.String() });

export const FileBody = Type.Unsafe<Readable>({ type: 'string', format: 'binary', description: 'The file bytes' });

/** OpenAPI text for the multipart form, which the handler reads itself. */
export const ATTACHMENT_FORM_DESCRIPTION =
  'multipart/form-data: `file` (required; at most MAX_UPLOAD_BYTES), `name` (default: the file name), `description`, and optionally ' +
  '`review_id` or `comment_id` (your own review or comment on this asset; admins: anyone\'s). Images get a 256 px WebP thumbnail ' +
  'made by a job: `thumbnail_file_id` is null until it is ready.';
