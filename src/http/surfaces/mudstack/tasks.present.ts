import type { TaskStatusRow } from '../../../db/schema.js';
import type { TaskView } from '../../../domain/tasks/task-views.js';
import { priorityName } from '../../../domain/tasks/tasks.rules.js';
import { presentAsset } from './assets.present.js';
import type { TaskJson, TaskStatusJson } from './tasks.schemas.js';
import { presentUser } from './users.present.js';
import { storedInteger } from './values.present.js';

/** Mudstack Task (spec §7): `status` is the status name, as the seed guide compares it to "Completed". */
export function presentTask(view: TaskView): TaskJson {
  const t = view.task;
  return {
    id: t.id,
    sequence: t.sequence,
    creator_id: t.creator_id,
    title: t.title,
    assignee_id: t.assignee_id,
    description: t.description,
    priority: priorityName(t.priority),
    status: view.status?.name ?? '',
    status_id: t.status_id,
    due_date: t.due_date,
    account_id: t.account_id,
    workspace_id: t.workspace_id,
    asset_id: t.asset_id,
    asset: view.asset ? presentAsset(view.asset) : null,
    creator: view.creator ? presentUser(view.creator) : null,
    assignee: view.assignee ? presentUser(view.assignee) : null,
    created_at: t.created_at,
    updated_at: t.updated_at,
    completed_at: t.completed_at,
  };
}

export function presentTaskStatus(s: TaskStatusRow): TaskStatusJson {
  return { id: s.id, workspace_id: s.workspace_id, name: s.name, color: s.color, rank: storedInteger(s.rank), is_closed: s.is_closed === 1 };
}
