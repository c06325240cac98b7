import { Value } from '@sinclair/typebox/value';
import type { Kysely } from 'kysely';
import type { DB, SettingRow } from '../../db/schema.js';
import { isoNow, type Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { findStatus } from '../statuses/statuses.repo.js';
import {
  ACCOUNT_SETTINGS,
  WORKSPACE_SETTINGS,
  type AccountSettingKey,
  type AccountSettingValue,
  type SettingsCatalogue,
  type WorkspaceSettingKey,
  type WorkspaceSettingValue,
} from './settings.catalogue.js';
import { settingProblem } from './settings.rules.js';

/*
 * One machinery for account settings (rows with workspace_id null) and workspace settings (rows with the
 * workspace's id): the same table, decoding, listing, validation and history, over two catalogues.
 */

export interface SettingView {
  key: string;
  value: unknown;
  default: unknown;
  description: string;
  /** null while the default applies. */
  updatedAt: string | null;
  updatedByUserId: string | null;
}

/** Whose setting: an account's own (workspaceId null) or one workspace's of that account. */
interface SettingScope {
  accountId: string;
  workspaceId: string | null;
}

/** A scope to read: a workspace's settings may be read by the workspace alone (an upload's actor may have no account). */
type ReadScope = SettingScope | { accountId?: undefined; workspaceId: string };

/** The rows of a scope, oldest first (a later row for the same key replaces an earlier one, should a race write two). */
function findSettingRows(db: Kysely<DB>, scope: ReadScope, key?: string): Promise<SettingRow[]> {
  let q = db.selectFrom('settings').selectAll();
  if (scope.accountId !== undefined) {
    q = q.where('account_id', '=', scope.accountId);
  }
  q = scope.workspaceId === null ? q.where('workspace_id', 'is', null) : q.where('workspace_id', '=', scope.workspaceId);
  if (key !== undefined) {
    q = q.where('key', '=', key);
  }
  return q.orderBy('sequence', 'asc').execute();
}

async function findSettingRow(db: Kysely<DB>, scope: ReadScope, key: string): Promise<SettingRow | undefined> {
  return (await findSettingRows(db, scope, key)).at(-1);
}

function decode(catalogue: SettingsCatalogue, key: string, row: SettingRow | undefined): unknown {
  const def = catalogue[key];
  if (!def) {
    return undefined;
  }
  if (!row) {
    return def.default;
  }
  try {
    const parsed: unknown = JSON.parse(row.value);
    // A stored value that no longer fits the catalogue (the schema was tightened) falls back to the default.
    return Value.Check(def.schema, parsed) ? parsed : def.default;
  } catch {
    return def.default;
  }
}

function view(catalogue: SettingsCatalogue, key: string, row: SettingRow | undefined): SettingView {
  const def = catalogue[key];
  return {
    key,
    value: decode(catalogue, key, row),
    default: def?.default ?? null,
    description: def?.description ?? '',
    updatedAt: row?.updated_at ?? null,
    updatedByUserId: row?.updated_by_user_id ?? null,
  };
}

async function listSettings(db: Kysely<DB>, catalogue: SettingsCatalogue, scope: SettingScope): Promise<SettingView[]> {
  const byKey = new Map((await findSettingRows(db, scope)).map((r) => [r.key, r]));
  return Object.keys(catalogue).map((key) => view(catalogue, key, byKey.get(key)));
}

/** 404 for a key outside the catalogue, 400 (field `/value`) for a value its schema refuses. */
function checkSetting(catalogue: SettingsCatalogue, key: string, value: unknown): void {
  const def = Object.hasOwn(catalogue, key) ? catalogue[key] : undefined;
  if (!def) {
    throw errors.notFound('setting', key);
  }
  const problem = settingProblem(def.schema, value);
  if (problem !== undefined) {
    throw errors.invalid('validation_failed', `Invalid value for ${key}: ${problem}.`, [{ in: 'body', pointer: '/value', message: problem }]);
  }
}

/** Inserts or updates one setting row of a scope, with a `setting_updated` history event. */
async function writeSetting(
  deps: { db: Kysely<DB>; clock: Clock },
  catalogue: SettingsCatalogue,
  input: { scope: SettingScope; key: string; value: unknown; actorUserId: string },
): Promise<SettingView> {
  return inTransaction(deps as Ctx, async (tx) => {
    const { scope, key } = input;
    const before = await findSettingRow(tx.db, scope, key);
    const now = isoNow(tx.clock);
    const value = JSON.stringify(input.value);
    const row = before
      ? await tx.db
          .updateTable('settings')
          .set({ value, updated_at: now, updated_by_user_id: input.actorUserId })
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow()
      : await tx.db
          .insertInto('settings')
          .values({ id: newId(), account_id: scope.accountId, workspace_id: scope.workspaceId, key, value, updated_by_user_id: input.actorUserId, updated_at: now })
          .returningAll()
          .executeTakeFirstOrThrow();
    await recordHistory(tx, {
      accountId: scope.accountId,
      workspaceId: scope.workspaceId,
      userId: input.actorUserId,
      subjectType: 'setting',
      recordId: row.id,
      type: 'setting_updated',
      data: { key, before: decode(catalogue, key, before), after: input.value },
    });
    return view(catalogue, key, row);
  });
}

// ---- Account settings (GET/PUT /accounts/settings) ----

/** The effective value of an account setting (stored or default); for other features, e.g. trash retention. */
export async function getAccountSetting<K extends AccountSettingKey>(db: Kysely<DB>, accountId: string, key: K): Promise<AccountSettingValue<K>> {
  const row = await findSettingRow(db, { accountId, workspaceId: null }, key);
  return decode(ACCOUNT_SETTINGS, key, row) as AccountSettingValue<K>;
}

/** GET /accounts/settings: every catalogue setting with its effective value. */
export async function listAccountSettings(ctx: Ctx): Promise<SettingView[]> {
  requirePermission(ctx.actor, 'account.read');
  return listSettings(ctx.db, ACCOUNT_SETTINGS, { accountId: scopedAccountId(ctx), workspaceId: null });
}

/**
 * Writes an account setting (insert or update) with history, without a permission check: callers decide who may
 * (PUT /accounts/settings for admins, PUT /accounts/subscriptions for owners).
 */
export function writeAccountSetting<K extends AccountSettingKey>(
  deps: { db: Kysely<DB>; clock: Clock },
  input: { accountId: string; key: K; value: AccountSettingValue<K>; actorUserId: string },
): Promise<SettingView> {
  return writeSetting(deps, ACCOUNT_SETTINGS, { scope: { accountId: input.accountId, workspaceId: null }, key: input.key, value: input.value, actorUserId: input.actorUserId });
}

/** PUT /accounts/settings/{key}: 404 for a key outside the catalogue, 400 (field `/value`) for a bad value. */
export async function updateAccountSetting(ctx: Ctx, input: { key: string; value: unknown }): Promise<SettingView> {
  requirePermission(ctx.actor, 'account.settings.update');
  checkSetting(ACCOUNT_SETTINGS, input.key, input.value);
  return writeSetting(ctx, ACCOUNT_SETTINGS, { scope: { accountId: scopedAccountId(ctx), workspaceId: null }, key: input.key, value: input.value, actorUserId: ctx.actor.userId });
}

// ---- Workspace settings (GET/PUT /workspaces/settings) ----

/** The effective value of a workspace setting (stored or default). */
export async function getWorkspaceSetting<K extends WorkspaceSettingKey>(
  db: Kysely<DB>,
  scope: { workspaceId: string },
  key: K,
): Promise<WorkspaceSettingValue<K>> {
  return decode(WORKSPACE_SETTINGS, key, await findSettingRow(db, { workspaceId: scope.workspaceId }, key)) as WorkspaceSettingValue<K>;
}

/** Days before trashed items of a workspace are purged: its own setting, else its account's. */
export async function trashRetentionDays(db: Kysely<DB>, scope: { accountId: string; workspaceId: string }): Promise<number> {
  return (await getWorkspaceSetting(db, scope, 'trash_retention_days')) ?? (await getAccountSetting(db, scope.accountId, 'trash_retention_days'));
}

/** The status a new asset of the workspace starts in; a setting naming a status deleted since is ignored. */
export async function defaultAssetStatusId(db: Kysely<DB>, scope: { workspaceId: string }): Promise<string | null> {
  const id = await getWorkspaceSetting(db, scope, 'default_asset_status_id');
  return id === null ? null : ((await findStatus(db, { workspaceId: scope.workspaceId, id }))?.id ?? null);
}

/** GET /workspaces/settings: every workspace setting with its effective value (any member may read them). */
export async function listWorkspaceSettings(ctx: Ctx): Promise<SettingView[]> {
  requirePermission(ctx.actor, 'workspace.read');
  return listSettings(ctx.db, WORKSPACE_SETTINGS, { accountId: scopedAccountId(ctx), workspaceId: scopedWorkspaceId(ctx) });
}

/** PUT /workspaces/settings/{key} (workspace admins): as the account version, plus references checked in the workspace. */
export async function updateWorkspaceSetting(ctx: Ctx, input: { key: string; value: unknown }): Promise<SettingView> {
  requirePermission(ctx.actor, 'workspace.update');
  checkSetting(WORKSPACE_SETTINGS, input.key, input.value);
  const scope = { accountId: scopedAccountId(ctx), workspaceId: scopedWorkspaceId(ctx) };
  // The schema's pattern has made sure it is a UUID, which the PostgreSQL id column needs.
  if (input.key === 'default_asset_status_id' && typeof input.value === 'string') {
    if (!(await findStatus(ctx.db, { workspaceId: scope.workspaceId, id: input.value }))) {
      // Another workspace's status reads as absent, as every cross-tenant id does.
      throw errors.notFound('asset_status', input.value);
    }
  }
  return writeSetting(ctx, WORKSPACE_SETTINGS, { scope, key: input.key, value: input.value, actorUserId: ctx.actor.userId });
}
