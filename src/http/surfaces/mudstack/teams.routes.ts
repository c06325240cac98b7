import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { parseStages } from '../../../domain/approvals/templates.rules.js';
import { createTemplate, listTemplates, newTemplateVersion, requireTemplate } from '../../../domain/approvals/templates.service.js';
import { changeTeamMembers, createTeam, deleteTeam, getTeam, listTeams, updateTeam, type TeamView } from '../../../domain/teams/teams.service.js';
import type { ApprovalTemplateRow } from '../../../db/schema.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors, ErrorBody, Offset, Ok, Uuid } from './common.schemas.js';

/*
 * Administration the Workstream surface has no routes for (issue #14 item 9): teams and approval templates, on the
 * core API with its auth, roles (account owners/admins manage, members read) and history. docs/approvals.md.
 */

const config = { scope: 'account' } as const;
const Color = Type.String({ pattern: '^#[0-9A-Fa-f]{6}$' });
const Name = Type.String({ minLength: 1, maxLength: 255 });

const Team = Type.Object(
  {
    id: Uuid,
    sequence: Type.Integer({ description: 'The integer id the Workstream surface shows' }),
    name: Type.String(),
    color: Type.String(),
    member_ids: Type.Array(Uuid),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { additionalProperties: false },
);
const TeamParams = Type.Object({ team_id: Uuid });

const ApproverRef = Type.Union([
  Type.Object({ type: Type.Literal('user'), id: Uuid }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('team'), id: Uuid }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('email'), email: Type.String({ maxLength: 254 }) }, { additionalProperties: false }),
]);
const Stage = Type.Object(
  {
    name: Name,
    approver_source: Type.Union([Type.Literal('uploader'), Type.Literal('requester'), Type.Literal('fixed')]),
    approvers: Type.Optional(Type.Array(ApproverRef, { maxItems: 100 })),
    approver_style: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('first')])),
    view_comments: Type.Optional(Type.Boolean()),
    can_proof: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const Template = Type.Object(
  {
    id: Uuid,
    sequence: Type.Integer(),
    name: Type.String(),
    version: Type.Integer(),
    parent_id: Type.Union([Uuid, Type.Null()]),
    root_id: Uuid,
    is_current: Type.Boolean(),
    stages: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          approver_source: Type.String(),
          approvers: Type.Array(ApproverRef),
          approver_style: Type.String(),
          view_comments: Type.Boolean(),
          can_proof: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
    ),
    created_at: Type.String(),
  },
  { additionalProperties: false },
);
const TemplateParams = Type.Object({ template_id: Uuid });

const presentTeam = (v: TeamView) => ({
  id: v.team.id, sequence: v.team.sequence, name: v.team.name, color: v.team.color, member_ids: v.memberIds, created_at: v.team.created_at, updated_at: v.team.updated_at,
});
const presentTemplate = (t: ApprovalTemplateRow) => ({
  id: t.id, sequence: t.sequence, name: t.name, version: t.version, parent_id: t.parent_id, root_id: t.root_id, is_current: t.is_current === 1,
  stages: parseStages(t.stages), created_at: t.created_at,
});

export const teamsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['Teams'];
  app.post(
    '/accounts/teams',
    {
      config,
      schema: {
        tags,
        summary: 'Create a team (account owners and admins)',
        body: Type.Object({ name: Name, color: Type.Optional(Color), user_ids: Type.Optional(Type.Array(Uuid, { maxItems: 500 })) }, { additionalProperties: false }),
        response: { 201: Team, ...authErrors, 422: ErrorBody },
      },
    },
    async (request, reply) => {
      const b = request.body;
      return reply.status(201).send(presentTeam(await createTeam(ctxOf(request), { name: b.name, color: b.color, memberIds: b.user_ids })));
    },
  );
  app.get(
    '/accounts/teams',
    {
      config,
      schema: {
        tags,
        summary: 'The account\'s teams, by name',
        querystring: Type.Object(
          { q: Type.Optional(Type.String({ maxLength: 255 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })), offset: Type.Optional(Offset) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(Team), ...authErrors },
      },
    },
    async (request) => (await listTeams(ctxOf(request), { q: request.query.q, limit: request.query.limit ?? 100, offset: request.query.offset ?? 0 })).map(presentTeam),
  );
  app.get(
    '/accounts/teams/:team_id',
    { config, schema: { tags, summary: 'A team with its members', params: TeamParams, response: { 200: Team, ...authErrors } } },
    async (request) => presentTeam(await getTeam(ctxOf(request), request.params.team_id)),
  );
  app.patch(
    '/accounts/teams/:team_id',
    {
      config,
      schema: {
        tags,
        summary: 'Rename or recolour a team',
        params: TeamParams,
        body: Type.Object({ name: Type.Optional(Name), color: Type.Optional(Color) }, { additionalProperties: false }),
        response: { 200: Team, ...authErrors, 422: ErrorBody },
      },
    },
    async (request) => presentTeam(await updateTeam(ctxOf(request), request.params.team_id, request.body)),
  );
  app.delete(
    '/accounts/teams/:team_id',
    { config, schema: { tags, summary: 'Delete a team (its approver slots stay, answered by nobody new)', params: TeamParams, response: { 200: Ok, ...authErrors } } },
    async (request) => {
      await deleteTeam(ctxOf(request), request.params.team_id);
      return { ok: true };
    },
  );
  app.post(
    '/accounts/teams/:team_id/members',
    {
      config,
      schema: {
        tags,
        summary: 'Add members to a team (users of the account)',
        params: TeamParams,
        body: Type.Object({ user_ids: Type.Array(Uuid, { minItems: 1, maxItems: 500 }) }, { additionalProperties: false }),
        response: { 200: Team, ...authErrors, 422: ErrorBody },
      },
    },
    async (request) => presentTeam(await changeTeamMembers(ctxOf(request), request.params.team_id, 'add', request.body.user_ids)),
  );
  app.delete(
    '/accounts/teams/:team_id/members/:user_id',
    {
      config,
      schema: { tags, summary: 'Remove a member from a team', params: Type.Object({ team_id: Uuid, user_id: Uuid }), response: { 200: Team, ...authErrors } },
    },
    async (request) => presentTeam(await changeTeamMembers(ctxOf(request), request.params.team_id, 'remove', [request.params.user_id])),
  );

  const ttags = ['Approval templates'];
  const TemplateBody = Type.Object({ name: Name, stages: Type.Array(Stage, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false });
  app.post(
    '/accounts/approvalTemplates',
    {
      config,
      schema: {
        tags: ttags,
        summary: 'Create an approval template (version 1)',
        description: 'Ordered stages; each takes its approvers from the asset\'s `uploader`, the `requester`\'s list, or a `fixed` list of users, teams and e-mails. docs/approvals.md.',
        body: TemplateBody,
        response: { 201: Template, ...authErrors, 422: ErrorBody },
      },
    },
    async (request, reply) => reply.status(201).send(presentTemplate(await createTemplate(ctxOf(request), request.body))),
  );
  app.get(
    '/accounts/approvalTemplates',
    {
      config,
      schema: {
        tags: ttags,
        summary: 'The account\'s approval templates (current versions; `all=true` for every version)',
        querystring: Type.Object({ all: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.Array(Template), ...authErrors },
      },
    },
    async (request) => (await listTemplates(ctxOf(request), { all: request.query.all === true })).map(presentTemplate),
  );
  app.get(
    '/accounts/approvalTemplates/:template_id',
    { config, schema: { tags: ttags, summary: 'One version of an approval template', params: TemplateParams, response: { 200: Template, ...authErrors } } },
    async (request) => presentTemplate(await requireTemplate(ctxOf(request), request.params.template_id)),
  );
  app.post(
    '/accounts/approvalTemplates/:template_id/versions',
    {
      config,
      schema: {
        tags: ttags,
        summary: 'Edit a template: makes a new version whose parent is this one (approvals keep the version they started on)',
        params: TemplateParams,
        body: Type.Object({ name: Type.Optional(Name), stages: Type.Optional(Type.Array(Stage, { minItems: 1, maxItems: 20 })) }, { additionalProperties: false }),
        response: { 201: Template, ...authErrors, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (request, reply) => reply.status(201).send(presentTemplate(await newTemplateVersion(ctxOf(request), request.params.template_id, request.body))),
  );
};
