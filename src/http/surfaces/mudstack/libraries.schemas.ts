import { Type, type Static } from '@sinclair/typebox';
import { NullableString } from './common.schemas.js';

export const Library = Type.Object(
  {
    id: Type.String(),
    workspace_id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    thumbnail_file_id: NullableString,
    defaultAvatar: Type.Integer(),
    created_by_user_id: NullableString,
    sequence: Type.Integer(),
  },
  { description: 'Library' },
);
export type LibraryJson = Static<typeof Library>;

export const LibraryParams = Type.Object({ library_id: Type.String() });
export const LibraryAssetParams = Type.Object({ library_id: Type.String(), asset_id: Type.String() });

export const LibraryJsonBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 1000 })),
    description: Type.Optional(Type.String({ maxLength: 10000 })),
  },
  { additionalProperties: false },
);

/** JSON bodies are validated; multipart (`name`, `description`, `file`, or a `body` JSON part) is read by the handler. */
export const LibraryBodyContent = {
  content: { 'application/json': { schema: LibraryJsonBody } },
} as const;

export const LIBRARY_FORM_DESCRIPTION =
  'multipart/form-data: `name` (default "New Library"), `description`, `file` (thumbnail image, stored as a 512 px WebP); ' +
  'the fields may also come as a `body` JSON part. A JSON body `{name, description}` works too.';

export const AssetIdsBody = Type.Object(
  { asset_ids: Type.Array(Type.String(), { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);
