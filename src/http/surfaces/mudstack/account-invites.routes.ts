import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { acceptInvite, createInvites, listAccountInvites, revokeInvite } from '../../../domain/invites/invites.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { AcceptedInvite, AcceptInviteBody, CreateInvitesBody, Invite, InviteParams } from './account-invites.schemas.js';
import { presentAcceptedInvite, presentInvite } from './accounts.present.js';
import { authErrors, ErrorBody } from './common.schemas.js';

const tags = ['Account invites'];
const config = { scope: 'account' } as const;

/** Mudstack §3 invites, plus POST /accounts/invites/accept, which turns a token into a member with an API key. */
export const accountInvitesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/accounts/invites',
    { config, schema: { tags, summary: 'Invites of the account, newest first', response: { 200: Type.Array(Invite), ...authErrors } } },
    async (request) => (await listAccountInvites(ctxOf(request))).map(presentInvite),
  );

  app.post(
    '/accounts/invites',
    {
      config,
      schema: {
        tags,
        summary: 'Invite people by e-mail: {"invites":[{email, roles, workspace_ids, workspace_role?}]} or a bare array',
        body: CreateInvitesBody,
        response: { 200: Type.Array(Invite), ...authErrors, 409: ErrorBody },
      },
      // Mudstack's example sends a bare array; it is wrapped before validation so both validate alike.
      preValidation: async (request) => {
        if (Array.isArray(request.body)) {
          request.body = { invites: request.body };
        }
      },
    },
    async (request) => {
      const inputs = request.body.invites.map((i) => ({
        email: i.email,
        role: i.roles?.[0] ?? 'member',
        workspaceIds: i.workspace_ids ?? [],
        workspaceRole: i.workspace_role,
      }));
      return (await createInvites(ctxOf(request), inputs)).map(presentInvite);
    },
  );

  app.delete(
    '/accounts/invites/:invite_id',
    {
      config,
      schema: { tags, summary: 'Revoke an invite', params: InviteParams, response: { 200: Invite, ...authErrors, 409: ErrorBody } },
    },
    async (request) => presentInvite(await revokeInvite(ctxOf(request), request.params.invite_id)),
  );

  app.post(
    '/accounts/invites/accept',
    {
      // No token needed for an e-mail without a user; an existing user's must be sent (docs/api-core.md, Invites).
      config: { scope: 'user-optional' },
      schema: {
        tags,
        summary:
          'Accept an invite with its token; answers a new API key + secret for the invitee. An invite for an e-mail that already has a user needs that user\'s access token.',
        security: [{}, { bearer: [] }],
        body: AcceptInviteBody,
        response: { 200: AcceptedInvite, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => presentAcceptedInvite(await acceptInvite(app.deps, request.body.token, request.actor, { password: request.body.password })),
  );
};
