import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { inTransaction, scopedAccountId, type Ctx } from '../context.js';
import { errors, type FieldProblem } from '../errors.js';
import { recordHistory } from '../history/history.service.js';

/*
 * Custom metadata (spec §2.3.6; docs/medialoopster.md "Custom metadata"): per account, a field has a `key` (unique in
 * the account), a display name (`value`), an `order`, a set (which names the asset kind it applies to) and an
 * optional validation rule, a regular expression the whole value must match. Values live in each asset's
 * `meta_field_store`, keyed by `key`.
 */

export const CONTENT_TYPES = ['audio', 'image', 'video', 'project'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/** Largest text of one custom metadata value. */
export const MAX_META_VALUE = 10_000;

export interface CustomFieldRecord {
  id: string;
  sequence: number;
  key: string;
  value: string;
  order: number;
  setId: string;
  setSequence: number;
  contentType: string;
  ruleId: string | null;
  ruleSequence: number | null;
  regex: string | null;
  message: string | null;
}

function fieldsQuery(db: Kysely<DB>, accountId: string) {
  return db
    .selectFrom('custom_metadata_fields as f')
    .innerJoin('custom_metadata_sets as s', 's.id', 'f.set_id')
    .leftJoin('custom_metadata_rules as r', 'r.id', 'f.rule_id')
    .select([
      'f.id', 'f.sequence', 'f.key', 'f.value', 'f.order', 'f.set_id as setId', 's.sequence as setSequence', 's.content_type as contentType',
      'f.rule_id as ruleId', 'r.sequence as ruleSequence', 'r.regex', 'r.message',
    ])
    .where('f.account_id', '=', accountId);
}

const normalise = (r: CustomFieldRecord): CustomFieldRecord => ({
  ...r,
  sequence: Number(r.sequence),
  setSequence: Number(r.setSequence),
  order: Number(r.order),
  ruleSequence: r.ruleSequence === null ? null : Number(r.ruleSequence),
});

/** One page of the account's fields, optionally of one content type, by order then id. */
export async function pageCustomFields(ctx: Ctx, q: { contentType?: ContentType | undefined; limit: number; offset: number }): Promise<{ items: CustomFieldRecord[]; total: number }> {
  let query = fieldsQuery(ctx.db, scopedAccountId(ctx));
  if (q.contentType !== undefined) {
    query = query.where('s.content_type', '=', q.contentType);
  }
  const [rows, count] = await Promise.all([
    query.orderBy('f.order').orderBy('f.sequence').limit(q.limit).offset(q.offset).execute(),
    query.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(normalise), total: Number(count.n) };
}

/** A field of the account by integer id, or undefined. */
export async function findCustomField(ctx: Ctx, sequence: number): Promise<CustomFieldRecord | undefined> {
  const row = await fieldsQuery(ctx.db, scopedAccountId(ctx)).where('f.sequence', '=', sequence).executeTakeFirst();
  return row ? normalise(row) : undefined;
}

const compile = (regex: string): RegExp => new RegExp(`^(?:${regex})$`, 'u');

/**
 * A `meta_field_store` checked against the definitions of the asset kind: every key a field of a set of that kind,
 * every value text (numbers and booleans are written as text; null removes the key) matching the field's rule.
 * Every bad key is reported, each at `/meta_field_store/<key>`, and nothing is written.
 */
export async function assertMetaFieldStore(ctx: Ctx, kind: ContentType, store: Record<string, unknown>): Promise<Record<string, string>> {
  const fields = await fieldsQuery(ctx.db, scopedAccountId(ctx)).where('s.content_type', '=', kind).execute();
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const out = new Map<string, string>();
  const problems: FieldProblem[] = [];
  const problem = (key: string, message: string) =>
    problems.push({ in: 'body', pointer: `/meta_field_store/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, message });
  for (const [key, raw] of Object.entries(store)) {
    const field = byKey.get(key);
    if (!field) {
      problem(key, `"${key}" is not a custom metadata field of ${kind} assets.`);
      continue;
    }
    if (raw === null) {
      continue;
    }
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      problem(key, 'Not a valid string.');
      continue;
    }
    const value = String(raw);
    if (value.length > MAX_META_VALUE) {
      problem(key, `Ensure this field has no more than ${MAX_META_VALUE} characters.`);
      continue;
    }
    if (field.regex !== null && !compile(field.regex).test(value)) {
      problem(key, field.message || `Enter a valid value for "${field.value}".`);
      continue;
    }
    out.set(key, value);
  }
  if (problems.length > 0) {
    throw errors.invalid('custom_metadata_invalid', `Invalid custom metadata: ${problems.map((p) => p.pointer.slice('/meta_field_store/'.length)).join(', ')}.`, problems);
  }
  return Object.fromEntries(out);
}

/* Administration through the core API (account admins). */

export async function createCustomSet(ctx: Ctx, input: { name: string; contentType: ContentType }) {
  requirePermission(ctx.actor, 'account.settings.update');
  const now = isoNow(ctx.clock);
  return inTransaction(ctx, async (tx) => {
    const row = await tx.db
      .insertInto('custom_metadata_sets')
      .values({ id: newId(), account_id: scopedAccountId(tx), name: input.name, content_type: input.contentType, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordHistory(tx, { accountId: row.account_id, userId: tx.actor.userId, subjectType: 'custom_metadata', recordId: row.id, type: 'custom_metadata_set_created', data: { name: row.name } });
    return row;
  });
}

export async function createCustomRule(ctx: Ctx, input: { name: string; regex: string; message: string }) {
  requirePermission(ctx.actor, 'account.settings.update');
  try {
    compile(input.regex);
  } catch {
    throw errors.invalidField('body', 'regex', 'must be a valid regular expression');
  }
  const now = isoNow(ctx.clock);
  return inTransaction(ctx, async (tx) => {
    const row = await tx.db
      .insertInto('custom_metadata_rules')
      .values({ id: newId(), account_id: scopedAccountId(tx), name: input.name, regex: input.regex, message: input.message, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordHistory(tx, { accountId: row.account_id, userId: tx.actor.userId, subjectType: 'custom_metadata', recordId: row.id, type: 'custom_metadata_rule_created', data: { name: row.name } });
    return row;
  });
}

export async function createCustomField(ctx: Ctx, input: { setId: string; key: string; value: string; order: number; ruleId: string | null }) {
  requirePermission(ctx.actor, 'account.settings.update');
  const accountId = scopedAccountId(ctx);
  const now = isoNow(ctx.clock);
  return inTransaction(ctx, async (tx) => {
    const set = await tx.db.selectFrom('custom_metadata_sets').select('id').where('account_id', '=', accountId).where('id', '=', input.setId).executeTakeFirst();
    if (!set) {
      throw errors.invalidField('body', 'set_id', 'must be a custom metadata set of this account');
    }
    if (input.ruleId !== null) {
      const rule = await tx.db.selectFrom('custom_metadata_rules').select('id').where('account_id', '=', accountId).where('id', '=', input.ruleId).executeTakeFirst();
      if (!rule) {
        throw errors.invalidField('body', 'rule_id', 'must be a validation rule of this account');
      }
    }
    const taken = await tx.db.selectFrom('custom_metadata_fields').select('id').where('account_id', '=', accountId).where('key', '=', input.key).executeTakeFirst();
    if (taken) {
      throw errors.conflict('custom_metadata_key_taken', `A custom metadata field with key "${input.key}" already exists.`);
    }
    const row = await tx.db
      .insertInto('custom_metadata_fields')
      .values({ id: newId(), account_id: accountId, set_id: input.setId, key: input.key, value: input.value, order: input.order, rule_id: input.ruleId, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordHistory(tx, { accountId, userId: tx.actor.userId, subjectType: 'custom_metadata', recordId: row.id, type: 'custom_metadata_field_created', data: { key: row.key } });
    return row;
  });
}

/** Every set, rule and field of the account (core admin listing). */
export async function listCustomMetadata(ctx: Ctx) {
  requirePermission(ctx.actor, 'account.read');
  const accountId = scopedAccountId(ctx);
  const [sets, rules, fields] = await Promise.all([
    ctx.db.selectFrom('custom_metadata_sets').selectAll().where('account_id', '=', accountId).orderBy('sequence').execute(),
    ctx.db.selectFrom('custom_metadata_rules').selectAll().where('account_id', '=', accountId).orderBy('sequence').execute(),
    ctx.db.selectFrom('custom_metadata_fields').selectAll().where('account_id', '=', accountId).orderBy('sequence').execute(),
  ]);
  return { sets, rules, fields };
}

/** Deletes a field definition (values already stored on assets stay until the asset's store is next written). */
export async function deleteCustomField(ctx: Ctx, id: string): Promise<void> {
  requirePermission(ctx.actor, 'account.settings.update');
  const accountId = scopedAccountId(ctx);
  await inTransaction(ctx, async (tx) => {
    const r = await tx.db.deleteFrom('custom_metadata_fields').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) {
      throw errors.notFound('custom_metadata_field', id);
    }
    await recordHistory(tx, { accountId, userId: tx.actor.userId, subjectType: 'custom_metadata', recordId: id, type: 'custom_metadata_field_deleted' });
  });
}
