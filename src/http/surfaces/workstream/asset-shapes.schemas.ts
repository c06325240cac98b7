import { Type } from '@sinclair/typebox';

/*
 * The asset shapes of spec §1.3.7, field by field as the seed's examples show them: (a) mini asset, (b) full asset in
 * the legacy camelCase variant, (c) full asset in snake_case, (d) asset version. Asset, user and folder ids are
 * numeric strings.
 */

const NumText = Type.String({ pattern: '^[0-9]+$' });
const UnixText = Type.String({ pattern: '^[0-9]+$', description: 'Unix seconds as a string' });

/** §1.3.3 Mini user inside assets; every field null (name `" "`) in versions. */
export const WsMiniUser = Type.Object(
  {
    type: Type.Literal('user'),
    id: Type.Union([NumText, Type.Null()]),
    email: Type.Union([Type.String(), Type.Null()]),
    name: Type.String({ description: '"First Last"' }),
    username: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

/** Mini folder `{type, id, name, properties}`. The workspace root (no folder row) is id `"0"` named after the workspace. */
export const WsMiniFolder = Type.Object(
  { type: Type.Literal('folder'), id: NumText, name: Type.String(), properties: Type.Array(Type.Unknown(), { maxItems: 0 }) },
  { additionalProperties: false },
);

/** The approval summary a mini asset carries when `approval_status` is passed (null without an approval). */
export const WsAssetApprovalSummary = Type.Object(
  {
    key: Type.String(),
    type: Type.Literal('approval'),
    status: Type.Integer(),
    current_stage_id: Type.Integer(),
    is_approver: Type.Boolean(),
    editable: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** (a) Mini asset. `approval` only when the request asked for `approval_status`. */
export const WsMiniAsset = Type.Object(
  {
    id: NumText,
    type: Type.Literal('asset'),
    user: WsMiniUser,
    folder_id: NumText,
    version: NumText,
    media_url: Type.String({ description: 'A signed URL of the preview ("" when the file has none)' }),
    filename: Type.String(),
    file_type: Type.String({ description: 'The extension with a leading dot, e.g. ".jpg"' }),
    thumburl: Type.Object({ thumb100: Type.String(), thumb150: Type.String(), thumb220: Type.String() }, { additionalProperties: false }),
    type_id: NumText,
    hide_preview: Type.Boolean(),
    approval: Type.Optional(Type.Union([Type.Null(), WsAssetApprovalSummary])),
  },
  { additionalProperties: false },
);

const ThumbnailUrl = Type.Object(
  { size: Type.Integer(), url: Type.String(), previewurls: Type.Optional(Type.Array(Type.String())) },
  { additionalProperties: false },
);

const ActiveField = Type.Object(
  { field: Type.String(), field_name: Type.String(), value: Type.String(), required: Type.String() },
  { additionalProperties: false },
);

const FullMetadata = Type.Object(
  {
    xmp: Type.Object({ type: Type.Literal('assetxmp') }, { additionalProperties: false }),
    exif: Type.Object({ type: Type.Literal('assetexif') }, { additionalProperties: false }),
    required: Type.Array(Type.String()),
    active_fields: Type.Array(ActiveField),
  },
  { additionalProperties: false },
);

/** The fields (b), (c) and (d) share. */
const fullCommon = {
  id: NumText,
  filename: Type.String(),
  name: Type.String(),
  filesize: Type.String({ description: 'Megabytes with 2 decimals, e.g. "0.11"' }),
  width: Type.String(),
  height: Type.String(),
  description: Type.String(),
  filetype: Type.String({ description: 'The extension without a dot, e.g. "jpg"' }),
  colorspace: Type.String(),
  version: NumText,
  date_created_unix: UnixText,
  date_modified_unix: UnixText,
  folder: WsMiniFolder,
  user: WsMiniUser,
  thumbnailurls: Type.Array(ThumbnailUrl),
  readonly: Type.Integer(),
  readonlynext: Type.Integer(),
  onhold: Type.Integer(),
};

const MediaHtml = Type.String({ description: 'An HTML fragment (a processing placeholder and an <img src=…>), as Webdam sends it' });

/** (b) Full asset, legacy camelCase variant (the `object` of GET approval-by-key). */
export const WsLegacyAsset = Type.Object(
  {
    ...fullCommon,
    type: Type.Literal('asset'),
    type_id: NumText,
    status: Type.String(),
    datecreated: Type.String({ description: '"YYYY-MM-DD HH:MM:SS" (UTC)' }),
    datemodified: Type.String({ description: '"YYYY-MM-DD HH:MM:SS" (UTC)' }),
    datecapturedUnix: Type.Null(),
    datecaptured: Type.Null(),
    mediaUrl: MediaHtml,
    hiResMediaUrl: MediaHtml,
    numExif: Type.Integer(),
    numXmp: Type.Integer(),
    numComments: Type.Integer(),
    pagecount: Type.Integer(),
    numRelated: Type.Integer(),
    metadata: FullMetadata,
  },
  { additionalProperties: false },
);

/** (c) Full asset, snake_case variant (GET …/tasks|projects/{id}/assets/{assetId}). */
export const WsFullAsset = Type.Object(
  {
    ...fullCommon,
    type: Type.Literal('asset'),
    type_id: NumText,
    status: Type.String(),
    date_captured_unix: UnixText,
    media_url: MediaHtml,
    hi_res_media_url: MediaHtml,
    num_exif: Type.Integer(),
    num_xmp: Type.Integer(),
    num_comments: Type.Integer(),
    page_count: Type.Integer(),
    watched: Type.Boolean(),
    num_related: Type.Integer(),
    metadata: FullMetadata,
  },
  { additionalProperties: false },
);

/** (d) Asset version (GET …/assets/{assetId}/versions): `id` is the asset's id, `version` tells versions apart. */
export const WsAssetVersion = Type.Object(
  {
    ...fullCommon,
    type: Type.Literal('assetversion'),
    type_id: Type.Null(),
    status: Type.String(),
    date_captured_unix: Type.Null(),
    media_url: MediaHtml,
    hi_res_media_url: MediaHtml,
    num_exif: Type.Integer(),
    num_xmp: Type.Integer(),
    num_comments: Type.Integer(),
    page_count: Type.Integer(),
    watched: Type.Null(),
    num_related: Type.Integer(),
    metadata: Type.Object({ required: Type.Array(Type.String()) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

/** Names of the asset shapes in `/openapi.json`. */
export const assetShapeComponents: Record<string, unknown> = {
  WorkstreamMiniUser: WsMiniUser,
  WorkstreamMiniFolder: WsMiniFolder,
  WorkstreamMiniAsset: WsMiniAsset,
  WorkstreamLegacyAsset: WsLegacyAsset,
  WorkstreamFullAsset: WsFullAsset,
  WorkstreamAssetVersion: WsAssetVersion,
};
