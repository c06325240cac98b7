import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { uuidsOf, parseSurfaceId } from '../../../domain/ids/surface-ids.js';
import { errors } from '../../../domain/errors.js';
import { viewProject, viewProjects } from '../../../domain/projects/project-views.js';
import { PROJECT_SORTS } from '../../../domain/projects/projects.repo.js';
import { PROJECT_STATUSES } from '../../../domain/projects/projects.rules.js';
import { listProjects, requireProject } from '../../../domain/projects/projects.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { FilterQuery, filterValues, isDesc, PagingQuery, paging, SortDir } from './conventions.js';
import { idScope, rowId } from './ids.js';
import { presentProject } from './projects.present.js';
import { WsProject } from './projects.schemas.js';
import { wsErrors } from './schemas.js';

const tags = ['Workstream'];
const config = { scope: 'credential' } as const;

export const ProjectParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,10}$', description: 'Project id' }) });

const ListQuery = Type.Object(
  {
    sort: Type.Optional(Type.Union(PROJECT_SORTS.map((s) => Type.Literal(s)))),
    sortdir: Type.Optional(SortDir),
    ...PagingQuery,
    filter: FilterQuery(['sponsor_id', 'status', 'watched']),
  },
  { additionalProperties: false },
);

const STATUS_VALUES = new Set<number>(Object.values(PROJECT_STATUSES));

/** Projects P1 and P2 of spec §1.4.4 (there is no Workstream route to create, change or delete one). */
export const projectsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/projects',
    {
      config,
      schema: {
        tags,
        summary: 'List the projects (P1)',
        description:
          'Every member of the workspace sees every project. Without `sort`, newest first; with a `sort` and no `sortdir`, ascending. `filter[sponsor_id][]` (user ids), `filter[status][]` (1 active, 2 on hold, 3 completed, 4 archived), `filter[watched][]` (1: projects the caller watches, 0: the others).',
        querystring: ListQuery,
        response: { 200: Type.Array(WsProject), ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const q = request.query;
      const sponsorSeqs = filterValues(q.filter?.sponsor_id)?.map((v, i) => parseSurfaceId(v, `filter/sponsor_id/${i}`, 'query'));
      const statuses = filterValues(q.filter?.status)?.map(Number);
      if (statuses?.some((s) => !STATUS_VALUES.has(s))) {
        throw errors.invalidField('query', 'filter/status', 'must be 1 (active), 2 (on hold), 3 (completed) or 4 (archived)');
      }
      const watched = filterValues(q.filter?.watched);
      if (watched?.some((w) => w !== '0' && w !== '1')) {
        throw errors.invalidField('query', 'filter/watched', 'must be 1 (watched by me) or 0 (not watched by me)');
      }
      // Unknown ids and other tenants' ids simply match nothing.
      const sponsorIds = sponsorSeqs && [...(await uuidsOf(ctx.db, 'users', idScope(ctx), sponsorSeqs)).values()];
      const rows = await listProjects(ctx, {
        sort: q.sort,
        desc: isDesc(q.sortdir, q.sort === undefined),
        ...paging(q),
        filters: { sponsorIds, statuses, watched: watched === undefined || watched.length !== 1 ? undefined : watched[0] === '1' },
      });
      return (await viewProjects(ctx, rows)).map(presentProject);
    },
  );

  app.get(
    '/projects/:id',
    { config, schema: { tags, summary: 'Get a project (P2)', params: ProjectParams, response: { 200: WsProject, ...wsErrors } } },
    async (request) => {
      const ctx = ctxOf(request);
      const id = await rowId(ctx, 'projects', request.params.id, { field: 'id', part: 'params', what: 'project' });
      return presentProject(await viewProject(ctx, await requireProject(ctx, id)));
    },
  );
};
