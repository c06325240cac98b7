import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { inTransaction, type Ctx } from '../../../domain/context.js';
import { submitForm, type SubmissionInput } from '../../../domain/forms/form-submissions.service.js';
import { ensureGuestSession, getGuestTask, guestCtx, guestFormTenant, listGuestTasks, requireGuestSession } from '../../../domain/forms/guest-sessions.service.js';
import { parseSurfaceId, uuidsOf } from '../../../domain/ids/surface-ids.js';
import { errors } from '../../../domain/errors.js';
import { REQUEST_SORTS } from '../../../domain/tasks/task-requests.repo.js';
import { listRequestStatuses, listTaskRequests, requireTaskRequest, updateTaskRequest } from '../../../domain/tasks/task-requests.service.js';
import { viewTaskRequest, viewTaskRequests } from '../../../domain/tasks/task-request-views.js';
import { ctxOf } from '../../plugins/auth.js';
import { FilterQuery, filterValues, IntLike, isDesc, NullableIntLike, PagingQuery, paging, SortDir, toUnixSeconds } from './conventions.js';
import { idScope, rowId, rowIds } from './ids.js';
import { presentStatus, presentTask } from './present.js';
import { WsStatus, WsTask, wsErrors } from './schemas.js';

const tags = ['Workstream'];
const config = { scope: 'credential' } as const;

/** Every documented sort key (spec T1); those without data behind them yet sort by `public_id` (docs/workstream.md). */
const DOCUMENTED_SORTS = [
  ...REQUEST_SORTS,
  'assignee_type',
  'recently_viewed',
  'recipient',
] as const;

export const TaskParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,10}$', description: 'Task id' }) });

const SessionId = Type.String({ maxLength: 100, description: 'A guest session id (from submitting a form without a token); used only without a token' });

const ListQuery = Type.Object(
  {
    session_id: Type.Optional(SessionId),
    sort: Type.Optional(Type.Union(DOCUMENTED_SORTS.map((s) => Type.Literal(s)))),
    sortdir: Type.Optional(SortDir),
    ...PagingQuery,
    filter: FilterQuery(['assignee_id', 'project_id', 'status', 'watching']),
  },
  { additionalProperties: false },
);

const CreateBody = Type.Object(
  {
    form_id: IntLike,
    assetids: Type.Optional(Type.Array(IntLike, { maxItems: 100 })),
    keywords: Type.Optional(Type.String({ maxLength: 3000 })),
    status: Type.Optional(IntLike),
    name: Type.Optional(Type.String({ maxLength: 255 })),
    due_date: Type.Optional(NullableIntLike),
    assignee_id: Type.Optional(NullableIntLike),
    project_id: Type.Optional(NullableIntLike),
    fields: Type.Optional(
      Type.Array(Type.Unknown(), { maxItems: 500, description: 'Answers: `{id, response}` per form field (a bare field id: no response)' }),
    ),
    session_id: Type.Optional(SessionId),
  },
  { additionalProperties: false },
);

const UpdateBody = Type.Object(
  {
    status: Type.Optional(IntLike),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    due_date: Type.Optional(NullableIntLike),
    assignee_id: Type.Optional(NullableIntLike),
    project_id: Type.Optional(NullableIntLike),
  },
  { additionalProperties: false },
);

const isEmpty = (v: unknown): v is null | '' => v === null || v === '';
const guestConfig = { scope: 'credential-optional' } as const;

/**
 * T1, T2: without a token a guest session id is needed; without either the request is refused as unauthenticated
 * before its parameters are read (the routes are token routes to everyone else).
 */
async function requireTokenOrSession(request: FastifyRequest): Promise<void> {
  const query = request.query as Record<string, unknown> | undefined;
  const given = typeof query?.session_id === 'string' ? query.session_id : undefined;
  if (!request.actor && sessionIdOf(request, given) === undefined) {
    throw errors.unauthenticated();
  }
}

/** The guest session id of a request without a token: `session_id` (query or body), `X-Session-Id`, or the cookie. */
function sessionIdOf(request: FastifyRequest, given: string | undefined): string | undefined {
  const header = request.headers['x-session-id'];
  const cookie = /(?:^|;\s*)session_id=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
  return given ?? (typeof header === 'string' ? header : undefined) ?? cookie;
}

/** An id in the body that is not the tenant's is a field error (422 naming it), not a missing resource. */
async function bodyRowId(ctx: Ctx, table: 'task_statuses' | 'users' | 'forms' | 'projects', value: unknown, field: string): Promise<string> {
  try {
    return await rowId(ctx, table, value, { field, part: 'body', what: table });
  } catch (err) {
    throw (err as { kind?: string }).kind === 'not_found' ? errors.invalidField('body', field, `must be the id of a ${field.replace('_id', '')} of this account`) : err;
  }
}

/**
 * T8's body → the submission (ids resolved in the tenant; `assetids[]` in one query). A guest's `project_id` is
 * refused before it is resolved, so a guest cannot probe which project ids exist.
 */
async function submissionInput(ctx: Ctx, b: Static<typeof CreateBody>, formId: string, guest = false): Promise<SubmissionInput> {
  const projectSent = b.project_id !== undefined && !isEmpty(b.project_id);
  if (guest && projectSent) {
    throw errors.invalidField('body', 'project_id', 'guests cannot choose a project');
  }
  return {
    formId,
    statusId: b.status === undefined ? undefined : await bodyRowId(ctx, 'task_statuses', b.status, 'status'),
    name: b.name,
    dueDate: b.due_date === undefined ? undefined : isEmpty(b.due_date) ? null : toUnixSeconds(b.due_date, 'due_date'),
    assigneeId: b.assignee_id === undefined ? undefined : isEmpty(b.assignee_id) ? null : await bodyRowId(ctx, 'users', b.assignee_id, 'assignee_id'),
    projectId: b.project_id === undefined ? undefined : !projectSent ? null : await bodyRowId(ctx, 'projects', b.project_id, 'project_id'),
    keywords: b.keywords,
    assetIds: b.assetids === undefined ? [] : await rowIds(ctx, 'assets', b.assetids, { field: 'assetids', what: 'asset' }),
    fields: (b.fields ?? []).map((f) => (f !== null && typeof f === 'object' && !Array.isArray(f) ? (f as { id: unknown; response: unknown }) : { id: f, response: undefined })),
  };
}

/** Statuses (S1) and tasks (T1, T2, T8, T13) of spec §1.4.6-7. */
export const tasksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/statuses',
    { config, schema: { tags, summary: 'List the task statuses (S1)', response: { 200: Type.Array(WsStatus), ...wsErrors } } },
    async (request) => (await listRequestStatuses(ctxOf(request))).map(presentStatus),
  );

  app.get(
    '/tasks',
    {
      config: guestConfig,
      onRequest: requireTokenOrSession,
      schema: {
        tags,
        summary: 'List the tasks the caller may see (T1)',
        description:
          'Admins see every task but other people\'s drafts; other users the tasks they created; without a token, with the `session_id` of a guest session, the tasks that session submitted (newest first). `filter[status][]`, `filter[assignee_id][]`, `filter[project_id][]`, `filter[watching][]` (1: tasks the caller watches, 0: the others).',
        querystring: ListQuery,
        response: { 200: Type.Array(WsTask), ...wsErrors },
      },
    },
    async (request) => {
      if (!request.actor) {
        const guest = await requireGuestSession(request.server.deps, sessionIdOf(request, request.query.session_id));
        const gctx = guestCtx(request.server.deps, { accountId: guest.accountId, workspaceId: guest.session.workspace_id });
        const rows = await listGuestTasks(gctx, guest.session, paging(request.query));
        return (await viewTaskRequests(gctx, rows)).map(presentTask);
      }
      const ctx = ctxOf(request);
      const q = request.query;
      const scope = idScope(ctx);
      const ints = (field: string, values: string[] | undefined) => values?.map((v, i) => parseSurfaceId(v, `filter/${field}/${i}`, 'query'));
      const statusSeqs = ints('status', filterValues(q.filter?.status));
      const assigneeSeqs = ints('assignee_id', filterValues(q.filter?.assignee_id));
      const projectSeqs = ints('project_id', filterValues(q.filter?.project_id));
      const watching = filterValues(q.filter?.watching);
      if (watching?.some((w) => w !== '0' && w !== '1')) {
        throw errors.invalidField('query', 'filter/watching', 'must be 1 (watched by me) or 0 (not watched by me)');
      }
      // Unknown ids and other tenants' ids simply match nothing.
      const statusIds = statusSeqs && [...(await uuidsOf(ctx.db, 'task_statuses', scope, statusSeqs)).values()];
      const assigneeIds = assigneeSeqs && [...(await uuidsOf(ctx.db, 'users', scope, assigneeSeqs)).values()];
      const projectIds = projectSeqs && [...(await uuidsOf(ctx.db, 'projects', scope, projectSeqs)).values()];
      const sort = (REQUEST_SORTS as readonly string[]).includes(q.sort ?? '') ? (q.sort as (typeof REQUEST_SORTS)[number]) : 'public_id';
      const rows = await listTaskRequests(ctx, {
        sort,
        desc: isDesc(q.sortdir, q.sort === undefined),
        ...paging(q),
        filters: {
          statusIds,
          assigneeIds,
          projectIds,
          watching: watching === undefined || watching.length !== 1 ? undefined : watching[0] === '1',
        },
      });
      return (await viewTaskRequests(ctx, rows)).map(presentTask);
    },
  );

  app.get(
    '/tasks/:id',
    {
      config: guestConfig,
      onRequest: requireTokenOrSession,
      schema: {
        tags,
        summary: 'Get a task (T2)',
        description: 'Without a token, with the `session_id` of a guest session: a task that session submitted.',
        params: TaskParams,
        querystring: Type.Object({ session_id: Type.Optional(SessionId) }, { additionalProperties: false }),
        response: { 200: WsTask, ...wsErrors },
      },
    },
    async (request) => {
      if (!request.actor) {
        const guest = await requireGuestSession(request.server.deps, sessionIdOf(request, request.query.session_id));
        const gctx = guestCtx(request.server.deps, { accountId: guest.accountId, workspaceId: guest.session.workspace_id });
        const task = await getGuestTask(gctx, guest.session, parseSurfaceId(request.params.id, 'id', 'params'));
        return presentTask(await viewTaskRequest(gctx, task));
      }
      const ctx = ctxOf(request);
      const id = await rowId(ctx, 'tasks', request.params.id, { field: 'id', part: 'params', what: 'task' });
      return presentTask(await viewTaskRequest(ctx, await requireTaskRequest(ctx, id)));
    },
  );

  app.post(
    '/tasks',
    {
      config: guestConfig,
      schema: {
        tags,
        summary: 'Create a task from a form (T8)',
        // A token, or none for a form open to guests (docs/workstream.md "Guests").
        security: [{ bearer: [] }, {}],
        description:
          'With only `form_id`: an untitled draft. Send the pending status (GET /workstream/statuses) to submit; then `name` and every required field are needed. ' +
          '`assetids[]` are linked and get `keywords` as tags. Mapped fields (task name, due date, assignee, project, keywords, description) fill the task whether sent top-level or in `fields[]`; `project_id` / the project field (27) take a project id of the workspace. ' +
          'Without a token: forms open to guests only; the answer carries the guest session in `X-Session-Id` and a `session_id` cookie (docs/workstream.md).',
        body: CreateBody,
        response: { 200: WsTask, ...wsErrors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      if (!request.actor) {
        const formSeq = parseSurfaceId(b.form_id, 'form_id', 'body');
        const tenant = await guestFormTenant(request.server.deps, formSeq);
        if (!tenant) {
          throw errors.unauthenticated('This form needs a token (it is not open to guests).');
        }
        const gctx = guestCtx(request.server.deps, tenant);
        const { task, token } = await inTransaction(gctx, async (tx) => {
          const session = await ensureGuestSession(tx, sessionIdOf(request, b.session_id));
          const input = await submissionInput(tx, b, tenant.formId, true);
          return { task: await submitForm(tx, { ...input, guestSessionId: session.id }), token: session.token };
        });
        void reply.header('x-session-id', token).header('set-cookie', `session_id=${token}; Path=/workstream; HttpOnly; SameSite=Lax; Max-Age=2592000`);
        return presentTask(await viewTaskRequest(gctx, task));
      }
      const ctx = ctxOf(request);
      const formId = await bodyRowId(ctx, 'forms', b.form_id, 'form_id');
      const task = await submitForm(ctx, await submissionInput(ctx, b, formId));
      return presentTask(await viewTaskRequest(ctx, task));
    },
  );

  app.put(
    '/tasks/:id',
    {
      config,
      schema: {
        tags,
        summary: 'Update a task (T13)',
        description: '`status` is a status id from GET /workstream/statuses, never the draft status; `due_date` Unix seconds (UTC).',
        params: TaskParams,
        body: UpdateBody,
        response: { 200: WsTask, ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const b = request.body;
      const id = await rowId(ctx, 'tasks', request.params.id, { field: 'id', part: 'params', what: 'task' });
      // Ids in the body that are not the tenant's are field errors (the path's task exists; the value is bad).
      const bodyId = async (table: 'task_statuses' | 'users' | 'projects', value: unknown, field: string) => {
        const what = table === 'users' ? 'user' : table === 'projects' ? 'project' : 'status';
        try {
          return await rowId(ctx, table, value, { field, part: 'body', what });
        } catch (err) {
          throw (err as { kind?: string }).kind === 'not_found' ? errors.invalidField('body', field, `must be the id of a ${what} of this account`) : err;
        }
      };
      const row = await updateTaskRequest(ctx, id, {
        statusId: b.status === undefined ? undefined : await bodyId('task_statuses', b.status, 'status'),
        name: b.name,
        dueDate: b.due_date === undefined ? undefined : isEmpty(b.due_date) ? null : toUnixSeconds(b.due_date, 'due_date'),
        assigneeId: b.assignee_id === undefined ? undefined : isEmpty(b.assignee_id) ? null : await bodyId('users', b.assignee_id, 'assignee_id'),
        projectId: b.project_id === undefined ? undefined : isEmpty(b.project_id) ? null : await bodyId('projects', b.project_id, 'project_id'),
      });
      return presentTask(await viewTaskRequest(ctx, row));
    },
  );
};
