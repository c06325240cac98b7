import { Type, type Static } from '@sinclair/typebox';
import type { DeviceRow } from '../../../db/schema.js';
import { roleCan } from '../../../domain/productions/production-access.js';
import { defaultCodename, type ProductionView } from '../../../domain/productions/productions.service.js';

/* Productions (spec §2.3.2) and devices (§2.3.3) as medialoopster shows them; docs/medialoopster.md. */

const DeviceId = Type.Union([Type.Integer(), Type.Null()], { description: 'A device id (integer), or null when none is set.' });

export const MlProduction = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  codename: Type.String(),
  company: Type.String(),
  storage_root: Type.String(),
  proxy_root: Type.String(),
  proxy_url: Type.String(),
  upload_device: DeviceId,
  audioasset_device: DeviceId,
  imageasset_device: DeviceId,
  videoasset_device: DeviceId,
  projectasset_device: DeviceId,
  can_write: Type.Boolean(),
  can_delete_assets: Type.Boolean(),
  san_mount: Type.String(),
  export_type: Type.String(),
  default_approval_status: Type.Integer(),
  direct_attached_site: Type.Integer(),
  network_attached_site: Type.Array(Type.Integer()),
  members: Type.Array(Type.Integer()),
  member_groups: Type.Array(Type.Integer()),
});
export type MlProductionJson = Static<typeof MlProduction>;

export const MlDevice = Type.Object({
  id: Type.Integer(),
  production: Type.Integer({ description: 'Atelier addition: the production (workspace) the device belongs to.' }),
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
  password: Type.String({ description: 'Always empty: Atelier keeps no transfer passwords.' }),
  transcoding_profile: Type.String(),
  archive_connector: Type.String(),
  passthrough_profiles: Type.Array(Type.String()),
  write_permission_groups: Type.Array(Type.Integer()),
});
export type MlDeviceJson = Static<typeof MlDevice>;

/** The one site of an Atelier installation (medialoopster's sites are installations). */
export const SITE_ID = 1;

export function presentProduction(view: ProductionView, base: string): MlProductionJson {
  const s = view.settings;
  const seqOf = (id: string | null | undefined): number | null => {
    const d = id ? view.devices.find((x) => x.id === id) : undefined;
    return d ? Number(d.sequence) : null;
  };
  return {
    id: Number(view.workspace.sequence),
    name: view.workspace.name,
    codename: s?.codename ?? defaultCodename(view.workspace),
    company: s?.company ?? '',
    storage_root: s?.storage_root ?? '/',
    proxy_root: s?.proxy_root ?? '/',
    proxy_url: `${base}/api/`,
    upload_device: seqOf(s?.upload_device_id),
    audioasset_device: seqOf(s?.audioasset_device_id),
    imageasset_device: seqOf(s?.imageasset_device_id),
    videoasset_device: seqOf(s?.videoasset_device_id),
    projectasset_device: seqOf(s?.projectasset_device_id),
    can_write: roleCan(view.role, 'asset.write'),
    can_delete_assets: roleCan(view.role, 'asset.delete'),
    san_mount: s?.san_mount ?? '',
    export_type: s?.export_type ?? '',
    default_approval_status: s?.default_approval_status ?? 0,
    direct_attached_site: SITE_ID,
    network_attached_site: [],
    members: view.members,
    member_groups: [],
  };
}

export function presentDevice(row: DeviceRow, productionId: number): MlDeviceJson {
  return {
    id: Number(row.sequence),
    production: productionId,
    name: row.name,
    display_name: row.display_name,
    path: row.path,
    is_internal: row.is_internal === 1,
    is_archive: row.is_archive === 1,
    autoshot_detection: row.autoshot_detection === 1,
    allow_direct_writing: row.allow_direct_writing === 1,
    recieve_xml_meta: row.recieve_xml_meta === 1,
    protocol: row.protocol,
    anonymous: row.anonymous === 1,
    server: row.server,
    username: row.username,
    password: '',
    transcoding_profile: row.transcoding_profile,
    archive_connector: row.archive_connector,
    passthrough_profiles: JSON.parse(row.passthrough_profiles) as string[],
    write_permission_groups: [],
  };
}
