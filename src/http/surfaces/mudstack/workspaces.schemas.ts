import { Type, type Static } from '@sinclair/typebox';
import { NullableString } from './common.schemas.js';

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
