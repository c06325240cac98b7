import { Type, type Static } from '@sinclair/typebox';

/* Core-API admin routes of the medialoopster surface's data: production settings and devices (docs/medialoopster.md). */

const NullableUuid = Type.Union([Type.String({ maxLength: 64 }), Type.Null()]);
const Text = (max: number, description?: string) => Type.String({ maxLength: max, ...(description ? { description } : {}) });

export const ProductionSettings = Type.Object({
  workspace_id: Type.String(),
  codename: Type.String({ description: 'Unique per account; letters, digits, `_` and `-`. Derived from the name until set.' }),
  company: Type.String(),
  storage_root: Type.String(),
  proxy_root: Type.String(),
  san_mount: Type.String(),
  export_type: Type.String(),
  default_approval_status: Type.Integer(),
  upload_device_id: NullableUuid,
  audioasset_device_id: NullableUuid,
  imageasset_device_id: NullableUuid,
  videoasset_device_id: NullableUuid,
  projectasset_device_id: NullableUuid,
  updated_at: Type.Union([Type.String(), Type.Null()]),
});
export type ProductionSettingsJson = Static<typeof ProductionSettings>;

export const ProductionSettingsPatch = Type.Object(
  {
    codename: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    company: Type.Optional(Text(255)),
    storage_root: Type.Optional(Text(1024, 'A folder path of the workspace, `/a/b/` form.')),
    proxy_root: Type.Optional(Text(1024)),
    san_mount: Type.Optional(Text(1024)),
    export_type: Type.Optional(Text(255)),
    default_approval_status: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
    upload_device_id: Type.Optional(NullableUuid),
    audioasset_device_id: Type.Optional(NullableUuid),
    imageasset_device_id: Type.Optional(NullableUuid),
    videoasset_device_id: Type.Optional(NullableUuid),
    projectasset_device_id: Type.Optional(NullableUuid),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const Device = Type.Object({
  id: Type.String(),
  sequence: Type.Integer(),
  workspace_id: Type.String(),
  name: Type.String(),
  display_name: Type.String(),
  path: Type.String(),
  is_internal: Type.Boolean(),
  is_archive: Type.Boolean(),
  autoshot_detection: Type.Boolean(),
  allow_direct_writing: Type.Boolean(),
  recieve_xml_meta: Type.Boolean(),
  protocol: Type.String(),
  anonymous: Type.Boolean(),
  server: Type.String(),
  username: Type.String(),
  transcoding_profile: Type.String(),
  archive_connector: Type.String(),
  passthrough_profiles: Type.Array(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type DeviceJson = Static<typeof Device>;

const deviceFields = {
  name: Type.String({ minLength: 1, maxLength: 255 }),
  display_name: Type.Optional(Text(255)),
  path: Type.String({ minLength: 1, maxLength: 1024, description: 'A folder path of the workspace (`/a/b/`); devices do not nest (409).' }),
  is_internal: Type.Optional(Type.Boolean()),
  is_archive: Type.Optional(Type.Boolean()),
  autoshot_detection: Type.Optional(Type.Boolean({ description: 'Detect shots of video assets on this device.' })),
  allow_direct_writing: Type.Optional(Type.Boolean()),
  recieve_xml_meta: Type.Optional(Type.Boolean({ description: 'The vendor\'s spelling.' })),
  protocol: Type.Optional(Type.Union([Type.Literal('copy'), Type.Literal('ftp'), Type.Literal('smb')])),
  anonymous: Type.Optional(Type.Boolean()),
  server: Type.Optional(Text(255)),
  username: Type.Optional(Text(255)),
  transcoding_profile: Type.Optional(Text(255)),
  archive_connector: Type.Optional(Text(255)),
  passthrough_profiles: Type.Optional(Type.Array(Text(255), { maxItems: 50 })),
};

export const DeviceCreateBody = Type.Object(deviceFields, { additionalProperties: false });
export const DevicePatchBody = Type.Partial(Type.Object(deviceFields), { additionalProperties: false, minProperties: 1 });
export const DeviceParams = Type.Object({ device_id: Type.String({ maxLength: 64 }) });
