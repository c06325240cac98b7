import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { parseSurfaceId, uuidsOf } from '../../../domain/ids/surface-ids.js';
import { errors } from '../../../domain/errors.js';
import { FORM_SORTS, type FormSort } from '../../../domain/forms/forms.repo.js';
import { getVisibleForm, listForms, usageOf } from '../../../domain/forms/forms.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { FilterQuery, filterValues, isDesc, PagingQuery, paging, SortDir } from './conventions.js';
import { idScope, rowId } from './ids.js';
import { presentForm, WsForm } from './forms.schemas.js';
import { wsErrors } from './schemas.js';

const tags = ['Workstream'];
const config = { scope: 'credential' } as const;

/** Every documented sort key (spec F1); `permitted_users` has no data behind it and sorts by id. */
const DOCUMENTED_SORTS = [...FORM_SORTS, 'permitted_users'] as const;
const Flag = Type.Union([Type.Literal('1'), Type.Literal('0'), Type.Literal('true'), Type.Literal('false'), Type.Boolean(), Type.Integer({ minimum: 0, maximum: 1 })]);

const ListQuery = Type.Object(
  {
    sort: Type.Optional(Type.Union(DOCUMENTED_SORTS.map((s) => Type.Literal(s)))),
    sortdir: Type.Optional(SortDir),
    ...PagingQuery,
    filter: FilterQuery(['owner_id', 'status', 'brandportal_id'], Type.String({ pattern: '^-?[0-9]{1,10}$' })),
    datatable: Type.Optional(Flag),
  },
  { additionalProperties: false },
);

/** Forms F1, F2 (spec §1.4.2): read-only here; administered on the core API (/workspaces/forms). */
export const formsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/forms',
    {
      config,
      schema: {
        tags,
        summary: 'List the request forms (F1)',
        description:
          'Admins see every form (active, inactive, deleted); other users the active ones. `fields` is null here. With `datatable=1`, `totals` and `stats` are filled (docs/workstream.md). ' +
          'Filters: `owner_id` (user ids), `status` (1, 0, -1), `brandportal_id` (matches nothing: no brand portals).',
        querystring: ListQuery,
        response: { 200: Type.Array(WsForm), ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const q = request.query;
      const statuses = filterValues(q.filter?.status)?.map((s, i) => {
        if (!['1', '0', '-1'].includes(s)) {
          throw errors.invalidField('query', `filter/status/${i}`, 'must be 1, 0 or -1');
        }
        return Number(s);
      });
      const ownerSeqs = filterValues(q.filter?.owner_id)?.map((v, i) => parseSurfaceId(v, `filter/owner_id/${i}`, 'query'));
      const brand = filterValues(q.filter?.brandportal_id);
      const ownerIds = ownerSeqs && [...(await uuidsOf(ctx.db, 'users', idScope(ctx), ownerSeqs)).values()];
      const sort: FormSort | 'id' = (FORM_SORTS as readonly string[]).includes(q.sort ?? '') ? (q.sort as FormSort) : 'id';
      const rows = await listForms(ctx, { sort, desc: isDesc(q.sortdir, false), ...paging(q), statuses, ownerIds, matchNothing: brand !== undefined });
      const datatable = q.datatable === true || q.datatable === 1 || q.datatable === '1' || q.datatable === 'true';
      if (!datatable) {
        return rows.map((f) => presentForm(f, null));
      }
      const usage = await usageOf(ctx, rows.map((r) => r.id));
      const counts = await ctx.db
        .selectFrom('form_fields')
        .select(['form_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('workspace_id', '=', idScope(ctx).workspaceId)
        .where('form_id', 'in', rows.length === 0 ? [''] : rows.map((r) => r.id))
        .groupBy('form_id')
        .execute();
      const fieldCount = new Map(counts.map((c) => [c.form_id, Number(c.n)]));
      return rows.map((f) => presentForm(f, null, { usage: usage.get(f.id), fieldCount: fieldCount.get(f.id) ?? 0 }));
    },
  );

  app.get(
    '/forms/:id',
    {
      config,
      schema: {
        tags,
        summary: 'Get a request form with its fields (F2)',
        description: 'Fields in `pos` order; the "Task name" field (type 29) is always first and required. Non-admins get active forms only (else 404).',
        params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,10}$', description: 'Form id' }) }),
        response: { 200: WsForm, ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const id = await rowId(ctx, 'forms', request.params.id, { field: 'id', part: 'params', what: 'form' });
      const { form, fields } = await getVisibleForm(ctx, id);
      return presentForm(form, fields);
    },
  );
};
