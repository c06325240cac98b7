import type { TaskChecklistItemRow, TaskStatusRow, UserRow } from '../../../db/schema.js';
import type { WorkspaceRole } from '../../../domain/access.js';
import type { TaskRequestView, UserWithRole } from '../../../domain/tasks/task-request-views.js';
import { storedSubmission } from '../../../domain/forms/form-submissions.service.js';
import { unixSeconds, unixSecondsText } from './conventions.js';
import { presentRequestProject } from './request-project.js';

/*
 * Rows → Workstream JSON (spec §1.3). Integer ids are the rows' `sequence` (docs/integer-ids.md); users' ids are
 * numeric strings; timestamps are integer or string Unix seconds as each object has them.
 */

/** Workspace roles as Workstream roles: admin 1, editor 4 (contributor), viewer 5 (regular user). */
const ROLE: Record<WorkspaceRole, number> = { admin: 1, editor: 4, viewer: 5 };

/** A stable colour per user (Webdam gives each user one; Atelier stores none). */
const COLORS = ['#0D39DA', '#50AE55', '#FEC958', '#239F8F', '#43D421', '#C60000', '#00A6DC', '#F68D2E', '#8E44AD', '#E91E63'];
function colorOf(u: UserRow): string {
  return COLORS[u.sequence % COLORS.length] as string;
}

export const userIdText = (u: UserRow): string => String(u.sequence);

export function presentUser(v: UserWithRole) {
  const u = v.user;
  return {
    id: userIdText(u),
    type: 'user' as const,
    username: u.username,
    firstname: u.first_name,
    lastname: u.last_name,
    email: u.email,
    role: v.role === null ? 5 : ROLE[v.role],
    status: u.is_active === 1 ? 'active' : 'inactive',
    // Atelier serves no profile-picture URL yet; Webdam's documented "no picture" value is false.
    profile_image: false as const,
    color: colorOf(u),
    timezone: '',
    language: '',
  };
}

/** Built-in statuses (type 1) are the ones Workstream's flow names: Draft, Pending, Completed. */
const BUILT_IN = new Set(['pending', 'completed']);

export function presentStatus(s: TaskStatusRow) {
  return {
    id: s.sequence,
    name: s.name,
    color: s.color,
    type: s.is_draft === 1 || BUILT_IN.has(s.name_key) ? 1 : 2,
    created_at: unixSecondsText(s.created_at),
    updated_at: unixSecondsText(s.updated_at),
  };
}

function keywordsOf(formFields: string): string | null {
  try {
    const parsed = JSON.parse(formFields) as { keywords?: unknown };
    return typeof parsed.keywords === 'string' && parsed.keywords !== '' ? parsed.keywords : null;
  } catch {
    return null;
  }
}

/** Atelier extension: the form a task was made from and its answers (`{id, type, response}` per field). */
function formOf(formFields: string) {
  const s = storedSubmission(formFields);
  return { form_id: s ? s.form : null, fields: s ? s.responses.map((r) => ({ id: r.id, type: r.type, response: r.response })) : null };
}

export function presentTask(v: TaskRequestView) {
  const t = v.task;
  return {
    id: t.sequence,
    public_id: t.sequence,
    name: t.title,
    status: v.status?.sequence ?? 0,
    assignee_id: v.assignee ? v.assignee.user.sequence : null,
    assignee: v.assignee ? presentUser(v.assignee) : null,
    // The person who made the request (I: Webdam does not define `recipient`; docs/workstream.md).
    recipient: v.creator ? presentUser(v.creator) : null,
    project_id: v.project ? v.project.sequence : null,
    project: v.project ? presentRequestProject(v.project) : null,
    due_date: t.due_date === null ? null : unixSeconds(t.due_date),
    keywords: keywordsOf(t.form_fields),
    description: t.description === '' ? null : t.description,
    watcher_count: v.watcherCount,
    created_at: unixSeconds(t.created_at),
    updated_at: unixSeconds(t.updated_at),
    ...formOf(t.form_fields),
  };
}

/** `users`: the rows of the item's creator and completer, by UUID. */
export function presentChecklistItem(c: TaskChecklistItemRow, taskSequence: number, users: Map<string, UserRow>) {
  const userText = (id: string | null): string | null => {
    const u = id === null ? undefined : users.get(id);
    return u ? userIdText(u) : null;
  };
  return {
    creator_id: userText(c.creator_id),
    value: c.value,
    status: c.status === 1 ? (1 as const) : (0 as const),
    pos: c.pos,
    completed_by_id: userText(c.completed_by_id),
    id: c.sequence,
    task_id: taskSequence,
    created_at: unixSeconds(c.created_at),
    updated_at: unixSeconds(c.updated_at),
  };
}
