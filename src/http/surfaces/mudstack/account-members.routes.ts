import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { listMembers, parseAccountRoles, removeMember, updateMemberRole } from '../../../domain/accounts/members.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors, ErrorBody, Ok } from './common.schemas.js';
import { presentAccountMember } from './accounts.present.js';
import { AccountMember, MemberParams, MemberRolesBody, MemberRolesQuery } from './accounts.schemas.js';

const tags = ['Account members'];
const config = { scope: 'account' } as const;

/** Mudstack §3 members: list, change role, remove. `member_id` is the member's user id. */
export const accountMembersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/accounts/members',
    { config, schema: { tags, summary: 'Members of the account', response: { 200: Type.Array(AccountMember), ...authErrors } } },
    async (request) => (await listMembers(ctxOf(request))).map(presentAccountMember),
  );

  app.put(
    '/accounts/members/:member_id',
    {
      config,
      schema: {
        tags,
        summary: 'Change a member\'s role: JSON {roles:[role]} or ?roles=role (owners alone grant or remove owner)',
        params: MemberParams,
        querystring: MemberRolesQuery,
        body: { content: { 'application/json': { schema: MemberRolesBody } } },
        response: { 200: AccountMember, ...authErrors, 409: ErrorBody },
      },
    },
    async (request) => {
      // A JSON body was validated by its schema already; without one, the roles come from the query.
      const role = Value.Check(MemberRolesBody, request.body)
        ? parseAccountRoles(request.body.roles, 'body')
        : parseAccountRoles(request.query.roles, 'query');
      return presentAccountMember(await updateMemberRole(ctxOf(request), { userId: request.params.member_id, role }));
    },
  );

  app.delete(
    '/accounts/members/:member_id',
    {
      config,
      schema: {
        tags,
        summary: 'Remove a member: their workspace memberships go and their API keys for this account are revoked',
        params: MemberParams,
        response: { 200: Ok, ...authErrors, 409: ErrorBody },
      },
    },
    async (request) => {
      await removeMember(ctxOf(request), request.params.member_id);
      return { ok: true };
    },
  );
};
