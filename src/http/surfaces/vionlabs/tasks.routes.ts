import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createTask, deactivateTask, getTask, listItemTasks } from '../../../domain/processing/tasks.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { presentTask } from './present.js';
import { config, errorResponses, ItemId, KeyQuery, Priority, tags, TaskParams, TaskStatusJson } from './schemas.js';

/* The Tasks API (spec §3.3, seed 004; docs/vionlabs.md "Tasks"). */

const taskKey = (p: { inventory_id: string; product: string; version: string }) => ({ itemKey: p.inventory_id, product: p.product, version: p.version });

export const tasksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const path = '/tasks/catalog-item/:inventory_id/product/:product/version/:version';

  app.get(path, {
    config,
    schema: { tags, summary: 'Status of one task', params: TaskParams, querystring: Type.Object(KeyQuery), response: { 200: TaskStatusJson, ...errorResponses } },
  }, async (request) => presentTask(await getTask(ctxOf(request), taskKey(request.params)), request.params.inventory_id));

  app.post(path, {
    config,
    schema: {
      tags,
      summary: 'Create a task (request processing)',
      params: TaskParams,
      querystring: Type.Object(KeyQuery),
      body: Type.Optional(Type.Union([Type.Null(), Type.Object({ priority: Type.Optional(Priority) }, { additionalProperties: false })])),
      response: { 200: TaskStatusJson, ...errorResponses },
    },
  }, async (request) => {
    const priority = request.body?.priority ?? 'low';
    return presentTask(await createTask(ctxOf(request), taskKey(request.params), priority), request.params.inventory_id);
  });

  app.delete(path, {
    config,
    schema: { tags, summary: 'Deactivate a task (cancels its queued or running work)', params: TaskParams, querystring: Type.Object(KeyQuery), response: { 200: TaskStatusJson, ...errorResponses } },
  }, async (request) => presentTask(await deactivateTask(ctxOf(request), taskKey(request.params)), request.params.inventory_id));

  app.get('/tasks/catalog-item/:inventory_id', {
    config,
    schema: {
      tags,
      summary: 'Every task of one catalog item',
      params: Type.Object({ inventory_id: ItemId }),
      querystring: Type.Object(KeyQuery),
      response: {
        200: Type.Array(Type.Object({ task_status: Type.Object({ status: Type.String(), error: Type.Union([Type.String(), Type.Null()]) }), product: Type.String(), version: Type.String() })),
        ...errorResponses,
      },
    },
  }, async (request) => {
    const tasks = await listItemTasks(ctxOf(request), request.params.inventory_id);
    return tasks.map((t) => ({ task_status: { status: t.status, error: t.error }, product: t.product, version: t.version }));
  });
};
