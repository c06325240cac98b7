import type { Updateable } from 'kysely';
import type { DeviceRow, ProductionSettingsRow, ProductionSettingsTable, WorkspaceRow } from '../../db/schema.js';
import type { WorkspaceRole } from '../access.js';
import { requirePermission } from '../access.js';
import { cleanFolder } from '../assets/assets.rules.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { findDevice } from './devices.repo.js';
import { readableProductions } from './production-access.js';
import { devicesOf, findProductions, findProductionSettings, findWorkspaceBySequence, memberSequences, pageProductions, saveProductionSettings } from './productions.repo.js';

/** A production as the surfaces show it: the workspace, its settings, the caller's role, members and devices. */
export interface ProductionView {
  workspace: WorkspaceRow;
  settings: ProductionSettingsRow | undefined;
  role: WorkspaceRole;
  members: number[];
  devices: DeviceRow[];
}

/** The codename of a production without one set: its name in lower-case letters, digits and `_`, plus its id. */
export function defaultCodename(workspace: Pick<WorkspaceRow, 'name' | 'sequence'>): string {
  const slug = workspace.name.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase().slice(0, 40);
  return `${slug === '' ? 'production' : slug}_${workspace.sequence}`;
}

async function views(ctx: Ctx, records: Awaited<ReturnType<typeof findProductions>>, roles: Map<string, WorkspaceRole>): Promise<ProductionView[]> {
  const ids = records.map((r) => r.workspace.id);
  const [members, devices] = await Promise.all([memberSequences(ctx.db, ids), devicesOf(ctx.db, ids)]);
  return records.flatMap((r) => {
    const role = roles.get(r.workspace.id);
    return role ? [{ ...r, role, members: members.get(r.workspace.id) ?? [], devices: devices.get(r.workspace.id) ?? [] }] : [];
  });
}

/** medialoopster GET /api/productions/: the productions the caller can read, one page. */
export async function pageReadableProductions(
  ctx: Ctx,
  q: { storageRoot?: string | undefined; limit: number; offset: number },
): Promise<{ items: ProductionView[]; total: number }> {
  const roles = await readableProductions(ctx);
  const storageRoot = q.storageRoot === undefined ? undefined : cleanFolder(q.storageRoot, 'storage_root', 'query');
  const page = await pageProductions(ctx.db, { accountId: scopedAccountId(ctx), workspaceIds: [...roles.keys()] }, { ...q, storageRoot });
  return { items: await views(ctx, page.rows, roles), total: page.total };
}

/** medialoopster GET /api/productions/{id}/: a production the caller can read, else undefined. */
export async function findReadableProduction(ctx: Ctx, sequence: number): Promise<ProductionView | undefined> {
  const ws = await findWorkspaceBySequence(ctx.db, { accountId: scopedAccountId(ctx), sequence });
  if (!ws) {
    return undefined;
  }
  const roles = await readableProductions(ctx);
  if (!roles.has(ws.id)) {
    return undefined;
  }
  const [view] = await views(ctx, await findProductions(ctx.db, { accountId: scopedAccountId(ctx), ids: [ws.id] }), roles);
  return view;
}

/** The settable production settings (core admin route PATCH /workspaces/production). */
export interface ProductionSettingsInput {
  codename?: string | undefined;
  company?: string | undefined;
  storageRoot?: string | undefined;
  proxyRoot?: string | undefined;
  sanMount?: string | undefined;
  exportType?: string | undefined;
  defaultApprovalStatus?: number | undefined;
  /** Device UUIDs of this workspace, or null to clear. */
  uploadDeviceId?: string | null | undefined;
  audioassetDeviceId?: string | null | undefined;
  imageassetDeviceId?: string | null | undefined;
  videoassetDeviceId?: string | null | undefined;
  projectassetDeviceId?: string | null | undefined;
}

const DEVICE_FIELDS = [
  ['uploadDeviceId', 'upload_device_id'],
  ['audioassetDeviceId', 'audioasset_device_id'],
  ['imageassetDeviceId', 'imageasset_device_id'],
  ['videoassetDeviceId', 'videoasset_device_id'],
  ['projectassetDeviceId', 'projectasset_device_id'],
] as const;

/** GET /workspaces/production: the request workspace's settings row (undefined = defaults). */
export async function getProductionSettings(ctx: Ctx): Promise<ProductionSettingsRow | undefined> {
  requirePermission(ctx.actor, 'workspace.read');
  return findProductionSettings(ctx.db, { workspaceId: scopedWorkspaceId(ctx) });
}

/** PATCH /workspaces/production (workspace admins): the medialoopster settings of the request's workspace. */
export async function updateProductionSettings(ctx: Ctx, input: ProductionSettingsInput): Promise<ProductionSettingsRow> {
  requirePermission(ctx.actor, 'workspace.update');
  const workspaceId = scopedWorkspaceId(ctx);
  const accountId = scopedAccountId(ctx);
  return inTransaction(ctx, async (tx) => {
    const set: Updateable<ProductionSettingsTable> = {};
    if (input.codename !== undefined) {
      set.codename = input.codename;
    }
    if (input.company !== undefined) {
      set.company = input.company;
    }
    if (input.storageRoot !== undefined) {
      set.storage_root = cleanFolder(input.storageRoot, 'storage_root', 'body');
    }
    if (input.proxyRoot !== undefined) {
      set.proxy_root = cleanFolder(input.proxyRoot, 'proxy_root', 'body');
    }
    if (input.sanMount !== undefined) {
      set.san_mount = input.sanMount;
    }
    if (input.exportType !== undefined) {
      set.export_type = input.exportType;
    }
    if (input.defaultApprovalStatus !== undefined) {
      set.default_approval_status = input.defaultApprovalStatus;
    }
    for (const [field, column] of DEVICE_FIELDS) {
      const value = input[field];
      if (value === undefined) {
        continue;
      }
      if (value !== null && !(await findDevice(tx.db, { workspaceId, id: value }))) {
        throw errors.invalidField('body', column, 'must be a device of this workspace');
      }
      set[column] = value;
    }
    if (set.codename !== undefined) {
      const clash = await tx.db
        .selectFrom('production_settings')
        .select('workspace_id')
        .where('account_id', '=', accountId)
        .where('codename', '=', set.codename)
        .where('workspace_id', '!=', workspaceId)
        .executeTakeFirst();
      if (clash) {
        throw errors.conflict('codename_taken', `Another production of this account is already called ${set.codename ?? ''}.`);
      }
    }
    const row = await saveProductionSettings(tx.db, { accountId, workspaceId }, set, { id: newId(), now: isoNow(tx.clock) });
    await recordHistory(tx, { accountId, workspaceId, userId: ctx.actor.userId, subjectType: 'workspace', recordId: workspaceId, type: 'production_updated', data: { changed: Object.keys(set) } });
    return row;
  });
}
