import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { TaskChecklistItemRow } from '../../../db/schema.js';
import { coreChecklist, replaceCoreChecklist } from '../../../domain/tasks/task-checklists.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors } from './common.schemas.js';
import { TaskParams } from './tasks.schemas.js';
import { ChecklistBody, ChecklistItem, type ChecklistItemJson } from './task-checklist.schemas.js';

const tags = ['Tasks'];
const config = { scope: 'workspace' } as const;

const present = (row: TaskChecklistItemRow): ChecklistItemJson => ({
  id: row.id,
  task_id: row.task_id,
  value: row.value,
  done: row.status === 1,
  position: row.pos,
  creator_id: row.creator_id,
  completed_by_id: row.completed_by_id,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

/** A task's checklist in the core API: the rows of the Workstream routes T7/T11, by UUID, in the core's shapes. */
export const taskChecklistRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/tasks/:task_id/checklist',
    { config, schema: { tags, summary: 'The task\'s checklist, in order', params: TaskParams, response: { 200: Type.Array(ChecklistItem), ...authErrors } } },
    async (request) => (await coreChecklist(ctxOf(request), request.params.task_id)).map(present),
  );

  app.put(
    '/workspaces/tasks/:task_id/checklist',
    {
      config,
      schema: {
        tags,
        summary: 'Replace the task\'s checklist (tick, edit, add, remove and reorder in one request)',
        description:
          'The whole list, in order: an item with the `id` of one of the task\'s items keeps it (and who made it), one without is new, ' +
          'items left out are removed. A ticked item records who ticked it. Editors, the task\'s creator and its assignee may change it ' +
          '(403 otherwise). One history event `task_checklist_updated`. Answers the checklist after the change.',
        params: TaskParams,
        body: ChecklistBody,
        response: { 200: Type.Array(ChecklistItem), ...authErrors },
      },
    },
    async (request) => {
      const items = request.body.checklist_items.map((i) => ({ id: i.id, value: i.value, status: i.done ? (1 as const) : (0 as const) }));
      return (await replaceCoreChecklist(ctxOf(request), request.params.task_id, items)).map(present);
    },
  );
};
