import { Type, type Static } from '@sinclair/typebox';
import { NullableString } from './common.schemas.js';

const PathString = Type.String({ maxLength: 4096, description: 'A folder path such as `/Art/Props` (leading and trailing `/` optional)' });

export const Folder = Type.Object(
  {
    id: Type.String(),
    workspace_id: Type.String(),
    path: Type.String({ description: 'Normalised `/A/B/` form' }),
    name: Type.String(),
    parent_id: NullableString,
    created_by_user_id: NullableString,
    created_at: Type.String(),
    updated_at: Type.String(),
    sequence: Type.Integer(),
  },
  { $id: 'MudstackFolder', description: 'Folder' },
);
export type FolderJson = Static<typeof Folder>;

export interface FolderNodeJson {
  id: string;
  name: string;
  path: string;
  parent_id: string | null;
  asset_count: number;
  children: FolderNodeJson[];
}

export const FolderNode = Type.Recursive(
  (Self) =>
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      path: Type.String(),
      parent_id: NullableString,
      asset_count: Type.Integer({ description: 'Live assets directly in this folder' }),
      children: Type.Array(Self),
    }),
  { $id: 'MudstackFolderNode', description: 'A folder and its subfolders' },
);

export const FolderStats = Type.Object({
  path: Type.String(),
  folder_id: NullableString,
  folders: Type.Integer({ description: 'Direct subfolders' }),
  assets: Type.Integer({ description: 'Live assets directly in the folder' }),
  total_assets: Type.Integer({ description: 'Live assets in the folder and all its subfolders' }),
  total_size: Type.Integer({ description: 'Bytes of those assets\' current versions' }),
});
export type FolderStatsJson = Static<typeof FolderStats>;

export const FolderParams = Type.Object({ folder_id: Type.String() });

export const FolderPathQuery = Type.Object({
  folder: Type.Optional(PathString),
  path: Type.Optional(PathString),
});

export const CreateFolderBody = Type.Union([
  Type.Object(
    {
      path: Type.Optional(PathString),
      folder: Type.Optional(PathString),
      name: Type.Optional(Type.String({ maxLength: 1000 })),
      parent_id: Type.Optional(Type.Union([Type.Null(), Type.String()])),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

export const FolderPatch = Type.Object(
  {
    path: Type.Optional(PathString),
    folder: Type.Optional(PathString),
    name: Type.Optional(Type.String({ maxLength: 1000 })),
    // Null first: with the app's coerceTypes, a string branch tried first would turn null into ''.
    parent_id: Type.Optional(Type.Union([Type.Null(), Type.String()], { description: 'Move under this folder (null: the root)' })),
  },
  { additionalProperties: false },
);

export const DeleteFolderQuery = Type.Object({
  recursive: Type.Optional(Type.Boolean({ default: false, description: 'Move the assets inside to the trash and delete the subfolders' })),
});
