import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Ctx } from '../../../domain/context.js';
import { changeProjectAssets, changeProjectWatchers, listProjectWatchers } from '../../../domain/projects/project-links.service.js';
import { usersWithRoles } from '../../../domain/tasks/task-request-views.js';
import { ctxOf } from '../../plugins/auth.js';
import { IntLike, PagingQuery, paging } from './conventions.js';
import { rowId, rowIds } from './ids.js';
import { presentUser } from './present.js';
import { ProjectParams } from './projects.routes.js';
import { WsUser, wsErrors } from './schemas.js';

const tags = ['Workstream'];
const config = { scope: 'credential' } as const;

const ProjectAssetParams = Type.Object({
  id: Type.String({ pattern: '^[0-9]{1,10}$', description: 'Project id' }),
  assetId: Type.String({ pattern: '^[0-9]{1,10}$', description: 'Asset id' }),
});
const AssetIdsBody = Type.Object({ assetids: Type.Array(IntLike, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false });
const WatchersBody = Type.Object(
  {
    user_ids: Type.Array(IntLike, { minItems: 1, maxItems: 100 }),
    message: Type.Optional(Type.String({ minLength: 1, maxLength: 3000 })),
  },
  { additionalProperties: false },
);

const projectId = (ctx: Ctx, id: string) => rowId(ctx, 'projects', id, { field: 'id', part: 'params', what: 'project' });

async function presentWatchers(ctx: Ctx, id: string, page: { offset: number; limit: number }) {
  const users = await listProjectWatchers(ctx, id, page);
  const roles = await usersWithRoles(ctx, users);
  return users.map((u) => presentUser(roles.get(u.id) ?? { user: u, role: null }));
}

/** Linking assets (P7, P8, P10, P11) and watchers (P6, P9, P12) of spec §1.4.4. */
export const projectLinksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const [method, op, summary] of [
    ['POST', 'link', 'Link one asset to a project (P7)'],
    ['DELETE', 'unlink', 'Unlink one asset from a project; the asset itself is not deleted (P10)'],
  ] as const) {
    app.route({
      method,
      url: '/projects/:id/assets/:assetId',
      config,
      schema: {
        tags,
        summary,
        description: 'Editors only. Answers 204; linking a linked asset (or unlinking an unlinked one) changes nothing.',
        params: ProjectAssetParams,
        response: { 204: Type.Null({ description: 'Done; no body' }), ...wsErrors },
      },
      handler: async (request, reply) => {
        const ctx = ctxOf(request);
        const id = await projectId(ctx, request.params.id);
        const asset = await rowId(ctx, 'assets', request.params.assetId, { field: 'assetId', part: 'params', what: 'asset' });
        await changeProjectAssets(ctx, id, op, [asset]);
        return reply.status(204).send(null);
      },
    });
  }

  for (const [method, op, summary] of [
    ['POST', 'link', 'Link assets to a project (P8)'],
    ['DELETE', 'unlink', 'Unlink assets from a project; the assets themselves are not deleted (P11)'],
  ] as const) {
    app.route({
      method,
      url: '/projects/:id/assets',
      config,
      schema: {
        tags,
        summary,
        description: 'Editors only. `assetids[]` (1-100 asset ids). An id that is not a live asset of the workspace: 404 naming it, nothing changed. Answers 204.',
        params: ProjectParams,
        body: AssetIdsBody,
        response: { 204: Type.Null({ description: 'Done; no body' }), ...wsErrors },
      },
      handler: async (request, reply) => {
        const ctx = ctxOf(request);
        const id = await projectId(ctx, request.params.id);
        const assets = await rowIds(ctx, 'assets', request.body.assetids, { field: 'assetids', what: 'asset' });
        await changeProjectAssets(ctx, id, op, assets);
        return reply.status(204).send(null);
      },
    });
  }

  app.get(
    '/projects/:id/watchers',
    {
      config,
      schema: {
        tags,
        summary: 'List a project\'s watchers (P6)',
        params: ProjectParams,
        querystring: Type.Object(PagingQuery, { additionalProperties: false }),
        response: { 200: Type.Array(WsUser), ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      return presentWatchers(ctx, await projectId(ctx, request.params.id), paging(request.query));
    },
  );

  for (const [method, op, summary] of [
    ['PUT', 'add', 'Add watchers to a project, notifying them with the message (P9)'],
    ['DELETE', 'remove', 'Remove watchers from a project, notifying them with the message (P12)'],
  ] as const) {
    app.route({
      method,
      url: '/projects/:id/watchers',
      config,
      schema: {
        tags,
        summary,
        description: 'Anyone may add or remove themselves; others need editor rights or being the project\'s sponsor or owner. Answers the project\'s watchers after the change (the first 100).',
        params: ProjectParams,
        body: WatchersBody,
        response: { 200: Type.Array(WsUser), ...wsErrors },
      },
      handler: async (request) => {
        const ctx = ctxOf(request);
        const id = await projectId(ctx, request.params.id);
        const userIds = await rowIds(ctx, 'users', request.body.user_ids, { field: 'user_ids', what: 'user' });
        await changeProjectWatchers(ctx, id, op, { userIds, message: request.body.message });
        return presentWatchers(ctx, id, { offset: 0, limit: 100 });
      },
    });
  }
};
