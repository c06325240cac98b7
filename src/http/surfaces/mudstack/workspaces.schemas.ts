import { Type, type Static } from '@sinclair/typebox';
import { NullableString, User, Uuid } from './common.schemas.js';

export const WorkspaceMember = Type.Object({
  workspace_id: Type.String(),
  user_id: Type.String(),
  roles: Type.Array(Type.String()),
});

export const WorkspaceUsage = Type.Object({
  members: Type.Integer(),
  storage: Type.Integer(),
  assets: Type.Integer(),
});

export const Workspace = Type.Object(
  {
    id: Type.String(),
    account_id: Type.String(),
    name: Type.String(),
    thumbnail_file_id: NullableString,
    defaultAvatar: Type.Integer(),
    created_by_user_id: NullableString,
    sequence: Type.String({ description: 'string<bigint>, as the Mudstack Workspace schema declares it' }),
    roles: Type.Union([WorkspaceMember, Type.Null()]),
    usage: WorkspaceUsage,
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { description: 'Workspace' },
);
export type WorkspaceJson = Static<typeof Workspace>;

export const WorkspaceMemberDetail = Type.Object(
  {
    workspace_id: Type.String(),
    user_id: Type.String(),
    roles: Type.Array(Type.String(), { description: 'One role: admin, editor or viewer' }),
    user: User,
  },
  { description: 'WorkspaceMember' },
);
export type WorkspaceMemberDetailJson = Static<typeof WorkspaceMemberDetail>;

export const WorkspaceHistory = Type.Object(
  {
    id: Type.String(),
    workspace_id: Type.String(),
    user_id: NullableString,
    type: Type.String(),
    record_id: NullableString,
    data: Type.Object({}, { additionalProperties: true }),
    created_at: Type.String(),
  },
  { description: 'WorkspaceHistory' },
);
export type WorkspaceHistoryJson = Static<typeof WorkspaceHistory>;

export const WorkspaceNameQuery = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 200, description: 'The workspace name (required on create, here or in the body).' })),
});

export const WorkspaceJsonBody = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);

/** Request bodies of POST/PUT /workspaces: JSON `{name}` is validated; multipart (`file` + `body` JSON) is read by the handler. */
export const WorkspaceBodyContent = {
  content: { 'application/json': { schema: WorkspaceJsonBody } },
} as const;

/** OpenAPI text for the multipart form, which the handler reads itself (a schema for it would be validated). */
export const WORKSPACE_FORM_DESCRIPTION =
  'Also accepts multipart/form-data: `file` (thumbnail image: JPEG, PNG, WebP, GIF, TIFF or AVIF, stored as a 512 px WebP) and ' +
  '`body` (a JSON object such as `{"name":"Concept art"}`) or a plain `name` field. The query `name` wins over a body name.';

export const MemberParams = Type.Object({ user_id: Uuid });

export const RolesQuery = Type.Object({
  roles: Type.Optional(Type.Array(Type.String(), { description: 'One workspace role: admin, editor or viewer.' })),
});

export const RolesJsonBody = Type.Object({ roles: Type.Array(Type.String()) }, { additionalProperties: false });
