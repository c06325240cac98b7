import type { FormFieldRow, FormRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { requirePermission } from '../access.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { findForm, formUsage, listFormFields, listFormRows, type FormListInput, type FormUsage } from './forms.repo.js';
import { FIELD_TYPES, fieldContent, FORM_STATUS, LIMITS, MAPPED_TYPES, type FieldDefinition } from './forms.rules.js';

/*
 * Request forms (docs/workstream.md "Forms"): administered on the core API (workspace admins, with history), read on
 * Workstream (F1, F2) and filled in by T8. Every form has a "Task name" field (type 29) first and required: added when
 * the definition lacks one, moved first and made required when it has one (spec §1.5 item 19).
 */

export interface FormWithFields {
  form: FormRow;
  fields: FormFieldRow[];
}

export interface FormInput {
  name?: string | undefined;
  icon?: string | undefined;
  /** 1 active, 0 inactive (-1 is set by archiving). */
  status?: 0 | 1 | undefined;
  allowGuests?: boolean | undefined;
  /** The whole list; a field carrying the `id` of one of the form's fields keeps it. */
  fields?: ReadonlyArray<FieldDefinition & { id?: string | undefined }> | undefined;
}

export const FORM_CREATED = 'form_created';
export const FORM_UPDATED = 'form_updated';
export const FORM_ARCHIVED = 'form_archived';

function cleanName(name: string): string {
  const n = name.trim();
  if (n.length < 1 || n.length > LIMITS.formName) {
    throw errors.invalidField('body', 'name', `must be 1 to ${LIMITS.formName} characters`);
  }
  return n;
}

/** The definitions in stored order: the task-name field first; mapped types at most once. */
function orderedDefinitions(fields: ReadonlyArray<FieldDefinition & { id?: string | undefined }>) {
  if (fields.length > LIMITS.fields) {
    throw errors.invalidField('body', 'fields', `must list at most ${LIMITS.fields} fields`);
  }
  const seen = new Map<number, number>();
  const checked = fields.map((def, i) => {
    const content = fieldContent(def, `fields/${i}`);
    if (MAPPED_TYPES.has(def.type)) {
      if (seen.has(def.type)) {
        throw errors.invalidField('body', `fields/${i}/type`, 'a form has at most one field of this type (it fills a task column)');
      }
      seen.set(def.type, i);
    }
    return { def, content };
  });
  const nameIndex = checked.findIndex((c) => c.def.type === FIELD_TYPES.taskName);
  if (nameIndex < 0) {
    return [{ def: { type: FIELD_TYPES.taskName, question: 'Task name', required: true } as FieldDefinition & { id?: string }, content: { question: 'Task name', required: true } }, ...checked];
  }
  const [name] = checked.splice(nameIndex, 1);
  return name ? [name, ...checked] : checked;
}

async function replaceFields(tx: Ctx, form: FormRow, fields: ReadonlyArray<FieldDefinition & { id?: string | undefined }>, now: string): Promise<void> {
  const existing = await listFormFields(tx.db, { workspaceId: form.workspace_id, formId: form.id });
  const ordered = orderedDefinitions(fields);
  const keep = new Set<string>();
  for (const [pos, { def, content }] of ordered.entries()) {
    const old = def.id === undefined ? undefined : existing.find((f) => f.id === def.id);
    if (def.id !== undefined && !old) {
      throw errors.invalidField('body', `fields/${fields.indexOf(def)}/id`, 'must be the id of one of this form\'s fields');
    }
    if (old) {
      keep.add(old.id);
      await tx.db
        .updateTable('form_fields')
        .set({ type: def.type, pos, content: JSON.stringify(content), updated_at: now })
        .where('workspace_id', '=', form.workspace_id)
        .where('id', '=', old.id)
        .execute();
    } else {
      await tx.db
        .insertInto('form_fields')
        .values({ id: newId(), workspace_id: form.workspace_id, form_id: form.id, type: def.type, pos, content: JSON.stringify(content), created_at: now, updated_at: now })
        .execute();
    }
  }
  const gone = existing.filter((f) => !keep.has(f.id)).map((f) => f.id);
  if (gone.length > 0) {
    await tx.db.deleteFrom('form_fields').where('workspace_id', '=', form.workspace_id).where('id', 'in', gone).execute();
  }
}

async function record(tx: Ctx, form: FormRow, type: string, data: Record<string, unknown>): Promise<void> {
  await recordHistory(tx, { accountId: scopedAccountId(tx), workspaceId: form.workspace_id, userId: tx.actor.userId, subjectType: 'form', recordId: form.id, type, data });
}

/** Core API: creates a form (workspace admins). */
export async function createForm(ctx: Ctx, input: FormInput & { name: string }): Promise<FormWithFields> {
  requirePermission(ctx.actor, 'forms.manage');
  const name = cleanName(input.name);
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const now = isoNow(tx.clock);
    const form = await tx.db
      .insertInto('forms')
      .values({
        id: newId(),
        workspace_id: workspaceId,
        name,
        icon: input.icon ?? '',
        status: input.status ?? FORM_STATUS.active,
        allow_guests: input.allowGuests ? 1 : 0,
        created_by_user_id: tx.actor.userId,
        last_used_at: null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await replaceFields(tx, form, input.fields ?? [], now);
    await record(tx, form, FORM_CREATED, { name, status: form.status });
    return { form, fields: await listFormFields(tx.db, { workspaceId, formId: form.id }) };
  });
}

/** A form of the workspace with its fields, or `form_not_found`. */
export async function getForm(ctx: Ctx, id: string): Promise<FormWithFields> {
  requirePermission(ctx.actor, 'asset.read');
  const workspaceId = scopedWorkspaceId(ctx);
  const form = await findForm(ctx.db, { workspaceId, id });
  if (!form) {
    throw errors.notFound('form', id);
  }
  return { form, fields: await listFormFields(ctx.db, { workspaceId, formId: form.id }) };
}

/** Core API: partial update (workspace admins). `fields` replaces the whole list. An archived form can be restored by a status. */
export async function updateForm(ctx: Ctx, id: string, input: FormInput): Promise<FormWithFields> {
  requirePermission(ctx.actor, 'forms.manage');
  const name = input.name === undefined ? undefined : cleanName(input.name);
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const before = await findForm(tx.db, { workspaceId, id });
    if (!before) {
      throw errors.notFound('form', id);
    }
    const now = isoNow(tx.clock);
    const set = {
      ...(name === undefined ? {} : { name }),
      ...(input.icon === undefined ? {} : { icon: input.icon }),
      ...(input.status === undefined ? {} : { status: input.status }),
      ...(input.allowGuests === undefined ? {} : { allow_guests: input.allowGuests ? 1 : 0 }),
      updated_at: now,
    };
    const form = await tx.db.updateTable('forms').set(set).where('workspace_id', '=', workspaceId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    if (input.fields !== undefined) {
      await replaceFields(tx, form, input.fields, now);
    }
    await record(tx, form, FORM_UPDATED, { name: form.name, status: form.status, fields_replaced: input.fields !== undefined });
    return { form, fields: await listFormFields(tx.db, { workspaceId, formId: form.id }) };
  });
}

/** Core API: archives a form (status -1, Workstream's "temporarily deleted"); its tasks keep their answers. */
export async function archiveForm(ctx: Ctx, id: string): Promise<FormWithFields> {
  requirePermission(ctx.actor, 'forms.manage');
  const workspaceId = scopedWorkspaceId(ctx);
  return inTransaction(ctx, async (tx) => {
    const before = await findForm(tx.db, { workspaceId, id });
    if (!before) {
      throw errors.notFound('form', id);
    }
    const form =
      before.status === FORM_STATUS.deleted
        ? before
        : await tx.db.updateTable('forms').set({ status: FORM_STATUS.deleted, updated_at: isoNow(tx.clock) }).where('workspace_id', '=', workspaceId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    if (before.status !== FORM_STATUS.deleted) {
      await record(tx, form, FORM_ARCHIVED, { status_before: before.status });
    }
    return { form, fields: await listFormFields(tx.db, { workspaceId, formId: form.id }) };
  });
}

/** Whether the caller sees every form (admins) or only active ones (docs/workstream.md). */
export const seesAllForms = (ctx: Ctx): boolean => ctx.actor.workspaceRole === 'admin';

/** F1 and the core list: the workspace's forms; non-admins only active ones. */
export async function listForms(ctx: Ctx, input: FormListInput): Promise<FormRow[]> {
  requirePermission(ctx.actor, 'asset.read');
  const statuses = seesAllForms(ctx) ? input.statuses : (input.statuses ?? [FORM_STATUS.active]).filter((s) => s === FORM_STATUS.active);
  return listFormRows(ctx.db, { workspaceId: scopedWorkspaceId(ctx), ...input, statuses });
}

/** F2: a form the caller may see (non-admins: active ones only), or 404. */
export async function getVisibleForm(ctx: Ctx, id: string): Promise<FormWithFields> {
  const found = await getForm(ctx, id);
  if (!seesAllForms(ctx) && found.form.status !== FORM_STATUS.active) {
    throw errors.notFound('form', id);
  }
  return found;
}

/** Task counts per form, for the F1 `datatable` stats. */
export function usageOf(ctx: Ctx, formIds: readonly string[]): Promise<Map<string, FormUsage>> {
  return formUsage(ctx.db, { workspaceId: scopedWorkspaceId(ctx), formIds });
}
