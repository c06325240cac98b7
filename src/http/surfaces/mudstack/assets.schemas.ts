import { Type, type Static } from '@sinclair/typebox';
import { NullableString, User } from './common.schemas.js';
import { Library } from './libraries.schemas.js';
import { ReviewRequest } from './review-requests.schemas.js';
import { AssetStatus } from './statuses.schemas.js';
import { Tag } from './tags.schemas.js';
import { Version } from './versions.schemas.js';

export const AssetType = Type.Object({
  id: Type.String(),
  name: Type.String(),
  displayType: Type.String(),
  color: Type.String(),
  generic: Type.Boolean(),
  knownExtensions: Type.Array(Type.String()),
});

export const Asset = Type.Object(
  {
    id: Type.String(),
    workspace_id: Type.String(),
    name: Type.String(),
    asset_type_id: Type.String(),
    status_id: NullableString,
    isActive: Type.Boolean(),
    created_by_user_id: NullableString,
    locked_by_user_id: NullableString,
    locked_at: Type.Optional(NullableString),
    file_name: Type.String(),
    file_location: Type.String(),
    current_version_id: NullableString,
    sequence: Type.Integer(),
    currentVersion: Type.Union([Version, Type.Null()]),
    version: Type.Union([Version, Type.Null()]),
    versions: Type.Array(Version),
    collaborators: Type.Array(User),
    favorited: Type.Boolean(),
    tags: Type.Array(Tag),
    libraries: Type.Array(Library),
    reviewRequests: Type.Array(ReviewRequest, {
      description: 'Every review request of the asset (open, completed, cancelled: see `state`), oldest first; an answered one carries its `review`',
    }),
    assetType: AssetType,
    assetStatus: Type.Union([AssetStatus, Type.Null()]),
    status: Type.Union([Type.String(), Type.Null()], {
      description: 'Name of the asset\'s workflow status (the `assetStatus.name`, e.g. "In Progress"), as the seed guide reads it; null when none is set',
    }),
    description: Type.String(),
    deleted_at: NullableString,
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { description: 'Asset' },
);
export type AssetJson = Static<typeof Asset>;

export const AssetParams = Type.Object({ asset_id: Type.String() });

const Sha256 = Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'SHA-256 of the file, hex' });

/** Query parameters of a raw-body upload (multipart uploads send the same names as form fields). */
export const UploadQuery = Type.Object({
  file_name: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  name: Type.Optional(Type.String({ maxLength: 1000 })),
  file_location: Type.Optional(Type.String({ maxLength: 4096 })),
  description: Type.Optional(Type.String({ maxLength: 10000 })),
  asset_id: Type.Optional(Type.String({ minLength: 1 })),
  version_name: Type.Optional(Type.String({ maxLength: 1000 })),
  version_description: Type.Optional(Type.String({ maxLength: 10000 })),
  checksum: Type.Optional(Sha256),
  size: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type UploadQueryJson = Static<typeof UploadQuery>;

export const GetByIdsQuery = Type.Object({
  ids: Type.Array(Type.String(), { description: 'Repeat (`ids=a&ids=b`) or comma-separate (`ids=a,b`)', maxItems: 500 }),
});

export const AssetPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 1000 })),
    description: Type.Optional(Type.String({ maxLength: 10000 })),
    file_location: Type.Optional(Type.String({ maxLength: 4096 })),
    // Null first: with the app's coerceTypes, a string branch tried first would turn null into ''.
    status_id: Type.Optional(Type.Union([Type.Null(), Type.String()], { description: 'An asset status id of this workspace (GET /workspaces/assetStatuses), or null to clear' })),
  },
  { additionalProperties: false },
);

export const RenameBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    file_name: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  },
  { additionalProperties: false },
);
