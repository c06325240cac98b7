import { Value } from '@sinclair/typebox/value';
import type { Kysely } from 'kysely';
import type { DB, SettingRow } from '../../db/schema.js';
import { isoNow, type Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { inTransaction, scopedAccountId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import {
  ACCOUNT_SETTINGS,
  ACCOUNT_SETTING_KEYS,
  isAccountSettingKey,
  type AccountSettingKey,
  type AccountSettingValue,
} from './settings.catalogue.js';

export interface SettingView {
  key: AccountSettingKey;
  value: unknown;
  default: unknown;
  description: string;
  /** null while the default applies. */
  updatedAt: string | null;
  updatedByUserId: string | null;
}

/** The account-level row of a setting (workspace_id null); the newest wins should a race have written two. */
function findAccountSettingRow(db: Kysely<DB>, accountId: string, key: string): Promise<SettingRow | undefined> {
  return db
    .selectFrom('settings')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('workspace_id', 'is', null)
    .where('key', '=', key)
    .orderBy('sequence', 'desc')
    .executeTakeFirst();
}

function decode<K extends AccountSettingKey>(key: K, row: SettingRow | undefined): AccountSettingValue<K> {
  const def = ACCOUNT_SETTINGS[key];
  if (!row) {
    return def.default as AccountSettingValue<K>;
  }
  try {
    const parsed: unknown = JSON.parse(row.value);
    // A stored value that no longer fits the catalogue (the schema was tightened) falls back to the default.
    return (Value.Check(def.schema, parsed) ? parsed : def.default) as AccountSettingValue<K>;
  } catch {
    return def.default as AccountSettingValue<K>;
  }
}

/** The effective value of an account setting (stored or default); for other features, e.g. trash retention. */
export async function getAccountSetting<K extends AccountSettingKey>(
  db: Kysely<DB>,
  accountId: string,
  key: K,
): Promise<AccountSettingValue<K>> {
  return decode(key, await findAccountSettingRow(db, accountId, key));
}

function view(key: AccountSettingKey, row: SettingRow | undefined): SettingView {
  const def = ACCOUNT_SETTINGS[key];
  return {
    key,
    value: decode(key, row),
    default: def.default,
    description: def.description,
    updatedAt: row?.updated_at ?? null,
    updatedByUserId: row?.updated_by_user_id ?? null,
  };
}

/** GET /accounts/settings: every catalogue setting with its effective value. */
export async function listAccountSettings(ctx: Ctx): Promise<SettingView[]> {
  requirePermission(ctx.actor, 'account.read');
  const rows = await ctx.db
    .selectFrom('settings')
    .selectAll()
    .where('account_id', '=', scopedAccountId(ctx))
    .where('workspace_id', 'is', null)
    .orderBy('sequence', 'asc')
    .execute();
  // Ascending order: a later row for the same key replaces an earlier one.
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return ACCOUNT_SETTING_KEYS.map((key) => view(key, byKey.get(key)));
}

/**
 * Writes an account setting (insert or update) with history, without a permission check: callers decide who may
 * (PUT /accounts/settings for admins, PUT /accounts/subscriptions for owners).
 */
export async function writeAccountSetting<K extends AccountSettingKey>(
  deps: { db: Kysely<DB>; clock: Clock },
  input: { accountId: string; key: K; value: AccountSettingValue<K>; actorUserId: string },
): Promise<SettingView> {
  return inTransaction(deps as Ctx, async (tx) => {
    const before = await findAccountSettingRow(tx.db, input.accountId, input.key);
    const now = isoNow(tx.clock);
    const value = JSON.stringify(input.value);
    let row: SettingRow;
    if (before) {
      row = await tx.db
        .updateTable('settings')
        .set({ value, updated_at: now, updated_by_user_id: input.actorUserId })
        .where('id', '=', before.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } else {
      row = await tx.db
        .insertInto('settings')
        .values({
          id: newId(),
          account_id: input.accountId,
          workspace_id: null,
          key: input.key,
          value,
          updated_by_user_id: input.actorUserId,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    await recordHistory(tx, {
      accountId: input.accountId,
      userId: input.actorUserId,
      subjectType: 'setting',
      recordId: row.id,
      type: 'setting_updated',
      data: { key: input.key, before: decode(input.key, before), after: input.value },
    });
    return view(input.key, row);
  });
}

/** PUT /accounts/settings/{key}: 404 for a key outside the catalogue, 400 (field `/value`) for a bad value. */
export async function updateAccountSetting(ctx: Ctx, input: { key: string; value: unknown }): Promise<SettingView> {
  requirePermission(ctx.actor, 'account.settings.update');
  if (!isAccountSettingKey(input.key)) {
    throw errors.notFound('setting', input.key);
  }
  const def = ACCOUNT_SETTINGS[input.key];
  const problem = Value.Errors(def.schema, input.value).First();
  if (problem) {
    throw errors.invalid('validation_failed', `Invalid value for ${input.key}: ${problem.message}.`, [
      { in: 'body', pointer: '/value', message: problem.message },
    ]);
  }
  return writeAccountSetting(ctx, {
    accountId: scopedAccountId(ctx),
    key: input.key,
    value: input.value as AccountSettingValue<typeof input.key>,
    actorUserId: ctx.actor.userId,
  });
}
