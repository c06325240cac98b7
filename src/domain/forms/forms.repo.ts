import { sql, type Kysely } from 'kysely';
import type { DB, FormFieldRow, FormRow } from '../../db/schema.js';

/* Queries of request forms and their fields; every one scoped to the workspace. */

type Scope = { workspaceId: string };

export function findForm(db: Kysely<DB>, scope: Scope & { id: string }): Promise<FormRow | undefined> {
  return db.selectFrom('forms').selectAll().where('workspace_id', '=', scope.workspaceId).where('id', '=', scope.id).executeTakeFirst();
}

/** A form's fields in `pos` order. */
export function listFormFields(db: Kysely<DB>, scope: Scope & { formId: string }): Promise<FormFieldRow[]> {
  return db.selectFrom('form_fields').selectAll().where('workspace_id', '=', scope.workspaceId).where('form_id', '=', scope.formId).orderBy('pos').orderBy('sequence').execute();
}

/** Sort keys of F1 with data behind them. */
export const FORM_SORTS = ['name', 'status', 'created_at', 'updated_at', 'owner_id', 'in_use_now', 'ever_used', 'last_used', 'completion'] as const;
export type FormSort = (typeof FORM_SORTS)[number];

export interface FormListInput {
  sort: FormSort | 'id';
  desc: boolean;
  offset: number;
  limit: number;
  /** Status values (any of). */
  statuses?: readonly number[] | undefined;
  /** Owner user ids (any of). */
  ownerIds?: readonly string[] | undefined;
  matchNothing?: boolean | undefined;
}

/** Per-form task counts (the F1 stats and its usage sorts): tasks made, still open, completed. */
export interface FormUsage {
  total: number;
  open: number;
  completed: number;
}

export async function listFormRows(db: Kysely<DB>, scope: Scope & FormListInput): Promise<FormRow[]> {
  const usage = db
    .selectFrom('tasks as t')
    .innerJoin('task_statuses as s', 's.id', 't.status_id')
    .select([
      't.form_id',
      (eb) => eb.fn.countAll<number>().as('total'),
      (eb) => eb.fn.sum<number>(eb.case().when('s.is_closed', '=', 0).then(1).else(0).end()).as('open'),
      (eb) => eb.fn.sum<number>(eb.case().when('s.is_closed', '=', 1).then(1).else(0).end()).as('completed'),
    ])
    .where('t.workspace_id', '=', scope.workspaceId)
    .where('t.form_id', 'is not', null)
    .groupBy('t.form_id')
    .as('u');
  let q = db.selectFrom('forms').leftJoin(usage, 'u.form_id', 'forms.id').selectAll('forms').where('forms.workspace_id', '=', scope.workspaceId);
  if (scope.matchNothing) {
    q = q.where(sql<boolean>`1 = 0`);
  }
  if (scope.statuses) {
    q = scope.statuses.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('forms.status', 'in', [...scope.statuses]);
  }
  if (scope.ownerIds) {
    q = scope.ownerIds.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('forms.created_by_user_id', 'in', [...scope.ownerIds]);
  }
  const dir = scope.desc ? 'desc' : 'asc';
  // NULLs sort differently in the two dialects, so nullable keys are coalesced.
  switch (scope.sort) {
    case 'name':
      q = q.orderBy(sql`lower(forms.name)`, dir);
      break;
    case 'status':
      q = q.orderBy('forms.status', dir);
      break;
    case 'created_at':
      q = q.orderBy('forms.created_at', dir);
      break;
    case 'updated_at':
      q = q.orderBy('forms.updated_at', dir);
      break;
    case 'owner_id':
      q = q.orderBy(sql`coalesce(forms.created_by_user_id, '')`, dir);
      break;
    case 'in_use_now':
      q = q.orderBy(sql`coalesce(u.open, 0)`, dir);
      break;
    case 'ever_used':
      q = q.orderBy(sql`case when coalesce(u.total, 0) > 0 then 1 else 0 end`, dir);
      break;
    case 'last_used':
      q = q.orderBy(sql`coalesce(forms.last_used_at, '')`, dir);
      break;
    case 'completion':
      q = q.orderBy(sql`coalesce(u.completed, 0) * 1.0 / case when coalesce(u.total, 0) = 0 then 1 else u.total end`, dir);
      break;
    case 'id':
      break;
  }
  return q.orderBy('forms.sequence', dir).offset(scope.offset).limit(scope.limit).execute();
}

/** Task counts per form (forms without tasks are absent). */
export async function formUsage(db: Kysely<DB>, scope: Scope & { formIds: readonly string[] }): Promise<Map<string, FormUsage>> {
  if (scope.formIds.length === 0) {
    return new Map();
  }
  const rows = await db
    .selectFrom('tasks as t')
    .innerJoin('task_statuses as s', 's.id', 't.status_id')
    .select(['t.form_id', 's.is_closed', (eb) => eb.fn.countAll<number>().as('n')])
    .where('t.workspace_id', '=', scope.workspaceId)
    .where('t.form_id', 'in', [...scope.formIds])
    .groupBy(['t.form_id', 's.is_closed'])
    .execute();
  const out = new Map<string, FormUsage>();
  for (const r of rows) {
    if (r.form_id === null) {
      continue;
    }
    const u = out.get(r.form_id) ?? { total: 0, open: 0, completed: 0 };
    const n = Number(r.n);
    u.total += n;
    if (Number(r.is_closed) === 1) {
      u.completed += n;
    } else {
      u.open += n;
    }
    out.set(r.form_id, u);
  }
  return out;
}
