import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Ctx } from '../../../domain/context.js';
import { projectWatchers, setProjectWatcher } from '../../../domain/projects/project-links.service.js';
import { setTaskWatcher, taskWatchers } from '../../../domain/tasks/task-watchers.service.js';
import type { WatchersView } from '../../../domain/watching.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors } from './common.schemas.js';
import { presentUser } from './users.present.js';
import { WatcherBody, Watchers, WatcherUserId, type WatchersJson } from './watchers.schemas.js';

const config = { scope: 'workspace' } as const;

const present = (w: WatchersView): WatchersJson => ({ watching: w.watching, watchers: w.watchers.map(presentUser) });

interface WatchedKind {
  path: string;
  param: string;
  noun: string;
  tags: string[];
  /** Who may change someone else's watching. */
  others: string;
  /** What watchers are told. */
  told: string;
  get: (ctx: Ctx, id: string) => Promise<WatchersView>;
  set: (ctx: Ctx, id: string, userId: string, watch: boolean, message?: string) => Promise<WatchersView>;
}

/** The kinds of item people watch in the core API; each kind's service holds its rules. */
const KINDS: readonly WatchedKind[] = [
  {
    path: '/workspaces/tasks/:task_id',
    param: 'task_id',
    noun: 'task',
    tags: ['Tasks'],
    others: "an editor or the task's creator",
    told: '`task_updated` when someone else changes the task',
    get: taskWatchers,
    set: setTaskWatcher,
  },
  {
    path: '/workspaces/projects/:project_id',
    param: 'project_id',
    noun: 'project',
    tags: ['Projects'],
    others: "an editor or the project's sponsor or owner",
    told: '`project_updated` when someone else edits the project or adds or removes its assets',
    get: projectWatchers,
    set: setProjectWatcher,
  },
];

/**
 * Watchers of tasks and projects in the core API, by UUID: the rows the Workstream routes show by integer id (tasks
 * T6/T12/T16, projects P6/P9/P12). `me` is the caller.
 */
export const watchersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const kind of KINDS) {
    const idOf = (params: unknown): string => (params as Record<string, string>)[kind.param] ?? '';
    app.get(
      `${kind.path}/watchers`,
      {
        config,
        schema: {
          tags: kind.tags,
          summary: `Whether the caller watches the ${kind.noun}, and who does`,
          params: Type.Object({ [kind.param]: Type.String() }),
          response: { 200: Watchers, ...authErrors },
        },
      },
      async (request) => present(await kind.get(ctxOf(request), idOf(request.params))),
    );
    for (const [method, watch] of [
      ['PUT', true],
      ['DELETE', false],
    ] as const) {
      app.route({
        method,
        url: `${kind.path}/watchers/:user_id`,
        config,
        schema: {
          tags: kind.tags,
          summary: watch ? `Add a watcher to the ${kind.noun} (\`me\`: watch it yourself)` : `Remove a watcher from the ${kind.noun} (\`me\`: stop watching)`,
          description:
            `Anyone who may see the ${kind.noun} may watch it or stop watching (\`me\`); changing someone else needs ${kind.others} (403). ` +
            `The person added or removed is notified (\`${kind.noun}_watcher_added\` / \`${kind.noun}_watcher_removed\`) with the optional ` +
            `\`message\`, unless they changed themselves; watchers get ${kind.told}. Idempotent: a change that changes nothing notifies ` +
            'nobody. A user outside the workspace is 404. Answers the watchers after the change.',
          params: Type.Object({ [kind.param]: Type.String(), user_id: WatcherUserId }),
          body: WatcherBody,
          response: { 200: Watchers, ...authErrors },
        },
        handler: async (request) =>
          present(await kind.set(ctxOf(request), idOf(request.params), (request.params as { user_id: string }).user_id, watch, request.body?.message)),
      });
    }
  }
};
