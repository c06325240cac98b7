import type { Kysely, Updateable } from 'kysely';
import type { DB, DeviceRow, DevicesTable } from '../../db/schema.js';

/** The devices of one workspace, by path. */
export function listWorkspaceDevices(db: Kysely<DB>, scope: { workspaceId: string }): Promise<DeviceRow[]> {
  return db.selectFrom('devices').selectAll().where('workspace_id', '=', scope.workspaceId).orderBy('path').execute();
}

/** A device of the workspace, or undefined. */
export function findDevice(db: Kysely<DB>, scope: { workspaceId: string; id: string }): Promise<DeviceRow | undefined> {
  return db.selectFrom('devices').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).executeTakeFirst();
}

/** A device of the account by its integer id, or undefined (another account's reads as absent). */
export function findDeviceBySequence(db: Kysely<DB>, scope: { accountId: string; sequence: number }): Promise<DeviceRow | undefined> {
  return db.selectFrom('devices').selectAll().where('account_id', '=', scope.accountId).where('sequence', '=', scope.sequence).executeTakeFirst();
}

/** One page of the devices of the given workspaces (of one account), optionally with exactly this path. */
export async function pageDevices(
  db: Kysely<DB>,
  scope: { accountId: string; workspaceIds: readonly string[] },
  q: { path?: string | undefined; limit: number; offset: number },
): Promise<{ rows: DeviceRow[]; total: number }> {
  if (scope.workspaceIds.length === 0) {
    return { rows: [], total: 0 };
  }
  let base = db.selectFrom('devices').where('account_id', '=', scope.accountId).where('workspace_id', 'in', [...scope.workspaceIds]);
  if (q.path !== undefined) {
    base = base.where('path', '=', q.path);
  }
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('sequence').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function insertDevice(db: Kysely<DB>, row: Omit<DeviceRow, 'sequence'>): Promise<DeviceRow> {
  return db.insertInto('devices').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateDeviceRow(db: Kysely<DB>, scope: { workspaceId: string; id: string }, patch: Updateable<DevicesTable>): Promise<DeviceRow | undefined> {
  return db.updateTable('devices').set(patch).where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).returningAll().executeTakeFirst();
}

export async function deleteDeviceRow(db: Kysely<DB>, scope: { workspaceId: string; id: string }): Promise<boolean> {
  const r = await db.deleteFrom('devices').where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
