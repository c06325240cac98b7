import { Type, type Static } from '@sinclair/typebox';
import { Asset } from './assets.schemas.js';
import { NullableString, User } from './common.schemas.js';

export const AssetHistory = Type.Object(
  {
    id: Type.String(),
    workspace_id: Type.String(),
    asset_id: Type.String(),
    user_id: NullableString,
    type: Type.String({ description: 'What happened: asset_created, version_created, asset_renamed, task_updated...' }),
    record_id: NullableString,
    data: Type.Object({}, { additionalProperties: true, description: 'Usually `before` and `after` of the change' }),
    created_at: Type.String(),
    user: Type.Union([User, Type.Null()], { description: 'Who made the change (null for the system or a deleted user)' }),
    asset: Type.Union([Asset, Type.Null()], { description: 'The asset as it is now; null once purged' }),
  },
  { description: 'AssetHistory' },
);
export type AssetHistoryJson = Static<typeof AssetHistory>;
