import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { answerApproval, cancelApproval, remindApproval, resubmitResponse } from '../../../domain/approvals/approval-answers.service.js';
import { APPROVAL_SORTS, countPendingForMe, getApprovalByKey, listApprovalComments, listApprovals } from '../../../domain/approvals/approvals-read.service.js';
import type { AnswerValue } from '../../../domain/approvals/approvals.rules.js';
import { usersWithRoles } from '../../../domain/tasks/task-request-views.js';
import { findUsersByIds } from '../../../domain/users/users.repo.js';
import { parseSurfaceId, uuidsOf } from '../../../domain/ids/surface-ids.js';
import { errors } from '../../../domain/errors.js';
import { ctxOf } from '../../plugins/auth.js';
import { FilterQuery, filterValues, IntLike, isDesc, PagingQuery, paging, SortDir } from './conventions.js';
import { idScope, rowId } from './ids.js';
import { presentActivity } from './approvals.present.js';
import { presentApprovals, presentOneApproval } from './approvals.present-many.js';
import { WsActivityFeed, WsApproval } from './approvals.schemas.js';
import { wsErrors } from './schemas.js';

const tags = ['Workstream'];
const config = { scope: 'credential' } as const;

export const KeyParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 200, description: 'An approval key (an approver\'s, or the view-only key)' }) });
const Message = Type.String({ minLength: 1, maxLength: 3000 });
export const BoolLike = Type.Union([Type.Boolean(), Type.Literal(0), Type.Literal(1), Type.Literal('0'), Type.Literal('1'), Type.Literal('true'), Type.Literal('false'), Type.Literal('')]);
/** A POST/PUT without a body validates as `{}` (so a missing required field is named, and optional bodies may be left out). */
export const emptyBody = { preValidation: async (request: { body: unknown }) => {
  if (request.body === undefined || request.body === null) {
    request.body = {};
  }
} };
export const isTrue = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 'true';

const ListQuery = Type.Object(
  {
    sort: Type.Optional(Type.Union(APPROVAL_SORTS.map((s) => Type.Literal(s)))),
    sortdir: Type.Optional(SortDir),
    ...PagingQuery,
    filter: FilterQuery(['owner_id', 'status', 'object_type', 'object_id', 'object_version', 'template_parent_id', 'approver'], Type.String({ pattern: '^-?[0-9]{1,10}$' })),
  },
  { additionalProperties: false },
);

const RemindBody = Type.Object(
  {
    recipient_type: Type.Union([Type.Literal(3), Type.Literal(4), Type.Literal(5), Type.Literal('3'), Type.Literal('4'), Type.Literal('5')]),
    recipient_id: Type.Optional(IntLike),
    message: Type.Optional(Message),
  },
  { additionalProperties: false },
);
const ResubmitBody = Type.Object({ send_reminder: Type.Optional(BoolLike), message: Type.Optional(Message) }, { additionalProperties: false });
const ResponseBody = Type.Object(
  {
    response: Type.Union([Type.Literal(2), Type.Literal(3), Type.Literal(4), Type.Literal('2'), Type.Literal('3'), Type.Literal('4')]),
    message: Type.Optional(Type.String({ maxLength: 3000 })),
    approval_response_id: Type.Optional(IntLike),
  },
  { additionalProperties: false },
);
const NoBody = Type.Object({}, { additionalProperties: false });

/** Approvals by key and the caller's lists (A1-A8 of spec §1.4.1; docs/approvals.md). */
export const approvalsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/approvals',
    {
      config,
      schema: {
        tags,
        summary: 'List the approvals the caller may see (A1)',
        description:
          'Owners see theirs, approvers those they are (or their team is) an approver of, admins all. `filter[k][]` with k in owner_id, status, object_type, object_id (asset), object_version, template_parent_id, approver (a user id). Newest first without `sort`.',
        querystring: ListQuery,
        response: { 200: Type.Array(WsApproval), ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const q = request.query;
      const scope = idScope(ctx);
      const ids = (field: string) => filterValues(q.filter?.[field as keyof typeof q.filter]);
      const ints = (field: string) => ids(field)?.map((v, i) => {
        const n = Number(v);
        if (!Number.isSafeInteger(n)) {
          throw errors.invalidField('query', `filter/${field}/${i}`, 'must be an integer');
        }
        return n;
      });
      const seqs = (field: string) => ids(field)?.map((v, i) => parseSurfaceId(v, `filter/${field}/${i}`, 'query'));
      const uuids = async (table: 'users' | 'assets' | 'approval_templates', field: string) => {
        const s = seqs(field);
        return s && [...(await uuidsOf(ctx.db, table, scope, s)).values()];
      };
      const keyeds = await listApprovals(ctx, {
        sort: q.sort ?? 'created_at',
        desc: isDesc(q.sortdir, q.sort === undefined),
        ...paging(q),
        filters: {
          ownerIds: await uuids('users', 'owner_id'),
          statuses: ints('status'),
          objectTypes: ints('object_type'),
          assetIds: await uuids('assets', 'object_id'),
          objectVersions: ints('object_version'),
          templateIds: await uuids('approval_templates', 'template_parent_id'),
          approverIds: await uuids('users', 'approver'),
        },
      });
      return presentApprovals(ctx, keyeds, 'list');
    },
  );

  app.get(
    '/approvals/counts',
    {
      config,
      schema: {
        tags,
        summary: 'Count the approvals waiting on the caller (A2)',
        response: { 200: Type.Object({ pending_count: Type.Integer() }, { additionalProperties: false }), ...wsErrors },
      },
    },
    async (request) => ({ pending_count: await countPendingForMe(ctxOf(request)) }),
  );

  app.get(
    '/approvals/:key',
    {
      config,
      schema: {
        tags,
        summary: 'Get an approval by key, as the key\'s approver sees it (A3)',
        description: 'The view-only key works for the owner and admins only; an approver\'s key for that approver (or their team), the owner and admins.',
        params: KeyParams,
        response: { 200: WsApproval, ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      return presentOneApproval(ctx, await getApprovalByKey(ctx, request.params.key), 'full');
    },
  );

  app.get(
    '/approvals/:key/comments',
    {
      config,
      schema: {
        tags,
        summary: 'The approval\'s comments (A4), newest first',
        description: 'Owner and admins see all; an approver only the current stage\'s, and only when the stage lets approvers view comments.',
        params: KeyParams,
        response: { 200: Type.Array(WsActivityFeed), ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const { keyed, comments } = await listApprovalComments(ctx, request.params.key);
      const rows = await findUsersByIds(ctx.db, comments.flatMap((c) => (c.user_id ? [c.user_id] : [])));
      const users = await usersWithRoles(ctx, [...rows.values()]);
      return comments.map((c) => presentActivity(c, keyed.approval.sequence, users, rows));
    },
  );

  app.post(
    '/approvals/:key/remind',
    {
      config,
      ...emptyBody,
      schema: {
        tags,
        summary: 'Remind approvers (A5)',
        description:
          '`recipient_type` 3: the approver of response `recipient_id`; 4: the user `recipient_id`; 5: every approver who has not answered on the current stage (every approver of an ad-hoc approval). Owner or admin. Answers the approval.',
        params: KeyParams,
        body: RemindBody,
        response: { 200: WsApproval, ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const b = request.body;
      const type = Number(b.recipient_type) as 3 | 4 | 5;
      let recipientId: string | undefined;
      if (type !== 5 && b.recipient_id === undefined) {
        throw errors.invalidField('body', 'recipient_id', `is required for recipient_type ${type}`);
      }
      if (b.recipient_id !== undefined && type !== 5) {
        const table = type === 3 ? 'approval_responses' : 'users';
        recipientId = await rowId(ctx, table, b.recipient_id, { field: 'recipient_id', part: 'body', what: type === 3 ? 'approval_response' : 'user' }).catch((err: unknown) => {
          throw (err as { kind?: string }).kind === 'not_found'
            ? errors.invalidField('body', 'recipient_id', type === 3 ? 'must be the id of one of this approval\'s responses' : 'must be the id of a user of this account')
            : err;
        });
      }
      const out = await remindApproval(ctx, request.params.key, { recipientType: type, recipientId, message: b.message ?? '' });
      return presentOneApproval(ctx, out, 'full');
    },
  );

  app.post(
    '/approvals/:key/resubmit/:approvalResponseId',
    {
      config,
      ...emptyBody,
      schema: {
        tags,
        summary: 'Put one response back to pending (A6)',
        description: 'Only that response changes. With `send_reminder` true its approver(s) are e-mailed (with `message`). Owner or admin. Answers the approval.',
        params: Type.Object({ key: KeyParams.properties.key, approvalResponseId: Type.String({ pattern: '^[0-9]{1,10}$' }) }),
        body: ResubmitBody,
        response: { 200: WsApproval, ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const responseId = await rowId(ctx, 'approval_responses', request.params.approvalResponseId, { field: 'approvalResponseId', part: 'params', what: 'approval_response' });
      const b = request.body;
      const out = await resubmitResponse(ctx, request.params.key, responseId, { sendReminder: isTrue(b.send_reminder), message: b.message ?? '' });
      return presentOneApproval(ctx, out, 'full');
    },
  );

  app.post(
    '/approvals/:key/response',
    {
      config,
      ...emptyBody,
      schema: {
        tags,
        summary: 'Answer an approval (A7)',
        description:
          '`response` 2 approve, 3 reject, 4 approve with changes; `message` up to 3000 characters. Only a pending approval, and only an approver of its current stage. With `approval_response_id` the owner or an admin answers for that approver. Answers the approval.',
        params: KeyParams,
        body: ResponseBody,
        response: { 200: WsApproval, ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const b = request.body;
      const approvalResponseId =
        b.approval_response_id === undefined
          ? undefined
          : await rowId(ctx, 'approval_responses', b.approval_response_id, { field: 'approval_response_id', part: 'body', what: 'approval_response' }).catch((err: unknown) => {
              throw (err as { kind?: string }).kind === 'not_found' ? errors.invalidField('body', 'approval_response_id', 'must be the id of one of this approval\'s responses') : err;
            });
      const out = await answerApproval(ctx, request.params.key, { response: Number(b.response) as AnswerValue, message: b.message ?? '', approvalResponseId });
      return presentOneApproval(ctx, out, 'full');
    },
  );

  app.put(
    '/approvals/:key/cancel',
    {
      config,
      ...emptyBody,
      schema: {
        tags,
        summary: 'Cancel an approval (A8); sends no notifications',
        description: 'Owner or admin. Answers the approval with status -1; cancelling a cancelled approval changes nothing; an approved one is 409.',
        params: KeyParams,
        body: NoBody,
        response: { 200: WsApproval, ...wsErrors },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      return presentOneApproval(ctx, await cancelApproval(ctx, request.params.key), 'full');
    },
  );
};
