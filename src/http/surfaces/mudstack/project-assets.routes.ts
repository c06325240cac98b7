import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { viewAssets } from '../../../domain/assets/assets.service.js';
import { changeProjectAssets, listProjectAssets } from '../../../domain/projects/project-links.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { presentAsset } from './assets.present.js';
import { Asset } from './assets.schemas.js';
import { authErrors, Offset, Uuid } from './common.schemas.js';
import { ProjectParams } from './projects.schemas.js';

const tags = ['Projects'];
const config = { scope: 'workspace' } as const;

const ProjectAssetsQuery = Type.Object(
  {
    offset: Type.Optional(Offset),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: '1 to 500; 100 when left out' })),
  },
  { additionalProperties: false },
);
const ProjectAssetsBody = Type.Object(
  { asset_ids: Type.Array(Uuid, { minItems: 1, maxItems: 100, description: '1 to 100 asset ids of the workspace' }) },
  { additionalProperties: false },
);
const Changed = Type.Object({ changed: Type.Array(Type.String(), { description: 'The asset ids whose link changed' }) });

/**
 * A project's linked assets on the core API (the Workstream surface has the same as P3, P8 and P11 with integer ids):
 * the web app's project page lists, links and unlinks them with UUIDs. The rules are project-links.service.ts's.
 */
export const projectAssetsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/projects/:project_id/assets',
    {
      config,
      schema: {
        tags,
        summary: 'A project\'s live assets, in the order they were linked',
        params: ProjectParams,
        querystring: ProjectAssetsQuery,
        response: { 200: Type.Array(Asset), ...authErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const rows = await listProjectAssets(ctx, request.params.project_id, { offset: request.query.offset ?? 0, limit: request.query.limit ?? 100 });
      return (await viewAssets(ctx, rows)).map(presentAsset);
    },
  );

  for (const [method, op, summary] of [
    ['POST', 'link', 'Link assets to a project (editors)'],
    ['DELETE', 'unlink', 'Unlink assets from a project (editors); the assets themselves stay'],
  ] as const) {
    app.route({
      method,
      url: '/workspaces/projects/:project_id/assets',
      config,
      schema: {
        tags,
        summary,
        description:
          'JSON `{asset_ids: [...]}`. An id that is not a live asset of the workspace: 404 naming it, nothing changed. ' +
          'Linking a linked asset (or unlinking an unlinked one) changes nothing; `changed` lists the ids that did change.',
        params: ProjectParams,
        body: ProjectAssetsBody,
        response: { 200: Changed, ...authErrors },
      },
      handler: async (request) => ({ changed: await changeProjectAssets(ctxOf(request), request.params.project_id, op, request.body.asset_ids) }),
    });
  }
};
