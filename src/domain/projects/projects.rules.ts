import { errors } from '../errors.js';
import { cleanDueDate } from '../tasks/tasks.rules.js';

/*
 * Workstream projects (spec §1.3.10, §1.4.4; docs/workstream.md "Projects"): the values a project may hold and how
 * its completion is computed.
 */

/** Project statuses: 1 active (the value Workstream's embedded project shows), 2 on hold, 3 completed, 4 archived. */
export const PROJECT_STATUSES = { active: 1, on_hold: 2, completed: 3, archived: 4 } as const;
export type ProjectStatusName = keyof typeof PROJECT_STATUSES;
export const PROJECT_STATUS_NAMES = Object.keys(PROJECT_STATUSES) as ProjectStatusName[];
export const projectStatusName = (n: number): ProjectStatusName =>
  PROJECT_STATUS_NAMES.find((k) => PROJECT_STATUSES[k] === n) ?? 'active';

export const PROJECT_NAME_MAX = 255;
export const PROJECT_DESCRIPTION_MAX = 20_000;

/** Days ahead in which an open task with a due date counts as "soon" (`tasks.tasks_soon`). */
export const TASKS_SOON_DAYS = 7;

export function cleanProjectName(value: string): string {
  // eslint-disable-next-line no-control-regex
  const name = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (name === '') {
    throw errors.invalidField('body', 'name', 'must not be empty');
  }
  if (name.length > PROJECT_NAME_MAX) {
    throw errors.invalidField('body', 'name', `must be at most ${PROJECT_NAME_MAX} characters`);
  }
  return name;
}

export function cleanProjectDescription(value: string): string {
  if (value.length > PROJECT_DESCRIPTION_MAX) {
    throw errors.invalidField('body', 'description', `must be at most ${PROJECT_DESCRIPTION_MAX} characters`);
  }
  return value;
}

/** A launch date: `YYYY-MM-DD` or an ISO date-time with an offset (stored in UTC), like a task's due date. */
export const cleanLaunchDate = (value: string): string => cleanDueDate(value, 'launch_date', 'body');

/** Task counts of a project: its tasks other than drafts, how many are closed, and the open ones by due date. */
export interface ProjectTaskStats {
  total: number;
  done: number;
  remaining: number;
  soon: number;
  overdue: number;
}

export const NO_TASKS: ProjectTaskStats = { total: 0, done: 0, remaining: 0, soon: 0, overdue: 0 };

/**
 * Completion as Workstream writes it (`"70.0000"`): the share of the project's tasks (drafts left out) whose status is
 * a closed one, in percent with 4 decimals; `"0.0000"` for a project without tasks.
 */
export function completionText(stats: ProjectTaskStats): string {
  return (stats.total === 0 ? 0 : (stats.done * 100) / stats.total).toFixed(4);
}

/** Folds one open or closed task into the stats: overdue = due before now; soon = due within TASKS_SOON_DAYS. */
export function addTask(stats: ProjectTaskStats, task: { closed: boolean; dueDate: string | null }, now: Date): ProjectTaskStats {
  const next = { ...stats, total: stats.total + 1 };
  if (task.closed) {
    next.done += 1;
    return next;
  }
  next.remaining += 1;
  if (task.dueDate !== null) {
    // A calendar date is due at the end of its day (UTC).
    const due = /^\d{4}-\d{2}-\d{2}$/.test(task.dueDate) ? Date.parse(`${task.dueDate}T23:59:59.999Z`) : Date.parse(task.dueDate);
    if (due < now.getTime()) {
      next.overdue += 1;
    } else if (due <= now.getTime() + TASKS_SOON_DAYS * 86_400_000) {
      next.soon += 1;
    }
  }
  return next;
}
