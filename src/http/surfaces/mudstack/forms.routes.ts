import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { archiveForm, createForm, getForm, listForms, updateForm, type FormInput } from '../../../domain/forms/forms.service.js';
import { listFormFields } from '../../../domain/forms/forms.repo.js';
import { scopedWorkspaceId } from '../../../domain/context.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors, ErrorBody, Offset } from './common.schemas.js';
import { FormCreateBody, FormJson, FormParams, FormUpdateBody, presentCoreForm } from './forms.schemas.js';

const tags = ['Forms'];
const config = { scope: 'workspace' } as const;
const writeErrors = { ...authErrors, 409: ErrorBody } as const;

type Body = { icon?: string | undefined; status?: 0 | 1 | undefined; allow_guests?: boolean | undefined; fields?: FormInput['fields'] };
const input = (b: Body): FormInput => ({ icon: b.icon, status: b.status, allowGuests: b.allow_guests, fields: b.fields });

/** Administration of request forms (Workstream has no routes to create them; issue #14 item 9). */
export const formsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/forms',
    {
      config,
      schema: {
        tags,
        summary: 'List the workspace\'s request forms (Atelier)',
        description: 'Oldest first, archived ones included for admins; other members see active forms only.',
        querystring: Type.Object(
          { offset: Type.Optional(Offset), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(FormJson), ...authErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const rows = await listForms(ctx, { sort: 'id', desc: false, offset: request.query.offset ?? 0, limit: request.query.limit ?? 100 });
      const workspaceId = scopedWorkspaceId(ctx);
      return Promise.all(rows.map(async (form) => presentCoreForm({ form, fields: await listFormFields(ctx.db, { workspaceId, formId: form.id }) })));
    },
  );

  app.post(
    '/workspaces/forms',
    {
      config,
      schema: {
        tags,
        summary: 'Create a request form (workspace admins; Atelier)',
        description: 'Fields in order; a "Task name" field (type 29) is added first (or moved first) and is always required. Writes a `form_created` event.',
        body: FormCreateBody,
        response: { 200: FormJson, ...writeErrors },
      },
    },
    async (request) => presentCoreForm(await createForm(ctxOf(request), { name: request.body.name, ...input(request.body) })),
  );

  app.get(
    '/workspaces/forms/:form_id',
    { config, schema: { tags, summary: 'Get a request form with its fields (Atelier)', params: FormParams, response: { 200: FormJson, ...authErrors } } },
    async (request) => presentCoreForm(await getForm(ctxOf(request), request.params.form_id)),
  );

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/workspaces/forms/:form_id',
      config,
      schema: {
        tags,
        summary: 'Update a request form (workspace admins; Atelier)',
        description: '`fields` replaces the whole list (fields sent with their `id` keep it). `status` 1 or 0 also restores an archived form. Writes a `form_updated` event.',
        params: FormParams,
        body: FormUpdateBody,
        response: { 200: FormJson, ...writeErrors },
      },
      handler: async (request) => presentCoreForm(await updateForm(ctxOf(request), request.params.form_id, { name: request.body.name, ...input(request.body) })),
    });
  }

  app.delete(
    '/workspaces/forms/:form_id',
    {
      config,
      schema: {
        tags,
        summary: 'Archive a request form (workspace admins; Atelier)',
        description: 'Sets status -1 (Workstream\'s "temporarily deleted"); no task can be made from it; its tasks keep their answers. Writes a `form_archived` event.',
        params: FormParams,
        response: { 200: FormJson, ...writeErrors },
      },
    },
    async (request) => presentCoreForm(await archiveForm(ctxOf(request), request.params.form_id)),
  );
};
