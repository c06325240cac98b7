import { Type, type Static } from '@sinclair/typebox';
import { ACCOUNT_ROLES } from '../../../domain/access.js';
import { NullableString, User } from './common.schemas.js';
import { Workspace } from './workspaces.schemas.js';

const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const AccountMember = Type.Object(
  {
    account_id: Type.String(),
    user_id: Type.String(),
    roles: Type.Array(Type.String(), { description: 'One role: owner, admin or member' }),
    user: User,
  },
  { description: 'AccountMember' },
);
export type AccountMemberJson = Static<typeof AccountMember>;

export const AccountTier = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    type: Type.String(),
    maxStorage: NullableNumber,
    costPerLicense: Type.Number(),
    costPerExtraTB: Type.Number(),
  },
  { description: 'AccountTier (null = unlimited)' },
);

export const AccountType = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    maxStorage: NullableNumber,
    maxAssets: NullableNumber,
    maxUsers: NullableNumber,
    costPerUser: Type.Number(),
    addStoragePrice: Type.Number(),
  },
  { description: 'AccountType (null = unlimited)' },
);

export const AccountSubscription = Type.Object(
  {
    account_id: Type.String(),
    stripe_customer_id: Type.Null(),
    status: Type.String(),
    licenses: Type.Integer(),
    frequency: Type.Union([Type.Literal('yearly'), Type.Literal('monthly')]),
    contact: NullableString,
    tier: Type.String(),
  },
  { description: 'AccountSubscription' },
);
export type AccountSubscriptionJson = Static<typeof AccountSubscription>;

export const Account = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    account_tier_id: Type.String(),
    thumbnail_file_id: NullableString,
    created_by_user_id: NullableString,
    defaultAvatar: Type.Integer(),
    sequence: Type.Integer(),
    subscription: AccountSubscription,
    members: AccountMember,
    tier: AccountTier,
    type: AccountType,
    creator: Type.Union([User, Type.Null()]),
    workspaces: Type.Array(Workspace),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { description: 'Account; `members` is the caller\'s own membership, `workspaces` those the caller can see' },
);
export type AccountJson = Static<typeof Account>;

const Usage = (what: string) => Type.Object({ current: Type.Number(), max: NullableNumber }, { description: `${what} (max null = unlimited)` });

export const AccountLimits = Type.Object(
  {
    isTemporary: Type.Boolean(),
    expiresInDays: Type.Union([Type.Integer(), Type.Null()]),
    storage: Usage('bytes'),
    assets: Usage('assets'),
    users: Usage('members'),
  },
  { description: 'AccountLimits' },
);

export const AccountHistory = Type.Object(
  {
    id: Type.String(),
    account_id: Type.String(),
    user_id: NullableString,
    type: Type.String(),
    record_id: NullableString,
    data: Type.Object({}, { additionalProperties: true }),
    created_at: Type.String(),
  },
  { description: 'AccountHistory' },
);
export type AccountHistoryJson = Static<typeof AccountHistory>;

/** PUT /accounts as JSON; multipart sends the same object as the `body` part, plus a `file` thumbnail. */
export const AccountUpdateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    defaultAvatar: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  },
  { additionalProperties: false },
);

export const AccountRolesSchema = Type.Array(Type.Union(ACCOUNT_ROLES.map((r) => Type.Literal(r))), {
  minItems: 1,
  maxItems: 1,
  description: 'Exactly one account role: owner, admin or member.',
});

export const MemberParams = Type.Object({ member_id: Type.String({ format: 'uuid', description: 'The member\'s user id.' }) });

export const MemberRolesQuery = Type.Object({ roles: Type.Optional(AccountRolesSchema) });
export const MemberRolesBody = Type.Object({ roles: AccountRolesSchema }, { additionalProperties: false });

export const SubscriptionQuery = Type.Object({
  tier: Type.Optional(Type.String({ maxLength: 100, description: 'Only `self-hosted` exists.' })),
  frequency: Type.Optional(Type.Union([Type.Literal('yearly'), Type.Literal('monthly')])),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 320, description: 'Stored as the subscription contact.' })),
  payment_method_id: Type.Optional(Type.String({ maxLength: 200, description: 'Accepted and ignored: nothing is billed.' })),
});
