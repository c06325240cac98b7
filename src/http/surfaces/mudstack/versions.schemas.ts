import { Type, type Static } from '@sinclair/typebox';
import { NullableString, User } from './common.schemas.js';

export const Derivative = Type.Object({
  kind: Type.String({ description: 'thumbnail | preview | poster | proxy | waveform | page' }),
  state: Type.String({ description: 'pending | ready | failed' }),
  error: NullableString,
  content_type: NullableString,
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  size: Type.Union([Type.Integer(), Type.Null()]),
});

export const Version = Type.Object(
  {
    id: Type.String(),
    asset_id: Type.String(),
    commit_parent_id: NullableString,
    created_by_user_id: NullableString,
    thumbnail_file_id: Type.Union([Type.String(), Type.Null()], { description: 'Blob key of the thumbnail (uploaded, else generated)' }),
    name: Type.String(),
    description: Type.String(),
    key: Type.String({ description: 'Blob key: the SHA-256 of the content' }),
    size: Type.Integer(),
    version_number: Type.Integer(),
    sequence: Type.Integer(),
    checksum: Type.String({ description: 'Lowercase hex SHA-256' }),
    user: Type.Union([User, Type.Null()]),
    content_type: Type.String({ description: 'Sniffed from the bytes' }),
    original_file_name: Type.String(),
    metadata: Type.Object({}, { additionalProperties: true }),
    derivatives: Type.Array(Derivative),
    created_at: Type.String(),
    deleted_at: Type.Union([Type.String(), Type.Null()], { description: 'When the version was moved to the trashed versions; null for a live one' }),
  },
  { description: 'Version' },
);
export type VersionJson = Static<typeof Version>;

export const VersionParams = Type.Object({ asset_id: Type.String(), version_id: Type.String() });

export const VersionPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 1000 })),
    description: Type.Optional(Type.String({ maxLength: 10000 })),
  },
  { additionalProperties: false },
);

export const VersionListQuery = Type.Object({
  trashed: Type.Optional(Type.Boolean({ description: 'true: the trashed (deleted) versions instead, newest deletion first' })),
});
