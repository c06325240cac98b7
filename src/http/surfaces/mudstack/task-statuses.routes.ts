import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { createTaskStatus, deleteTaskStatus, listTaskStatuses, updateTaskStatus } from '../../../domain/task-statuses/task-statuses.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors, ErrorBody, Ok } from './common.schemas.js';
import { presentTaskStatus } from './tasks.present.js';
import { TaskStatus, TaskStatusCreateBody, TaskStatusParams, TaskStatusUpdateBody } from './tasks.schemas.js';

const tags = ['Tasks'];
const config = { scope: 'workspace' } as const;
const writeErrors = { ...authErrors, 409: ErrorBody } as const;

/** Task statuses per workspace (an Atelier path: Mudstack documents only the names "Pending" and "Completed"). */
export const taskStatusesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/tasks/statuses',
    {
      config,
      schema: {
        tags,
        summary: 'List the workspace\'s task statuses in rank order',
        description: 'A workspace starts with Pending, In Progress (open) and Completed (closed), created on first use.',
        response: { 200: Type.Array(TaskStatus), ...authErrors },
      },
    },
    async (request) => (await listTaskStatuses(ctxOf(request))).map(presentTaskStatus),
  );

  app.post(
    '/workspaces/tasks/statuses',
    {
      config,
      schema: {
        tags,
        summary: 'Create a task status (workspace admins)',
        description: 'Names are unique per workspace, case-insensitively (409). Without `rank` the status goes last.',
        body: TaskStatusCreateBody,
        response: { 200: TaskStatus, ...writeErrors },
      },
    },
    async (request) => {
      const b = request.body;
      return presentTaskStatus(await createTaskStatus(ctxOf(request), { name: b.name, color: b.color, rank: b.rank, isClosed: b.is_closed }));
    },
  );

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/workspaces/tasks/statuses/:status_id',
      config,
      schema: {
        tags,
        summary: 'Update a task status (workspace admins)',
        description: 'The last open status cannot be closed (409). Tasks keep their `completed_at`.',
        params: TaskStatusParams,
        body: TaskStatusUpdateBody,
        response: { 200: TaskStatus, ...writeErrors },
      },
      handler: async (request) => {
        const b = request.body;
        return presentTaskStatus(
          await updateTaskStatus(ctxOf(request), request.params.status_id, { name: b.name, color: b.color, rank: b.rank, isClosed: b.is_closed }),
        );
      },
    });
  }

  app.delete(
    '/workspaces/tasks/statuses/:status_id',
    {
      config,
      schema: {
        tags,
        summary: 'Delete a task status (workspace admins)',
        description: '409 while a task has it, and for the last open status.',
        params: TaskStatusParams,
        response: { 200: Ok, ...writeErrors },
      },
    },
    async (request) => {
      await deleteTaskStatus(ctxOf(request), request.params.status_id);
      return { ok: true };
    },
  );
};
