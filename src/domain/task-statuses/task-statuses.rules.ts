import { errors } from '../errors.js';

/** Gap between appended statuses, so a client can slot one in between without renumbering. */
export const TASK_RANK_STEP = 1000;
export const TASK_RANK_MAX = 999_999_999;

/**
 * Statuses a workspace starts with, seeded on first use (the seed guide filters on "Completed"). The first open
 * status by rank is the default of a new task.
 */
export const DEFAULT_TASK_STATUSES: ReadonlyArray<{ name: string; color: string; isClosed: boolean }> = [
  { name: 'Pending', color: '#9CA3AF', isClosed: false },
  { name: 'In Progress', color: '#3B82F6', isClosed: false },
  { name: 'Completed', color: '#10B981', isClosed: true },
];

export const DEFAULT_TASK_STATUS_COLOR = '#9CA3AF';

/** A client's rank: an integer from 0 to TASK_RANK_MAX. */
export function cleanTaskRank(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > TASK_RANK_MAX) {
    throw errors.invalidField('body', 'rank', `must be an integer from 0 to ${TASK_RANK_MAX}`);
  }
  return value;
}

/** The rank after `last` (or the first rank). */
export const nextTaskRank = (last: number | undefined): number => Math.min((last ?? 0) + TASK_RANK_STEP, TASK_RANK_MAX);
