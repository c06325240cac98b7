import type { FormFieldRow, FormRow, TaskRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { can, requirePermission } from '../access.js';
import { inTransaction, scopedAccountId, scopedWorkspaceId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { uuidsOf } from '../ids/surface-ids.js';
import { notify } from '../notifications/notifications.service.js';
import { addAssetTags } from '../tags/asset-tags.service.js';
import { draftStatusOf, statusesWithDraft } from '../task-statuses/draft-status.js';
import { insertTaskAssetLinks } from '../tasks/task-assets.repo.js';
import { isWorkspaceUser, insertTask } from '../tasks/tasks.repo.js';
import { cleanTaskDescription } from '../tasks/tasks.rules.js';
import { findForm, listFormFields } from './forms.repo.js';
import { checkResponse, FIELD_TYPES, FORM_STATUS, isBlank, keywordList, parseContent } from './forms.rules.js';

/*
 * T8: a task made from a form (spec §1.4.7 "Creating a task"; docs/workstream.md "Creating a task"). With only
 * `form_id` it is an untitled draft; sending the pending status submits it. Mapped fields (name, due date, assignee,
 * project, keywords, description) fill the task's columns whether they come top-level or through `fields[]` (top-level wins).
 * Every response is checked against its field's type before anything is written; required fields are enforced when
 * the task is submitted (any status but draft). Keywords become tags of the linked assets when the submitter may tag
 * them. The answers are stored with the task (`tasks.form_fields`) and shown with it.
 */

export const TASK_CREATED = 'task_created';

export interface SubmissionInput {
  /** The form (resolved in the tenant). */
  formId: string;
  statusId?: string | undefined;
  name?: string | undefined;
  /** Unix seconds; null clears. */
  dueDate?: number | null | undefined;
  assigneeId?: string | null | undefined;
  /** A project of the workspace (resolved in the tenant); null: none. */
  projectId?: string | null | undefined;
  keywords?: string | undefined;
  /** Assets to link (resolved in the tenant). */
  assetIds: readonly string[];
  /** `fields[]` as sent: the field's integer id and the raw response. */
  fields: ReadonlyArray<{ id: unknown; response: unknown }>;
  /** The guest session submitting (no user). */
  guestSessionId?: string | undefined;
}

/** One stored answer (in `tasks.form_fields.responses`). */
export interface StoredResponse {
  id: number;
  field_id: string;
  type: number;
  response: unknown;
}

/** What `tasks.form_fields` holds for a task made from a form. */
export interface StoredSubmission {
  form: number;
  form_id: string;
  keywords: string | null;
  responses: StoredResponse[];
}

interface Checked {
  field: FormFieldRow;
  index: number;
  response: unknown;
}

function fieldsById(fields: readonly FormFieldRow[]): Map<number, FormFieldRow> {
  return new Map(fields.map((f) => [Number(f.sequence), f]));
}

/** Checks `fields[]` against the form: ids of this form's fields, each response by its type. Nothing is written. */
function checkFields(form: FormFieldRow[], sent: SubmissionInput['fields']): Checked[] {
  const byId = fieldsById(form);
  const seen = new Set<number>();
  return sent.map((f, index) => {
    const id = typeof f.id === 'number' ? f.id : typeof f.id === 'string' && /^[1-9][0-9]{0,9}$/.test(f.id) ? Number(f.id) : NaN;
    const field = byId.get(id);
    if (!field) {
      throw errors.invalidField('body', `fields/${index}/id`, 'must be the id of one of the form\'s fields');
    }
    if (seen.has(id)) {
      throw errors.invalidField('body', `fields/${index}/id`, 'names a field already answered');
    }
    seen.add(id);
    return { field, index, response: checkResponse(field.type, field.content, f.response, `fields/${index}/response`) };
  });
}

const answerOf = (checked: readonly Checked[], type: number): Checked | undefined => checked.find((c) => c.field.type === type && !isBlank(c.response));

/** The form to fill in: active, in the tenant (guests: also open to guests). */
async function requireFillableForm(ctx: Ctx, formId: string, guest: boolean): Promise<FormRow> {
  const form = await findForm(ctx.db, { workspaceId: scopedWorkspaceId(ctx), id: formId });
  if (!form || (guest && form.allow_guests !== 1)) {
    throw guest ? errors.unauthenticated() : errors.notFound('form', formId);
  }
  if (form.status !== FORM_STATUS.active) {
    throw errors.invalidField('body', 'form_id', 'must be an active form (this one is inactive or deleted)');
  }
  return form;
}

/** T8: creates the task; returns its row. */
export async function submitForm(ctx: Ctx, input: SubmissionInput): Promise<TaskRow> {
  const guest = input.guestSessionId !== undefined;
  if (!guest) {
    requirePermission(ctx.actor, 'asset.read');
  }
  const workspaceId = scopedWorkspaceId(ctx);
  const accountId = scopedAccountId(ctx);
  return inTransaction(ctx, async (tx) => {
    const form = await requireFillableForm(tx, input.formId, guest);
    const fields = await listFormFields(tx.db, { workspaceId, formId: form.id });
    const checked = checkFields(fields, input.fields);

    // Mapped fields: top-level values win over the same answer in fields[].
    const nameAnswer = answerOf(checked, FIELD_TYPES.taskName);
    const name = input.name ?? (nameAnswer ? String(nameAnswer.response) : '');
    if (name.length > 255) {
      throw errors.invalidField('body', nameAnswer && input.name === undefined ? `fields/${nameAnswer.index}/response` : 'name', 'must be at most 255 characters');
    }
    const dueAnswer = answerOf(checked, FIELD_TYPES.dueDate);
    const dueDate = input.dueDate !== undefined ? input.dueDate : dueAnswer ? (dueAnswer.response as number) : null;
    const keywordAnswer = answerOf(checked, FIELD_TYPES.keywords);
    const keywords = input.keywords ?? (keywordAnswer ? String(keywordAnswer.response) : null);
    const descAnswer = answerOf(checked, FIELD_TYPES.taskDescription);
    const description = descAnswer ? cleanTaskDescription(String(descAnswer.response)) : '';
    // Guests may not place a task in a project (nor choose an assignee or link assets, below); refused before any id
    // is looked up, so a guest learns nothing about which project ids exist.
    const projectAnswer = answerOf(checked, FIELD_TYPES.project);
    if (guest && ((input.projectId !== undefined && input.projectId !== null) || projectAnswer)) {
      throw errors.invalidField('body', input.projectId !== undefined ? 'project_id' : `fields/${projectAnswer?.index ?? 0}/response`, 'guests cannot choose a project');
    }
    let projectId = input.projectId ?? null;
    if (input.projectId === undefined && projectAnswer) {
      const seq = Number(projectAnswer.response);
      const found = (await uuidsOf(tx.db, 'projects', { accountId, workspaceId }, [seq])).get(seq);
      if (!found) {
        throw errors.invalidField('body', `fields/${projectAnswer.index}/response`, 'must be the id of a project of this workspace');
      }
      projectId = found;
    }
    let assigneeId = input.assigneeId ?? null;
    const assigneeAnswer = answerOf(checked, FIELD_TYPES.assignee);
    if (input.assigneeId === undefined && assigneeAnswer) {
      const seq = Number(assigneeAnswer.response);
      const found = (await uuidsOf(tx.db, 'users', { accountId, workspaceId }, [seq])).get(seq);
      if (!found) {
        throw errors.invalidField('body', `fields/${assigneeAnswer.index}/response`, 'must be the id of a user of this account');
      }
      assigneeId = found;
    }
    if (assigneeId !== null && !(await isWorkspaceUser(tx.db, { accountId, workspaceId, userId: assigneeId }))) {
      throw errors.invalidField('body', input.assigneeId !== undefined ? 'assignee_id' : `fields/${assigneeAnswer?.index ?? 0}/response`, 'must be a user of this workspace');
    }
    // Attachments are assets of the workspace, linked to the task like `assetids[]`.
    const attachmentIds: string[] = [];
    for (const c of checked.filter((x) => x.field.type === FIELD_TYPES.attachments && Array.isArray(x.response))) {
      const items = c.response as Array<{ id: string | number }>;
      const seqs = items.map((item, j) => {
        const n = typeof item.id === 'number' ? item.id : /^[1-9][0-9]{0,9}$/.test(item.id) ? Number(item.id) : NaN;
        if (!Number.isSafeInteger(n)) {
          throw errors.invalidField('body', `fields/${c.index}/response/${j}/id`, 'must be an asset id');
        }
        return n;
      });
      const found = await uuidsOf(tx.db, 'assets', { accountId, workspaceId }, seqs);
      seqs.forEach((s, j) => {
        const id = found.get(s);
        if (!id) {
          throw errors.invalidField('body', `fields/${c.index}/response/${j}/id`, 'must be the id of an asset of this workspace');
        }
        attachmentIds.push(id);
      });
    }
    const linked = [...new Set([...input.assetIds, ...attachmentIds])];
    if (guest && (linked.length > 0 || assigneeId !== null)) {
      throw errors.invalidField('body', linked.length > 0 ? 'assetids' : 'assignee_id', 'guests cannot link assets or choose an assignee');
    }
    if (linked.length > 0) {
      const live = await tx.db.selectFrom('assets').select('id').where('workspace_id', '=', workspaceId).where('id', 'in', linked).where('deleted_at', 'is', null).execute();
      const liveSet = new Set(live.map((r) => r.id));
      const bad = input.assetIds.findIndex((a) => !liveSet.has(a));
      if (bad >= 0 || live.length < linked.length) {
        throw errors.invalidField('body', bad >= 0 ? `assetids/${bad}` : 'fields', 'is an asset in the trash');
      }
    }

    const statuses = await statusesWithDraft(tx);
    const draft = draftStatusOf(statuses);
    const status = input.statusId === undefined ? draft : statuses.find((s) => s.id === input.statusId);
    if (!status) {
      throw errors.invalidField('body', 'status', 'must be a status id from GET /workstream/statuses');
    }
    // Submitting (any status but the draft one) needs the name and every required field (spec §1.5 item 19).
    if (status.is_draft !== 1) {
      if (name.trim() === '') {
        throw errors.invalidField('body', 'name', 'is required to submit the form (the "Task name" field)');
      }
      const mappedValue: Record<number, boolean> = {
        [FIELD_TYPES.taskName]: name.trim() !== '',
        [FIELD_TYPES.dueDate]: dueDate !== null,
        [FIELD_TYPES.keywords]: keywords !== null && keywords !== '',
        [FIELD_TYPES.assignee]: assigneeId !== null,
        [FIELD_TYPES.project]: projectId !== null,
      };
      for (const field of fields) {
        if (!parseContent(field.content).required || mappedValue[field.type] === true) {
          continue;
        }
        const answered = checked.find((c) => c.field.id === field.id && !isBlank(c.response));
        if (!answered) {
          const at = checked.find((c) => c.field.id === field.id);
          throw errors.invalidField('body', at ? `fields/${at.index}/response` : 'fields', `field ${String(field.sequence)} ("${parseContent(field.content).question}") is required to submit the form`);
        }
      }
    }

    const now = isoNow(tx.clock);
    const stored: StoredSubmission = {
      form: Number(form.sequence),
      form_id: form.id,
      keywords: keywords === '' ? null : keywords,
      responses: checked.map((c) => ({ id: Number(c.field.sequence), field_id: c.field.id, type: c.field.type, response: c.response })),
    };
    const userId = guest ? null : tx.actor.userId;
    const task = await insertTask(tx.db, {
      id: newId(),
      account_id: accountId,
      workspace_id: workspaceId,
      project_id: projectId,
      asset_id: linked[0] ?? null,
      title: name,
      description,
      priority: 2,
      status_id: status.id,
      creator_id: userId,
      assignee_id: assigneeId,
      due_date: dueDate === null ? null : new Date(dueDate * 1000).toISOString(),
      form_fields: JSON.stringify(stored),
      keyword_count: keywordList(stored.keywords).length,
      form_id: form.id,
      guest_session_id: input.guestSessionId ?? null,
      completed_at: status.is_closed === 1 ? now : null,
      created_at: now,
      updated_at: now,
    });
    await insertTaskAssetLinks(tx.db, { workspaceId, taskId: task.id, assetIds: linked, userId, now });
    // Keywords become tags of the linked assets (spec T8), with the submitter's rights to tag.
    const tags = keywordList(keywords);
    if (!guest && tags.length > 0 && linked.length > 0 && can(tx.actor, 'asset.write')) {
      for (const assetId of linked) {
        await addAssetTags(tx, assetId, { names: tags });
      }
    }
    await tx.db.updateTable('forms').set({ last_used_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', form.id).execute();
    const data = { before: null, after: { title: task.title, status: status.name, status_id: status.id, form_id: form.id, assignee_id: assigneeId, project_id: projectId, asset_ids: linked } };
    for (const assetId of linked.length === 0 ? [null] : linked) {
      await recordHistory(tx, { accountId, workspaceId, assetId, userId, subjectType: 'task', recordId: task.id, type: TASK_CREATED, data });
    }
    if (assigneeId !== null && assigneeId !== userId) {
      await notify(tx, {
        accountId,
        workspaceId,
        userIds: [assigneeId],
        type: 'task_assigned',
        data: { task_id: task.id, title: task.title, asset_id: task.asset_id, by_user_id: userId },
      });
    }
    return task;
  });
}

/** The stored answers of a task made from a form, or undefined for other tasks. */
export function storedSubmission(formFields: string): StoredSubmission | undefined {
  try {
    const v = JSON.parse(formFields) as Partial<StoredSubmission>;
    return typeof v.form === 'number' && Array.isArray(v.responses) ? (v as StoredSubmission) : undefined;
  } catch {
    return undefined;
  }
}
