import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Ctx } from '../../../domain/context.js';
import { errors } from '../../../domain/errors.js';
import { listChecklist, replaceChecklist, type ChecklistItemInput } from '../../../domain/tasks/task-checklists.service.js';
import { requireTaskRequest } from '../../../domain/tasks/task-requests.service.js';
import { usersWithRoles } from '../../../domain/tasks/task-request-views.js';
import { changeWatchers, listWatchers } from '../../../domain/tasks/task-watchers.service.js';
import { findUsersByIds } from '../../../domain/users/users.repo.js';
import type { TaskChecklistItemRow } from '../../../db/schema.js';
import { ctxOf } from '../../plugins/auth.js';
import { IntLike, NullableIntLike, PagingQuery, paging } from './conventions.js';
import { rowId, rowIds } from './ids.js';
import { presentChecklistItem, presentUser } from './present.js';
import { WsChecklistItem, WsUser, wsErrors } from './schemas.js';
import { TaskParams } from './tasks.routes.js';

const tags = ['Workstream'];
const config = { scope: 'credential' } as const;

const ChecklistItem = Type.Object(
  {
    id: Type.Optional(IntLike),
    value: Type.String({ minLength: 1, maxLength: 3000 }),
    status: Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal('0'), Type.Literal('1')]),
    pos: Type.Optional(IntLike),
    creator_id: Type.Optional(NullableIntLike),
    completed_by_id: Type.Optional(NullableIntLike),
    // The read shape's fields, so a client can send back what it read after changing it.
    task_id: Type.Optional(IntLike),
    created_at: Type.Optional(IntLike),
    updated_at: Type.Optional(IntLike),
  },
  { additionalProperties: false },
);
const ChecklistBody = Type.Object(
  { checklist_items: Type.Optional(Type.Array(ChecklistItem, { maxItems: 500, description: 'The whole checklist; left out or empty clears it.' })) },
  { additionalProperties: false },
);
const WatchersBody = Type.Object(
  {
    user_ids: Type.Array(IntLike, { minItems: 1, maxItems: 100 }),
    message: Type.Optional(Type.String({ minLength: 1, maxLength: 3000 })),
  },
  { additionalProperties: false },
);

const taskId = (ctx: Ctx, id: string) => rowId(ctx, 'tasks', id, { field: 'id', part: 'params', what: 'task' });
const isEmpty = (v: unknown): boolean => v === null || v === '' || v === undefined;

async function presentChecklist(ctx: Ctx, taskUuid: string, rows: TaskChecklistItemRow[]) {
  const task = await requireTaskRequest(ctx, taskUuid);
  const users = await findUsersByIds(ctx.db, rows.flatMap((r) => [r.creator_id, r.completed_by_id]).filter((u): u is string => u !== null));
  return rows.map((r) => presentChecklistItem(r, task.sequence, users));
}

async function presentWatchers(ctx: Ctx, taskUuid: string, page: { offset: number; limit: number }) {
  const users = await listWatchers(ctx, taskUuid, page);
  const roles = await usersWithRoles(ctx, users);
  return users.map((u) => presentUser(roles.get(u.id) ?? { user: u, role: null }));
}

/** Checklists (T7, T11) and watchers (T6, T12, T16) of spec §1.4.7. */
export const taskExtrasRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/tasks/:id/checklists',
    { config, schema: { tags, summary: 'Get a task\'s checklist, in `pos` order (T7)', params: TaskParams, response: { 200: Type.Array(WsChecklistItem), ...wsErrors } } },
    async (request) => {
      const ctx = ctxOf(request);
      const id = await taskId(ctx, request.params.id);
      return presentChecklist(ctx, id, await listChecklist(ctx, id));
    },
  );

  app.post(
    '/tasks/:id/checklists',
    {
      config,
      schema: {
        tags,
        summary: 'Replace a task\'s whole checklist (T11)',
        description:
          'Send every item (`value`, `status` 0/1, `pos`, `creator_id`, `completed_by_id`); items that carry the `id` of an existing item keep it. Answers the new checklist.',
        params: TaskParams,
        body: ChecklistBody,
        response: { 200: Type.Array(WsChecklistItem), ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const id = await taskId(ctx, request.params.id);
      const given = request.body.checklist_items ?? [];
      const items: ChecklistItemInput[] = [];
      for (const [i, item] of given.entries()) {
        const at = (f: string) => `checklist_items/${i}/${f}`;
        const user = async (v: unknown, f: string) => (isEmpty(v) ? null : rowId(ctx, 'users', v, { field: at(f), part: 'body', what: 'user' }));
        let itemId: string | undefined;
        if (item.id !== undefined) {
          itemId = await rowId(ctx, 'task_checklist_items', item.id, { field: at('id'), part: 'body', what: 'checklist_item' }).catch(() => {
            throw errors.invalidField('body', at('id'), 'must be the id of one of this task\'s checklist items');
          });
        }
        const pos = item.pos === undefined ? undefined : Number(item.pos);
        if (pos !== undefined && pos > 1_000_000) {
          throw errors.invalidField('body', at('pos'), 'must be at most 1000000');
        }
        items.push({
          id: itemId,
          value: item.value,
          status: Number(item.status) === 1 ? 1 : 0,
          pos,
          creatorId: item.creator_id === undefined ? undefined : await user(item.creator_id, 'creator_id'),
          completedById: item.completed_by_id === undefined ? undefined : await user(item.completed_by_id, 'completed_by_id'),
        });
      }
      return presentChecklist(ctx, id, await replaceChecklist(ctx, id, items));
    },
  );

  app.get(
    '/tasks/:id/watchers',
    {
      config,
      schema: {
        tags,
        summary: 'List a task\'s watchers (T6)',
        params: TaskParams,
        querystring: Type.Object(PagingQuery, { additionalProperties: false }),
        response: { 200: Type.Array(WsUser), ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      return presentWatchers(ctx, await taskId(ctx, request.params.id), paging(request.query));
    },
  );

  for (const [method, op, summary] of [
    ['PUT', 'add', 'Add watchers to a task, notifying them with the message (T12)'],
    ['DELETE', 'remove', 'Remove watchers from a task, notifying them with the message (T16)'],
  ] as const) {
    app.route({
      method,
      url: '/tasks/:id/watchers',
      config,
      schema: {
        tags,
        summary,
        description: 'Answers the task\'s watchers after the change (the first 100).',
        params: TaskParams,
        body: WatchersBody,
        response: { 200: Type.Array(WsUser), ...wsErrors },
      },
      handler: async (request) => {
        const ctx = ctxOf(request);
        const id = await taskId(ctx, request.params.id);
        const userIds = await rowIds(ctx, 'users', request.body.user_ids, { field: 'user_ids', what: 'user' });
        await changeWatchers(ctx, id, op, { userIds, message: request.body.message });
        return presentWatchers(ctx, id, { offset: 0, limit: 100 });
      },
    });
  }
};
