import type { Kysely, Updateable } from 'kysely';
import type { DB, DeviceRow, ProductionSettingsRow, ProductionSettingsTable, WorkspaceRow } from '../../db/schema.js';

/** A production: its workspace and its settings row (absent = defaults). */
export interface ProductionRecord {
  workspace: WorkspaceRow;
  settings: ProductionSettingsRow | undefined;
}

/** One page of the given workspaces (of one account) as productions, optionally filtered by storage root. */
export async function pageProductions(
  db: Kysely<DB>,
  scope: { accountId: string; workspaceIds: readonly string[] },
  q: { storageRoot?: string | undefined; limit: number; offset: number },
): Promise<{ rows: ProductionRecord[]; total: number }> {
  if (scope.workspaceIds.length === 0) {
    return { rows: [], total: 0 };
  }
  let base = db
    .selectFrom('workspaces as w')
    .leftJoin('production_settings as ps', 'ps.workspace_id', 'w.id')
    .where('w.account_id', '=', scope.accountId)
    .where('w.id', 'in', [...scope.workspaceIds]);
  if (q.storageRoot !== undefined) {
    const root = q.storageRoot;
    base = base.where((eb) => eb(eb.fn.coalesce('ps.storage_root', eb.val('/')), '=', root));
  }
  const [ids, count] = await Promise.all([
    base.select('w.id').orderBy('w.sequence').limit(q.limit).offset(q.offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: await findProductions(db, { accountId: scope.accountId, ids: ids.map((r) => r.id) }), total: Number(count.n) };
}

/** The productions of these workspace ids of the account, in sequence order. */
export async function findProductions(db: Kysely<DB>, scope: { accountId: string; ids: readonly string[] }): Promise<ProductionRecord[]> {
  if (scope.ids.length === 0) {
    return [];
  }
  const [workspaces, settings] = await Promise.all([
    db.selectFrom('workspaces').selectAll().where('account_id', '=', scope.accountId).where('id', 'in', [...scope.ids]).orderBy('sequence').execute(),
    db.selectFrom('production_settings').selectAll().where('account_id', '=', scope.accountId).where('workspace_id', 'in', [...scope.ids]).execute(),
  ]);
  const byWs = new Map(settings.map((s) => [s.workspace_id, s]));
  return workspaces.map((w) => ({ workspace: w, settings: byWs.get(w.id) }));
}

/** The workspace of the account with this integer id, or undefined. */
export function findWorkspaceBySequence(db: Kysely<DB>, scope: { accountId: string; sequence: number }): Promise<WorkspaceRow | undefined> {
  return db.selectFrom('workspaces').selectAll().where('account_id', '=', scope.accountId).where('sequence', '=', scope.sequence).executeTakeFirst();
}

/** The settings row of a workspace, or undefined. */
export function findProductionSettings(db: Kysely<DB>, scope: { workspaceId: string }): Promise<ProductionSettingsRow | undefined> {
  return db.selectFrom('production_settings').selectAll().where('workspace_id', '=', scope.workspaceId).executeTakeFirst();
}

/** Inserts or updates the settings row of a workspace. */
export async function saveProductionSettings(
  db: Kysely<DB>,
  scope: { accountId: string; workspaceId: string },
  patch: Updateable<ProductionSettingsTable>,
  ids: { id: string; now: string },
): Promise<ProductionSettingsRow> {
  const existing = await findProductionSettings(db, scope);
  if (existing) {
    return db
      .updateTable('production_settings')
      .set({ ...patch, updated_at: ids.now })
      .where('workspace_id', '=', scope.workspaceId)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  return db
    .insertInto('production_settings')
    .values({ ...patch, id: ids.id, account_id: scope.accountId, workspace_id: scope.workspaceId, created_at: ids.now, updated_at: ids.now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The integer ids of the explicit members of each workspace. */
export async function memberSequences(db: Kysely<DB>, workspaceIds: readonly string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>(workspaceIds.map((id) => [id, []]));
  if (workspaceIds.length === 0) {
    return out;
  }
  const rows = await db
    .selectFrom('workspace_members as wm')
    .innerJoin('users as u', 'u.id', 'wm.user_id')
    .select(['wm.workspace_id', 'u.sequence'])
    .where('wm.workspace_id', 'in', [...workspaceIds])
    .orderBy('u.sequence')
    .execute();
  for (const r of rows) {
    out.get(r.workspace_id)?.push(Number(r.sequence));
  }
  return out;
}

/** The devices of each workspace. */
export async function devicesOf(db: Kysely<DB>, workspaceIds: readonly string[]): Promise<Map<string, DeviceRow[]>> {
  const out = new Map<string, DeviceRow[]>(workspaceIds.map((id) => [id, []]));
  if (workspaceIds.length === 0) {
    return out;
  }
  const rows = await db.selectFrom('devices').selectAll().where('workspace_id', 'in', [...workspaceIds]).orderBy('path').execute();
  for (const r of rows) {
    out.get(r.workspace_id)?.push(r);
  }
  return out;
}

/** Workspace id → integer id (sequence) for workspaces of the account. */
export async function workspaceSequences(db: Kysely<DB>, scope: { accountId: string; ids: readonly string[] }): Promise<Map<string, number>> {
  if (scope.ids.length === 0) {
    return new Map();
  }
  const rows = await db.selectFrom('workspaces').select(['id', 'sequence']).where('account_id', '=', scope.accountId).where('id', 'in', [...new Set(scope.ids)]).execute();
  return new Map(rows.map((r) => [r.id, Number(r.sequence)]));
}
