import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { UserRow } from '../../../db/schema.js';
import { setTaskWatcher, taskWatchers } from '../../../domain/tasks/task-watchers.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors } from './common.schemas.js';
import { TaskParams } from './tasks.schemas.js';
import { TaskWatcherBody, TaskWatcherParams, TaskWatchers, type TaskWatchersJson } from './task-watchers.schemas.js';
import { presentUser } from './users.present.js';

const tags = ['Tasks'];
const config = { scope: 'workspace' } as const;

const present = (w: { watching: boolean; watchers: UserRow[] }): TaskWatchersJson => ({ watching: w.watching, watchers: w.watchers.map(presentUser) });

const changeDescription =
  'Anyone who may see the task may watch it or stop watching (`me`); changing someone else needs an editor or the ' +
  'task\'s creator (403). The person added or removed is notified (`task_watcher_added` / `task_watcher_removed`) ' +
  'with the optional `message`, unless they changed themselves. Idempotent: a change that changes nothing notifies ' +
  'nobody. A user outside the workspace is 404. Answers the watchers after the change.';

/**
 * Task watchers in the core API: the rows of the Workstream routes (T6, T12, T16), by UUID. Watchers get a
 * `task_updated` notification when someone else changes the task, whichever surface the change came through.
 */
export const taskWatchersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/tasks/:task_id/watchers',
    { config, schema: { tags, summary: 'Whether the caller watches the task, and who does', params: TaskParams, response: { 200: TaskWatchers, ...authErrors } } },
    async (request) => present(await taskWatchers(ctxOf(request), request.params.task_id)),
  );

  for (const [method, watch, summary] of [
    ['PUT', true, 'Add a watcher to the task (`me`: watch it yourself)'],
    ['DELETE', false, 'Remove a watcher from the task (`me`: stop watching)'],
  ] as const) {
    app.route({
      method,
      url: '/workspaces/tasks/:task_id/watchers/:user_id',
      config,
      schema: { tags, summary, description: changeDescription, params: TaskWatcherParams, body: TaskWatcherBody, response: { 200: TaskWatchers, ...authErrors } },
      handler: async (request) =>
        present(await setTaskWatcher(ctxOf(request), request.params.task_id, request.params.user_id, watch, request.body?.message)),
    });
  }
};
