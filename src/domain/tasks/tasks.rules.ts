import { errors, type FieldProblem } from '../errors.js';

/** Mudstack task priorities; stored as 1..3 so they sort by weight. */
export const TASK_PRIORITIES = ['Low', 'Medium', 'High'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export const DEFAULT_PRIORITY: TaskPriority = 'Medium';

export const priorityValue = (p: TaskPriority): number => TASK_PRIORITIES.indexOf(p) + 1;
export const priorityName = (n: number): TaskPriority => TASK_PRIORITIES[n - 1] ?? DEFAULT_PRIORITY;

export const TITLE_MAX = 500;
export const TASK_DESCRIPTION_MAX = 20_000;

/** A task title: control characters removed and trimmed; empty or too long is refused. */
export function cleanTitle(value: string, part: FieldProblem['in'] = 'body'): string {
  // eslint-disable-next-line no-control-regex
  const title = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (title === '') {
    throw errors.invalidField(part, 'title', 'must not be empty');
  }
  if (title.length > TITLE_MAX) {
    throw errors.invalidField(part, 'title', `must be at most ${TITLE_MAX} characters`);
  }
  return title;
}

export function cleanTaskDescription(value: string): string {
  if (value.length > TASK_DESCRIPTION_MAX) {
    throw errors.invalidField('body', 'description', `must be at most ${TASK_DESCRIPTION_MAX} characters`);
  }
  return value;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * A due date: `YYYY-MM-DD` is kept as a calendar date; an ISO date-time with an offset is stored in UTC
 * (`...Z`). Both sort as text, a date before any time of that day.
 */
export function cleanDueDate(value: string, field: string, part: FieldProblem['in']): string {
  const v = value.trim();
  const date = DATE_RE.exec(v);
  if (date) {
    const d = new Date(`${v}T00:00:00.000Z`);
    if (!Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v) {
      return v;
    }
  } else if (DATE_TIME_RE.test(v)) {
    const d = new Date(v);
    if (!Number.isNaN(d.getTime())) {
      return d.toISOString();
    }
  }
  throw errors.invalidField(part, field, 'must be an ISO date (YYYY-MM-DD) or date-time with an offset');
}

/** Sort keys of GET /tasks; `-key` sorts descending. */
export const TASK_SORT_KEYS = ['created_at', 'updated_at', 'due_date', 'priority'] as const;
export type TaskSortKey = (typeof TASK_SORT_KEYS)[number];
export interface TaskSort {
  key: TaskSortKey;
  desc: boolean;
}

export function parseTaskSort(value: string | undefined): TaskSort {
  if (value === undefined || value === '') {
    return { key: 'created_at', desc: true };
  }
  const desc = value.startsWith('-');
  const key = desc ? value.slice(1) : value;
  if (!(TASK_SORT_KEYS as readonly string[]).includes(key)) {
    throw errors.invalidField('query', 'sort', `must be one of ${TASK_SORT_KEYS.join(', ')}, optionally prefixed with -`);
  }
  return { key: key as TaskSortKey, desc };
}

/** Where the next page starts: the sort value and sequence of the last task of this page. */
export interface TaskCursor {
  value: string | number;
  sequence: number;
}

/** Opaque to clients; it only means something with the same `sort`. */
export const encodeTaskCursor = (c: TaskCursor): string => Buffer.from(JSON.stringify([c.value, c.sequence])).toString('base64url');

export function decodeTaskCursor(value: string, sort: TaskSort): TaskCursor {
  const bad = () => errors.invalidField('query', 'cursor', 'is not a cursor of this listing (use next_cursor with the same sort)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || !Number.isSafeInteger(parsed[1])) {
    throw bad();
  }
  const [v, sequence] = parsed as [unknown, number];
  const wantsNumber = sort.key === 'priority';
  if ((wantsNumber && !Number.isSafeInteger(v)) || (!wantsNumber && typeof v !== 'string')) {
    throw bad();
  }
  return { value: v as string | number, sequence };
}

/** Stands in for "no due date" when sorting, so undated tasks come after dated ones (ascending). */
export const NO_DUE_DATE = '9999-12-31T23:59:59.999Z';
