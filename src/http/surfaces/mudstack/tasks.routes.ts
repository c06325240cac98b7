import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { TaskInput } from '../../../domain/tasks/tasks.service.js';
import { createAssetTask, createTask, deleteTask, getTask, updateTask } from '../../../domain/tasks/tasks.service.js';
import { listAssetTasks, listTasks, type ListTasksInput } from '../../../domain/tasks/tasks-list.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { AssetParams } from './assets.schemas.js';
import { authErrors, ErrorBody, Ok } from './common.schemas.js';
import { presentTask } from './tasks.present.js';
import {
  Task,
  TaskCreateBody,
  TaskList,
  TaskListQuery,
  TaskParams,
  TaskUpdateBody,
  type TaskListQueryJson,
  type TaskUpdateBodyJson,
} from './tasks.schemas.js';

const tags = ['Tasks'];
const config = { scope: 'workspace' } as const;
const writeErrors = { ...authErrors, 409: ErrorBody } as const;

const taskInput = (b: TaskUpdateBodyJson): TaskInput => ({
  title: b.title,
  description: b.description,
  assigneeId: b.assignee_id,
  priority: b.priority,
  status: b.status,
  statusId: b.status_id,
  dueDate: b.due_date,
  assetId: b.asset_id,
});

const listInput = (q: TaskListQueryJson): ListTasksInput => ({
  status: q.status,
  statusId: q.status_id,
  assigneeId: q.assignee_id,
  creatorId: q.creator_id,
  assetId: q.asset_id,
  projectId: q.project_id,
  priority: q.priority,
  dueBefore: q.due_before,
  dueAfter: q.due_after,
  open: q.open,
  q: q.q,
  sort: q.sort,
  limit: q.limit ?? 100,
  cursor: q.cursor,
});

const listDescription =
  'Filters combine with AND; repeated `status`/`priority` match any. `assignee_id=me` is the caller. Ids of other ' +
  'tenants match nothing. The next page\'s cursor is in `next_cursor` and the `x-next-cursor` header.';

/** Mudstack workspace tasks (spec §4 "tasks", §5.6 asset tasks); `GET /tasks` is the seed guide's form. */
export const tasksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const url of ['/tasks', '/workspaces/tasks']) {
    app.get(
      url,
      {
        config,
        schema: { tags, summary: 'List the workspace\'s tasks: {"tasks": [Task]}', description: listDescription, querystring: TaskListQuery, response: { 200: TaskList, ...authErrors } },
      },
      async (request, reply) => {
        const page = await listTasks(ctxOf(request), listInput(request.query));
        if (page.nextCursor !== null) {
          void reply.header('x-next-cursor', page.nextCursor);
        }
        return { tasks: page.items.map(presentTask), next_cursor: page.nextCursor };
      },
    );
  }

  app.post(
    '/workspaces/tasks',
    {
      config,
      schema: {
        tags,
        summary: 'Create a task (editors)',
        description:
          '`status` is a status name ("Pending") or use `status_id`; default: the first open status. The assignee must be a user ' +
          'of the workspace and is notified (`task_assigned`) unless they assigned themselves.',
        body: TaskCreateBody,
        response: { 200: Task, ...writeErrors },
      },
    },
    async (request) => presentTask(await createTask(ctxOf(request), { ...taskInput(request.body), title: request.body.title })),
  );

  app.get(
    '/workspaces/tasks/:task_id',
    { config, schema: { tags, summary: 'Get a task', params: TaskParams, response: { 200: Task, ...authErrors } } },
    async (request) => presentTask(await getTask(ctxOf(request), request.params.task_id)),
  );

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/workspaces/tasks/:task_id',
      config,
      schema: {
        tags,
        summary: 'Update a task (partial)',
        description:
          'Editors change any field; the assignee may change only `status`/`status_id` of their own task whatever their role. ' +
          'A closed status sets `completed_at`, an open one clears it.',
        params: TaskParams,
        body: TaskUpdateBody,
        response: { 200: Task, ...writeErrors },
      },
      handler: async (request) => presentTask(await updateTask(ctxOf(request), request.params.task_id, taskInput(request.body))),
    });
  }

  app.delete(
    '/workspaces/tasks/:task_id',
    { config, schema: { tags, summary: 'Delete a task (its history is kept)', params: TaskParams, response: { 200: Ok, ...authErrors } } },
    async (request) => {
      await deleteTask(ctxOf(request), request.params.task_id);
      return { ok: true };
    },
  );

  app.get(
    '/workspaces/assets/:asset_id/tasks',
    {
      config,
      schema: {
        tags,
        summary: 'Tasks linked to the asset: [Task]',
        description: 'The same filters as GET /workspaces/tasks; the next page\'s cursor is in the `x-next-cursor` header.',
        params: AssetParams,
        querystring: TaskListQuery,
        response: { 200: Type.Array(Task), ...authErrors },
      },
    },
    async (request, reply) => {
      const page = await listAssetTasks(ctxOf(request), request.params.asset_id, listInput(request.query));
      if (page.nextCursor !== null) {
        void reply.header('x-next-cursor', page.nextCursor);
      }
      return page.items.map(presentTask);
    },
  );

  app.post(
    '/workspaces/assets/:asset_id/tasks',
    {
      config,
      schema: { tags, summary: 'Create a task on the asset (editors)', params: AssetParams, body: TaskCreateBody, response: { 200: Task, ...writeErrors } },
    },
    async (request) =>
      presentTask(await createAssetTask(ctxOf(request), request.params.asset_id, { ...taskInput(request.body), title: request.body.title })),
  );
};
