import type { Updateable } from 'kysely';
import type { DeviceRow, DevicesTable } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { cleanFolder } from '../assets/assets.rules.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { deleteDeviceRow, findDevice, findDeviceBySequence, insertDevice, listWorkspaceDevices, pageDevices, updateDeviceRow } from './devices.repo.js';
import { pathsNest } from './devices.rules.js';
import { readableProductions } from './production-access.js';
import { workspaceSequences } from './productions.repo.js';

/** The settable fields of a device (core admin routes; docs/medialoopster.md "Devices"). */
export interface DeviceInput {
  name?: string | undefined;
  displayName?: string | undefined;
  path?: string | undefined;
  isInternal?: boolean | undefined;
  isArchive?: boolean | undefined;
  autoshotDetection?: boolean | undefined;
  allowDirectWriting?: boolean | undefined;
  recieveXmlMeta?: boolean | undefined;
  protocol?: string | undefined;
  anonymous?: boolean | undefined;
  server?: string | undefined;
  username?: string | undefined;
  transcodingProfile?: string | undefined;
  archiveConnector?: string | undefined;
  passthroughProfiles?: readonly string[] | undefined;
}

const bit = (v: boolean | undefined): number | undefined => (v === undefined ? undefined : v ? 1 : 0);

function columns(input: DeviceInput): Updateable<DevicesTable> {
  const set: Updateable<DevicesTable> = {
    name: input.name?.trim(),
    display_name: input.displayName,
    path: input.path === undefined ? undefined : cleanFolder(input.path, 'path', 'body'),
    is_internal: bit(input.isInternal),
    is_archive: bit(input.isArchive),
    autoshot_detection: bit(input.autoshotDetection),
    allow_direct_writing: bit(input.allowDirectWriting),
    recieve_xml_meta: bit(input.recieveXmlMeta),
    protocol: input.protocol,
    anonymous: bit(input.anonymous),
    server: input.server,
    username: input.username,
    transcoding_profile: input.transcodingProfile,
    archive_connector: input.archiveConnector,
    passthrough_profiles: input.passthroughProfiles === undefined ? undefined : JSON.stringify(input.passthroughProfiles),
  };
  if (set.name === '') {
    throw errors.invalidField('body', 'name', 'must not be blank');
  }
  return Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
}

/** Devices are storage roots that do not nest (spec §2.3.3): 409 when `path` is, contains or lies in another's. */
async function assertNoNesting(ctx: Ctx, workspaceId: string, path: string, exceptId?: string): Promise<void> {
  const clash = (await listWorkspaceDevices(ctx.db, { workspaceId })).find((d) => d.id !== exceptId && pathsNest(d.path, path));
  if (clash) {
    throw errors.conflict('device_paths_nest', `The path ${path} nests with device "${clash.name}" at ${clash.path}; devices do not nest.`);
  }
}

/** POST /workspaces/devices (workspace admins). */
export async function createDevice(ctx: Ctx, input: DeviceInput & { name: string; path: string }): Promise<DeviceRow> {
  requirePermission(ctx.actor, 'workspace.update');
  const workspaceId = scopedWorkspaceId(ctx);
  const set = columns(input);
  return inTransaction(ctx, async (tx) => {
    await assertNoNesting(tx, workspaceId, String(set.path));
    const now = isoNow(tx.clock);
    const row = await insertDevice(tx.db, {
      ...(set as Omit<DeviceRow, 'sequence' | 'id' | 'account_id' | 'workspace_id' | 'created_at' | 'updated_at'>),
      display_name: set.display_name ?? set.name ?? '',
      id: newId(),
      account_id: scopedAccountId(tx),
      workspace_id: workspaceId,
      created_at: now,
      updated_at: now,
    } as Omit<DeviceRow, 'sequence'>);
    await recordHistory(tx, { accountId: row.account_id, workspaceId, userId: ctx.actor.userId, subjectType: 'device', recordId: row.id, type: 'device_created', data: { name: row.name, path: row.path } });
    return row;
  });
}

/** GET /workspaces/devices (any member). */
export async function listDevices(ctx: Ctx): Promise<DeviceRow[]> {
  requirePermission(ctx.actor, 'workspace.read');
  return listWorkspaceDevices(ctx.db, { workspaceId: scopedWorkspaceId(ctx) });
}

/** One device of the request's workspace, or 404 `device_not_found`. */
export async function requireDevice(ctx: Ctx, id: string): Promise<DeviceRow> {
  requirePermission(ctx.actor, 'workspace.read');
  const row = await findDevice(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id });
  if (!row) {
    throw errors.notFound('device', id);
  }
  return row;
}

/** PATCH /workspaces/devices/{id} (workspace admins). */
export async function updateDevice(ctx: Ctx, id: string, input: DeviceInput): Promise<DeviceRow> {
  requirePermission(ctx.actor, 'workspace.update');
  const workspaceId = scopedWorkspaceId(ctx);
  const set = columns(input);
  return inTransaction(ctx, async (tx) => {
    const before = await requireDevice(tx, id);
    if (set.path !== undefined) {
      await assertNoNesting(tx, workspaceId, String(set.path), id);
    }
    const after = await updateDeviceRow(tx.db, { workspaceId, id }, { ...set, updated_at: isoNow(tx.clock) });
    if (!after) {
      throw errors.notFound('device', id);
    }
    const changed = Object.keys(set).filter((k) => before[k as keyof DeviceRow] !== after[k as keyof DeviceRow]);
    await recordHistory(tx, { accountId: after.account_id, workspaceId, userId: ctx.actor.userId, subjectType: 'device', recordId: id, type: 'device_updated', data: { changed } });
    return after;
  });
}

/** DELETE /workspaces/devices/{id} (workspace admins). Assets on it fall back to the default device of their kind. */
export async function deleteDevice(ctx: Ctx, id: string): Promise<void> {
  requirePermission(ctx.actor, 'workspace.update');
  const workspaceId = scopedWorkspaceId(ctx);
  await inTransaction(ctx, async (tx) => {
    const row = await requireDevice(tx, id);
    await deleteDeviceRow(tx.db, { workspaceId, id });
    await recordHistory(tx, { accountId: row.account_id, workspaceId, userId: ctx.actor.userId, subjectType: 'device', recordId: id, type: 'device_deleted', data: { name: row.name, path: row.path } });
  });
}

/** medialoopster GET /api/devices/: the devices of every production the caller can read. */
export async function pageReadableDevices(
  ctx: Ctx,
  q: { path?: string | undefined; limit: number; offset: number },
): Promise<{ rows: DeviceRow[]; total: number; productionIds: Map<string, number> }> {
  const productions = await readableProductions(ctx);
  const path = q.path === undefined ? undefined : cleanFolder(q.path, 'path', 'query');
  const accountId = scopedAccountId(ctx);
  const page = await pageDevices(ctx.db, { accountId, workspaceIds: [...productions.keys()] }, { ...q, path });
  return { ...page, productionIds: await workspaceSequences(ctx.db, { accountId, ids: page.rows.map((r) => r.workspace_id) }) };
}

/** medialoopster GET /api/devices/{id}/: a device of a production the caller can read, else undefined. */
export async function findReadableDevice(ctx: Ctx, sequence: number): Promise<{ row: DeviceRow; productionId: number } | undefined> {
  const accountId = scopedAccountId(ctx);
  const row = await findDeviceBySequence(ctx.db, { accountId, sequence });
  if (!row || !(await readableProductions(ctx)).has(row.workspace_id)) {
    return undefined;
  }
  const productionId = (await workspaceSequences(ctx.db, { accountId, ids: [row.workspace_id] })).get(row.workspace_id) ?? 0;
  return { row, productionId };
}
