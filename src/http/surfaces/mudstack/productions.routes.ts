import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { DeviceRow, ProductionSettingsRow } from '../../../db/schema.js';
import { createDevice, deleteDevice, listDevices, requireDevice, updateDevice, type DeviceInput } from '../../../domain/productions/devices.service.js';
import { defaultCodename, getProductionSettings, updateProductionSettings } from '../../../domain/productions/productions.service.js';
import { findWorkspace } from '../../../domain/workspaces/workspaces.repo.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors, ErrorBody, Ok } from './common.schemas.js';
import { Device, DeviceCreateBody, DeviceParams, DevicePatchBody, ProductionSettings, ProductionSettingsPatch, type DeviceJson, type ProductionSettingsJson } from './productions.schemas.js';

const tags = ['Productions (medialoopster)'];
const config = { scope: 'workspace' } as const;

function presentDevice(row: DeviceRow): DeviceJson {
  return {
    id: row.id,
    sequence: Number(row.sequence),
    workspace_id: row.workspace_id,
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
    transcoding_profile: row.transcoding_profile,
    archive_connector: row.archive_connector,
    passthrough_profiles: JSON.parse(row.passthrough_profiles) as string[],
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function presentSettings(workspace: { id: string; name: string; sequence: number }, row: ProductionSettingsRow | undefined): ProductionSettingsJson {
  return {
    workspace_id: workspace.id,
    codename: row?.codename ?? defaultCodename(workspace),
    company: row?.company ?? '',
    storage_root: row?.storage_root ?? '/',
    proxy_root: row?.proxy_root ?? '/',
    san_mount: row?.san_mount ?? '',
    export_type: row?.export_type ?? '',
    default_approval_status: row?.default_approval_status ?? 0,
    upload_device_id: row?.upload_device_id ?? null,
    audioasset_device_id: row?.audioasset_device_id ?? null,
    imageasset_device_id: row?.imageasset_device_id ?? null,
    videoasset_device_id: row?.videoasset_device_id ?? null,
    projectasset_device_id: row?.projectasset_device_id ?? null,
    updated_at: row?.updated_at ?? null,
  };
}

type DeviceBody = Partial<{
  name: string; display_name: string; path: string; is_internal: boolean; is_archive: boolean; autoshot_detection: boolean;
  allow_direct_writing: boolean; recieve_xml_meta: boolean; protocol: string; anonymous: boolean; server: string; username: string;
  transcoding_profile: string; archive_connector: string; passthrough_profiles: string[];
}>;

const deviceInput = (b: DeviceBody): DeviceInput => ({
  name: b.name, displayName: b.display_name, path: b.path, isInternal: b.is_internal, isArchive: b.is_archive,
  autoshotDetection: b.autoshot_detection, allowDirectWriting: b.allow_direct_writing, recieveXmlMeta: b.recieve_xml_meta,
  protocol: b.protocol, anonymous: b.anonymous, server: b.server, username: b.username, transcodingProfile: b.transcoding_profile,
  archiveConnector: b.archive_connector, passthroughProfiles: b.passthrough_profiles,
});

/**
 * Administration of the medialoopster surface's data through the core API (docs/medialoopster.md): a production is
 * the request's workspace (create and rename it with the workspace routes), these are its medialoopster settings and
 * its devices. Workspace admins change them; any member reads them.
 */
export const productionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/production',
    { config, schema: { tags, summary: 'The workspace\'s medialoopster production settings (defaults until set)', response: { 200: ProductionSettings, ...authErrors } } },
    async (request) => {
      const ctx = ctxOf(request);
      const row = await getProductionSettings(ctx);
      const ws = await findWorkspace(ctx.db, { accountId: ctx.actor.accountId ?? '', id: ctx.actor.workspaceId ?? '' });
      return presentSettings(ws ?? { id: ctx.actor.workspaceId ?? '', name: '', sequence: 0 }, row);
    },
  );

  app.patch(
    '/workspaces/production',
    {
      config,
      schema: {
        tags,
        summary: 'Change the workspace\'s medialoopster production settings (workspace admins)',
        description: 'Device fields take device UUIDs of this workspace (or null). `codename` is unique per account (409 `codename_taken`).',
        body: ProductionSettingsPatch,
        response: { 200: ProductionSettings, ...authErrors, 409: ErrorBody },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const b = request.body;
      const row = await updateProductionSettings(ctx, {
        codename: b.codename, company: b.company, storageRoot: b.storage_root, proxyRoot: b.proxy_root, sanMount: b.san_mount,
        exportType: b.export_type, defaultApprovalStatus: b.default_approval_status, uploadDeviceId: b.upload_device_id,
        audioassetDeviceId: b.audioasset_device_id, imageassetDeviceId: b.imageasset_device_id, videoassetDeviceId: b.videoasset_device_id,
        projectassetDeviceId: b.projectasset_device_id,
      });
      const ws = await findWorkspace(ctx.db, { accountId: row.account_id, id: row.workspace_id });
      return presentSettings(ws ?? { id: row.workspace_id, name: '', sequence: 0 }, row);
    },
  );

  app.get(
    '/workspaces/devices',
    { config, schema: { tags, summary: 'The workspace\'s devices (storage roots), by path', response: { 200: Type.Array(Device), ...authErrors } } },
    async (request) => (await listDevices(ctxOf(request))).map(presentDevice),
  );

  app.post(
    '/workspaces/devices',
    {
      config,
      schema: {
        tags,
        summary: 'Add a device (workspace admins)',
        description: 'A storage root: a folder path of the workspace. Devices do not nest: a path that is, contains or lies inside another device\'s is 409 `device_paths_nest`.',
        body: DeviceCreateBody,
        response: { 201: Device, ...authErrors, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const row = await createDevice(ctxOf(request), { ...deviceInput(b), name: b.name, path: b.path });
      return reply.code(201).send(presentDevice(row));
    },
  );

  app.get(
    '/workspaces/devices/:device_id',
    { config, schema: { tags, summary: 'A device', params: DeviceParams, response: { 200: Device, ...authErrors } } },
    async (request) => presentDevice(await requireDevice(ctxOf(request), request.params.device_id)),
  );

  app.patch(
    '/workspaces/devices/:device_id',
    {
      config,
      schema: { tags, summary: 'Change a device (workspace admins)', params: DeviceParams, body: DevicePatchBody, response: { 200: Device, ...authErrors, 409: ErrorBody } },
    },
    async (request) => presentDevice(await updateDevice(ctxOf(request), request.params.device_id, deviceInput(request.body))),
  );

  app.delete(
    '/workspaces/devices/:device_id',
    {
      config,
      schema: { tags, summary: 'Remove a device (workspace admins); assets on it fall back to the default device of their kind', params: DeviceParams, response: { 200: Ok, ...authErrors } },
    },
    async (request) => {
      await deleteDevice(ctxOf(request), request.params.device_id);
      return { ok: true };
    },
  );
};
