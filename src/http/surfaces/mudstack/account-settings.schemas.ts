import { Type, type Static } from '@sinclair/typebox';
import { NullableString, Uuid } from './common.schemas.js';

export const Setting = Type.Object(
  {
    id: Type.String({ description: 'The setting key' }),
    key: Type.String(),
    value: Type.Unknown(),
    default: Type.Unknown(),
    description: Type.String(),
    updated_at: NullableString,
    updated_by_user_id: NullableString,
  },
  { description: 'Setting' },
);
export type SettingJson = Static<typeof Setting>;

export const SettingParams = Type.Object({ setting_id: Type.String({ minLength: 1, maxLength: 100 }) });
export const SettingBody = Type.Object({ value: Type.Unknown() }, { additionalProperties: false });

export const Notification = Type.Object(
  {
    id: Type.String(),
    account_id: Type.String(),
    workspace_id: NullableString,
    user_id: Type.String(),
    type: Type.String(),
    data: Type.Object({}, { additionalProperties: true }),
    read_at: NullableString,
    created_at: Type.String(),
  },
  { description: 'Notification' },
);
export type NotificationJson = Static<typeof Notification>;

export const NotificationParams = Type.Object({ notification_id: Uuid });
