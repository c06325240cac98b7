import { Type, type Static } from '@sinclair/typebox';
import { NullableString } from './common.schemas.js';

const Color = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'A colour in #rrggbb form' });
const Name = Type.String({ minLength: 1, maxLength: 1000, description: 'At most 100 characters after trimming; unique per workspace, case-insensitively' });
// Bodies are not coerced (plugins/validators.ts), so the two accepted forms are declared.
const Rank = Type.Union([Type.Integer({ minimum: 0, maximum: 999_999_999 }), Type.String({ maxLength: 20 })], {
  description: 'An integer 0..999999999 (number or string); returned as a 10-digit zero-padded string that sorts as text',
});

export const AssetStatus = Type.Object(
  {
    id: Type.String(),
    workspace_id: Type.String(),
    name: Type.String(),
    color: Type.String(),
    rank: Type.String(),
    created_by_user_id: NullableString,
  },
  { description: 'AssetStatus' },
);
export type AssetStatusJson = Static<typeof AssetStatus>;

export const StatusParams = Type.Object({ status_id: Type.String() });

export const StatusCreateBody = Type.Object(
  { name: Name, color: Type.Optional(Color), rank: Type.Optional(Rank) },
  { additionalProperties: false },
);

export const StatusUpdateBody = Type.Object(
  { name: Type.Optional(Name), color: Type.Optional(Color), rank: Type.Optional(Rank) },
  { additionalProperties: false },
);

export const SetStatusBody = Type.Object(
  // Null first: with the app's coerceTypes, a string branch tried first would turn null into ''.
  { status_id: Type.Union([Type.Null(), Type.String()], { description: 'A status id of this workspace, or null to clear' }) },
  { additionalProperties: false },
);
