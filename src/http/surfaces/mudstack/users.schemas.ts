import { Type, type Static } from '@sinclair/typebox';
import { NullableString, User } from './common.schemas.js';

const PermissionMap = Type.Record(Type.String(), Type.Boolean(), { description: 'permission name -> allowed' });

export const UserPermissions = Type.Object(
  {
    ...User.properties,
    account_id: Type.String({ description: 'The account the token acts in; `permissions` apply there.' }),
    accounts: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        roles: Type.Array(Type.String(), { description: 'The account role: owner, admin or member' }),
        workspaces: Type.Array(
          Type.Object({
            id: Type.String(),
            name: Type.String(),
            roles: Type.Array(Type.String(), { description: 'The effective workspace role (account owners/admins are admins)' }),
            permissions: PermissionMap,
          }),
        ),
      }),
    ),
    permissions: PermissionMap,
  },
  { description: 'UserPermissions' },
);
export type UserPermissionsJson = Static<typeof UserPermissions>;

export const UserHistory = Type.Object(
  {
    id: Type.String(),
    user_id: Type.String(),
    type: Type.String(),
    record_id: NullableString,
    data: Type.Object({}, { additionalProperties: true }),
    created_at: Type.String(),
  },
  { description: 'UserHistory' },
);
export type UserHistoryJson = Static<typeof UserHistory>;

const Text = (max: number) => Type.String({ maxLength: max });
const OptionalText = (max: number) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));

export const ProfileBody = Type.Object(
  {
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    firstName: Type.Optional(Text(100)),
    lastName: Type.Optional(Text(100)),
    industry: OptionalText(200),
    occupation: OptionalText(200),
    company: OptionalText(200),
    city: OptionalText(200),
    state: OptionalText(200),
    country: OptionalText(200),
    zipCode: OptionalText(20),
    defaultAvatar: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  },
  { additionalProperties: false, description: 'Profile fields to change; e-mail cannot be changed here.' },
);
