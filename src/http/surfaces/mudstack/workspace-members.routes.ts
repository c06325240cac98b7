import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  addWorkspaceMember,
  listWorkspaceMembers,
  removeWorkspaceMember,
  updateWorkspaceMember,
  type RolesInput,
} from '../../../domain/workspaces/members.service.js';
import { authErrors, ErrorBody, Ok } from './common.schemas.js';
import { ctxOf } from '../../plugins/auth.js';
import { presentWorkspaceMember } from './workspaces.present.js';
import { MemberParams, RolesJsonBody, RolesQuery, WorkspaceMemberDetail } from './workspaces.schemas.js';

const tags = ['Workspace members'];
const RolesBodyContent = { content: { 'application/json': { schema: RolesJsonBody } } } as const;

/** Roles from query `roles` (Mudstack's documented form) or a JSON body `{roles}`; the query wins. */
function rolesOf(query: { roles?: string[] | undefined }, body: unknown): RolesInput {
  if (query.roles !== undefined) {
    return { roles: query.roles, rolesIn: 'query' };
  }
  if (body !== undefined && Value.Check(RolesJsonBody, body)) {
    return { roles: body.roles, rolesIn: 'body' };
  }
  return { roles: undefined, rolesIn: 'query' };
}

/** Mudstack §4: members of the workspace named by x-workspace-id. `{user_id}` is a user id, not a membership id. */
export const workspaceMembersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/workspaces/members',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'List the members of the current workspace', response: { 200: Type.Array(WorkspaceMemberDetail), ...authErrors } },
    },
    async (request) => (await listWorkspaceMembers(ctxOf(request))).map(presentWorkspaceMember),
  );

  app.post(
    '/workspaces/members/:user_id',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: 'Add a member of the account to the workspace (query `roles`, or JSON `{roles}`)',
        description: 'The Mudstack reference documents no response body; Atelier answers with the new WorkspaceMember.',
        params: MemberParams,
        querystring: RolesQuery,
        body: RolesBodyContent,
        response: { 200: WorkspaceMemberDetail, ...authErrors, 409: ErrorBody },
      },
    },
    async (request) => {
      const input = { userId: request.params.user_id, ...rolesOf(request.query, request.body) };
      return presentWorkspaceMember(await addWorkspaceMember(ctxOf(request), input));
    },
  );

  app.put(
    '/workspaces/members/:user_id',
    {
      config: { scope: 'workspace' },
      schema: {
        tags,
        summary: "Change a workspace member's role (JSON `{roles}` or query `roles`)",
        params: MemberParams,
        querystring: RolesQuery,
        body: RolesBodyContent,
        response: { 200: WorkspaceMemberDetail, ...authErrors },
      },
    },
    async (request) => {
      const input = { userId: request.params.user_id, ...rolesOf(request.query, request.body) };
      return presentWorkspaceMember(await updateWorkspaceMember(ctxOf(request), input));
    },
  );

  app.delete(
    '/workspaces/members/:user_id',
    {
      config: { scope: 'workspace' },
      schema: { tags, summary: 'Remove a member from the workspace', params: MemberParams, response: { 200: Ok, ...authErrors } },
    },
    async (request) => {
      await removeWorkspaceMember(ctxOf(request), { userId: request.params.user_id });
      return { ok: true };
    },
  );
};
