import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { viewProject, viewProjects } from '../../../domain/projects/project-views.js';
import { createProject, deleteProject, requireProject, updateProject, listProjects, type ProjectInput } from '../../../domain/projects/projects.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors, ErrorBody, Ok } from './common.schemas.js';
import { presentProject } from './projects.present.js';
import { Project, ProjectCreateBody, ProjectListQuery, ProjectParams, ProjectUpdateBody, type ProjectBodyJson } from './projects.schemas.js';

const tags = ['Projects'];
const config = { scope: 'workspace' } as const;
const writeErrors = { ...authErrors, 409: ErrorBody, 422: ErrorBody } as const;

const projectInput = (b: ProjectBodyJson): ProjectInput => ({
  name: b.name,
  description: b.description,
  sponsorId: b.sponsor_id,
  ownerId: b.owner_id,
  status: b.status,
  launchDate: b.launch_date,
});

/**
 * Workstream projects, administered through the core API (Workstream itself has no route to create, change or
 * delete a project; docs/workstream.md "Projects"). Workspace admins write; every member reads.
 */
export const projectsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/projects',
    {
      config,
      schema: { tags, summary: 'List the workspace\'s projects, newest first', querystring: ProjectListQuery, response: { 200: Type.Array(Project), ...authErrors } },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const rows = await listProjects(ctx, { sort: undefined, desc: true, offset: request.query.offset ?? 0, limit: request.query.limit ?? 50, filters: {} });
      return (await viewProjects(ctx, rows)).map(presentProject);
    },
  );

  app.post(
    '/workspaces/projects',
    {
      config,
      schema: {
        tags,
        summary: 'Create a project (workspace admins)',
        description: 'The sponsor defaults to the caller and the owner to the sponsor; both must be users of the workspace. Recorded in history as `project_created`.',
        body: ProjectCreateBody,
        response: { 200: Project, ...writeErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      return presentProject(await viewProject(ctx, await createProject(ctx, projectInput(request.body))));
    },
  );

  app.get(
    '/workspaces/projects/:project_id',
    { config, schema: { tags, summary: 'Get a project', params: ProjectParams, response: { 200: Project, ...authErrors } } },
    async (request) => {
      const ctx = ctxOf(request);
      return presentProject(await viewProject(ctx, await requireProject(ctx, request.params.project_id)));
    },
  );

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/workspaces/projects/:project_id',
      config,
      schema: {
        tags,
        summary: 'Update a project (workspace admins)',
        description: 'Only the fields sent change; null clears `sponsor_id`, `owner_id` and `launch_date`. Recorded as `project_updated`.',
        params: ProjectParams,
        body: ProjectUpdateBody,
        response: { 200: Project, ...writeErrors },
      },
      handler: async (request) => {
        const ctx = ctxOf(request);
        return presentProject(await viewProject(ctx, await updateProject(ctx, request.params.project_id, projectInput(request.body))));
      },
    });
  }

  app.delete(
    '/workspaces/projects/:project_id',
    {
      config,
      schema: {
        tags,
        summary: 'Delete a project (workspace admins)',
        description: 'Its asset links and watchers go with it; the assets and its tasks stay (the tasks lose their project). Recorded as `project_deleted`.',
        params: ProjectParams,
        response: { 200: Ok, ...writeErrors },
      },
    },
    async (request) => {
      await deleteProject(ctxOf(request), request.params.project_id);
      return { ok: true };
    },
  );
};
