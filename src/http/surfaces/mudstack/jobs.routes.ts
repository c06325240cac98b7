import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { getJob, listJobs } from '../../../domain/job-views/job-views.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors } from './common.schemas.js';
import { presentJob } from './jobs.present.js';
import { Job, JobList, JobListQuery, JobParams } from './jobs.schemas.js';

const tags = ['Jobs'];
const config = { scope: 'workspace' } as const;

/**
 * Read-only views of the job queue for workspace admins (docs/api-core.md "Jobs"): the jobs working for this
 * workspace (media probes, derivatives, imports, webhook deliveries, Vionlabs processing tasks...).
 */
export const jobsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/jobs',
    {
      config,
      schema: {
        tags,
        summary: 'The workspace\'s jobs, newest first: {"jobs": [Job]}',
        description:
          'Workspace admins only. Filters `state` and `name` combine with AND. System jobs (sweeps, prunes) and account ' +
          'e-mail are not listed. The next page\'s cursor is in `next_cursor` and the `x-next-cursor` header.',
        querystring: JobListQuery,
        response: { 200: JobList, ...authErrors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await listJobs(ctxOf(request), { state: q.state, name: q.name, limit: q.limit ?? 100, cursor: q.cursor });
      if (page.nextCursor !== null) {
        void reply.header('x-next-cursor', String(page.nextCursor));
      }
      return { jobs: page.items.map(presentJob), next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/workspaces/jobs/:job_id',
    {
      config,
      schema: {
        tags,
        summary: 'One of the workspace\'s jobs',
        description: 'Workspace admins only. Another workspace\'s job, a system job or an unknown id is 404.',
        params: JobParams,
        response: { 200: Job, ...authErrors },
      },
    },
    async (request) => presentJob(await getJob(ctxOf(request), request.params.job_id)),
  );
};
