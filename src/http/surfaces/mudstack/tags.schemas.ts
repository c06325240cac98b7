import { Type, type Static } from '@sinclair/typebox';
import { NullableString } from './common.schemas.js';

const Color = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'A colour in #rrggbb form' });
const Name = Type.String({ minLength: 1, maxLength: 1000, description: 'At most 100 characters after trimming; unique per workspace, case-insensitively' });

export const Tag = Type.Object(
  {
    id: Type.String(),
    workspace_id: Type.String(),
    name: Type.String(),
    color: Type.String(),
    created_by_user_id: NullableString,
    sequence: Type.Integer(),
  },
  { description: 'Tag' },
);
export type TagJson = Static<typeof Tag>;

export const TagParams = Type.Object({ tag_id: Type.String() });
export const AssetTagParams = Type.Object({ asset_id: Type.String(), tag_id: Type.String() });

export const TagCreateBody = Type.Object(
  { name: Name, color: Type.Optional(Color) },
  { additionalProperties: false },
);

export const TagUpdateBody = Type.Object(
  { name: Type.Optional(Name), color: Type.Optional(Color) },
  { additionalProperties: false },
);

export const AssetTagsBody = Type.Object(
  {
    tag_ids: Type.Optional(Type.Array(Type.String(), { maxItems: 100, description: 'Ids of workspace tags' })),
    names: Type.Optional(Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 100, description: 'Tag names; missing tags are created' })),
  },
  { additionalProperties: false },
);
