import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { getCurrentWorkspace } from '../../../domain/workspaces/workspaces.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors } from './common.schemas.js';
import { presentWorkspace } from './workspaces.present.js';
import { Workspace } from './workspaces.schemas.js';

const tags = ['Workspaces'];

/** Mudstack §4: the workspace named by x-workspace-id. */
export const workspacesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'Get the current workspace', response: { 200: Workspace, ...authErrors } },
    },
    async (request) => presentWorkspace(await getCurrentWorkspace(ctxOf(request))),
  );
};
