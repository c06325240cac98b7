import type { TaskRow } from '../../db/schema.js';
import { requirePermission } from '../access.js';
import type { Ctx } from '../context.js';
import { requireTask } from './tasks.service.js';

/**
 * How a surface finds a task the caller may see, for the services both surfaces share (watchers, checklists): the
 * Workstream routes by that surface's narrower rule (requireTaskRequest: a non-admin sees the tasks they created), the
 * core routes by the core's (coreTask).
 */
export type FindTask = (ctx: Ctx, id: string) => Promise<TaskRow>;

/** The core API's visibility: every task of the workspace to its members, a draft only to its creator. */
export const coreTask: FindTask = (ctx, id) => {
  requirePermission(ctx.actor, 'asset.read');
  return requireTask(ctx, id);
};
