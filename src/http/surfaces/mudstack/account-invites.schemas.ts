import { Type, type Static } from '@sinclair/typebox';
import { WORKSPACE_ROLES } from '../../../domain/access.js';
import { NullableString, User, Uuid } from './common.schemas.js';
import { AccountMember, AccountRolesSchema } from './accounts.schemas.js';

export const Invite = Type.Object(
  {
    id: Type.String(),
    account_id: Type.String(),
    invited_by: NullableString,
    roles: Type.Array(Type.String()),
    workspace_ids: Type.Array(Type.String()),
    workspace_role: NullableString,
    email: Type.String(),
    token: Type.Optional(Type.String({ description: 'Only in the answer to POST /accounts/invites, and only when SMTP is off (with SMTP_URL set it is e-mailed to the invitee instead); shown once.' })),
    created_at: Type.String(),
    expires_at: Type.String(),
    sent_at: NullableString,
    accepted_at: NullableString,
    rejected_at: NullableString,
    revoked_at: NullableString,
    invited_by_user: Type.Union([User, Type.Null()]),
  },
  { description: 'Invite' },
);
export type InviteJson = Static<typeof Invite>;

export const InviteInput = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    roles: Type.Optional(AccountRolesSchema),
    workspace_ids: Type.Optional(Type.Array(Uuid, { maxItems: 100, default: [] })),
    workspace_role: Type.Optional(
      Type.Union(WORKSPACE_ROLES.map((r) => Type.Literal(r)), {
        description: 'Role in workspace_ids; default: the account setting default_workspace_role.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** `{"invites":[...]}`; a bare array is wrapped into this shape before validation. */
export const CreateInvitesBody = Type.Object(
  { invites: Type.Array(InviteInput, { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
);

export const InviteParams = Type.Object({ invite_id: Uuid });

export const AcceptInviteBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200 }),
    password: Type.Optional(
      Type.String({ maxLength: 1024, description: 'Sign-in password for the web app (10 to 256 characters); only when the invite creates a new user.' }),
    ),
  },
  { additionalProperties: false },
);

export const AcceptedInvite = Type.Object(
  {
    account_id: Type.String(),
    user: User,
    member: AccountMember,
    key: Type.String(),
    secret: Type.String({ description: 'Shown once; exchange key + secret at POST /auth/token.' }),
  },
  { description: 'Accepted invite' },
);
