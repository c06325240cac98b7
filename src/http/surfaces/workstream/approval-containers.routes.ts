import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { callerOf, type Container } from '../../../domain/approvals/approval-access.js';
import { checkAssetApproval } from '../../../domain/approvals/approvals-read.service.js';
import { createApproval } from '../../../domain/approvals/approvals.service.js';
import { isEmail, type ApproverRef } from '../../../domain/approvals/templates.rules.js';
import type { Ctx } from '../../../domain/context.js';
import { errors } from '../../../domain/errors.js';
import { ctxOf } from '../../plugins/auth.js';
import { IntLike, NullableIntLike, toUnixSeconds } from './conventions.js';
import { rowId } from './ids.js';
import { BoolLike, emptyBody, isTrue } from './approvals.routes.js';
import { presentOneApproval } from './approvals.present-many.js';
import { WsApproval } from './approvals.schemas.js';
import { wsErrors } from './schemas.js';

const tags = ['Workstream'];
const config = { scope: 'credential' } as const;
const Id = Type.String({ pattern: '^[0-9]{1,10}$' });

/** One approver of the create body: a user id, an e-mail address, or `{type, id|email}` (docs/approvals.md). */
const Approver = Type.Union([
  IntLike,
  Type.String({ minLength: 3, maxLength: 254, pattern: '@' }),
  Type.Object(
    { type: Type.Union([Type.Literal('user'), Type.Literal('team'), Type.Literal('email')]), id: Type.Optional(IntLike), email: Type.Optional(Type.String({ maxLength: 254 })) },
    { additionalProperties: false },
  ),
]);

/** A13-A15's body (Webdam documents none: spec §1.6; the decision is in docs/approvals.md). */
export const CreateApprovalBody = Type.Object(
  {
    approvers: Type.Optional(Type.Array(Approver, { maxItems: 100 })),
    template_id: Type.Optional(IntLike),
    comments: Type.Optional(Type.String({ maxLength: 3000 })),
    message: Type.Optional(Type.String({ maxLength: 3000 })),
    due_date: Type.Optional(NullableIntLike),
    view_comments: Type.Optional(BoolLike),
    can_proof: Type.Optional(BoolLike),
  },
  { additionalProperties: false },
);

type Body = (typeof CreateApprovalBody)['static'];

async function approverRefs(ctx: Ctx, list: Body['approvers']): Promise<ApproverRef[]> {
  const out: ApproverRef[] = [];
  for (const [i, a] of (list ?? []).entries()) {
    const field = `approvers/${i}`;
    const asField = (err: unknown, what: string) => {
      throw (err as { kind?: string }).kind === 'not_found' ? errors.invalidField('body', field, `must be the id of a ${what} of this account`) : err;
    };
    if (typeof a === 'object') {
      if (a.type === 'email') {
        const email = (a.email ?? '').trim().toLowerCase();
        if (!isEmail(email)) {
          throw errors.invalidField('body', `${field}/email`, 'must be an e-mail address');
        }
        out.push({ type: 'email', email });
      } else {
        if (a.id === undefined) {
          throw errors.invalidField('body', `${field}/id`, 'is required');
        }
        const table = a.type === 'team' ? 'teams' : 'users';
        out.push({ type: a.type, id: await rowId(ctx, table, a.id, { field: `${field}/id`, part: 'body', what: a.type }).catch((e: unknown) => asField(e, a.type)) });
      }
    } else if (typeof a === 'string' && a.includes('@')) {
      const email = a.trim().toLowerCase();
      if (!isEmail(email)) {
        throw errors.invalidField('body', field, 'must be an e-mail address');
      }
      out.push({ type: 'email', email });
    } else {
      out.push({ type: 'user', id: await rowId(ctx, 'users', a, { field, part: 'body', what: 'user' }).catch((e: unknown) => asField(e, 'user')) });
    }
  }
  return out;
}

/** The container routes of the approval engine: check (A9, A11) and create (A13-A15); a project reaches its linked assets. */
export const approvalContainersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const kinds = [
    ['folders', 'folder', 'folders', 'A9', 'A13'],
    ['tasks', 'task', 'tasks', 'A11', 'A15'],
    ['projects', 'project', 'projects', 'A10', 'A14'],
  ] as const;
  for (const [path, kind, table, check, create] of kinds) {
    const containerOf = async (ctx: Ctx, id: string): Promise<Container> => ({ kind, id: await rowId(ctx, table, id, { field: 'id', part: 'params', what: kind }) });
    const assetOf = (ctx: Ctx, id: string) => rowId(ctx, 'assets', id, { field: 'assetId', part: 'params', what: 'asset' });
    const params = Type.Object({ id: Id, assetId: Id });

    app.get(
      `/${path}/:id/assets/:assetId/approvals`,
      {
        config,
        schema: {
          tags,
          summary: `Check an asset for an approval through a ${kind} (${check})`,
          description: `The asset's approval in the limited form. 403 when the asset is not reachable through the ${kind}; 404 when there is an approval the caller may not see; 200 with null when there is none and the caller may create one.`,
          params,
          response: { 200: Type.Union([Type.Null(), WsApproval]), ...wsErrors },
        },
      },
      async (request) => {
        const ctx = ctxOf(request);
        const keyed = await checkAssetApproval(ctx, await containerOf(ctx, request.params.id), await assetOf(ctx, request.params.assetId));
        return keyed ? presentOneApproval(ctx, keyed, 'limited') : null;
      },
    );

    app.post(
      `/${path}/:id/assets/:assetId/approvals`,
      {
        config,
        ...emptyBody,
        schema: {
          tags,
          summary: `Create an approval of an asset through a ${kind} (${create})`,
          description:
            'Ad-hoc (no `template_id`): `approvers[]` (user ids, e-mail addresses, or `{type: "user"|"team"|"email", id|email}`) must all approve. With `template_id`, the template version\'s stages; `approvers[]` names the approvers of its "requester" stages. `comments` (≤3000), `message` (the request message, HTML), `due_date` (Unix seconds), `view_comments`/`can_proof` (ad-hoc). Editors only; one pending approval per asset. Answers the approval as its owner sees it (with the view-only key).',
          params,
          body: CreateApprovalBody,
          response: { 200: WsApproval, ...wsErrors },
        },
      },
      async (request) => {
        const ctx = ctxOf(request);
        const b = request.body;
        const container = await containerOf(ctx, request.params.id);
        const assetId = await assetOf(ctx, request.params.assetId);
        const templateId =
          b.template_id === undefined
            ? undefined
            : await rowId(ctx, 'approval_templates', b.template_id, { field: 'template_id', part: 'body', what: 'approval_template' }).catch((e: unknown) => {
                throw (e as { kind?: string }).kind === 'not_found' ? errors.invalidField('body', 'template_id', 'must be the id of an approval template of this account') : e;
              });
        const due = b.due_date === undefined || b.due_date === null || b.due_date === '' ? null : new Date(toUnixSeconds(b.due_date, 'due_date') * 1000).toISOString();
        const approval = await createApproval(ctx, {
          container,
          assetId,
          templateId,
          approvers: await approverRefs(ctx, b.approvers),
          comments: b.comments ?? '',
          message: b.message,
          dueDate: due,
          viewComments: b.view_comments === undefined ? undefined : isTrue(b.view_comments),
          canProof: b.can_proof === undefined ? undefined : isTrue(b.can_proof),
        });
        return presentOneApproval(ctx, { approval, slot: undefined, caller: await callerOf(ctx) }, 'full');
      },
    );
  }
};
