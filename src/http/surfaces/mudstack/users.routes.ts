import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { getMe, getMyPermissions, listMyAccountOverviews, listMyHistory, updateMe } from '../../../domain/users/me.service.js';
import { ctxOf } from '../../plugins/auth.js';
import { authErrors, PageQuery, User } from './common.schemas.js';
import { presentAccount } from './accounts.present.js';
import { Account } from './accounts.schemas.js';
import { presentUserHistory, presentUserPermissions } from './me.present.js';
import { presentUser } from './users.present.js';
import { ProfileBody, UserHistory, UserPermissions } from './users.schemas.js';

const tags = ['Users'];

/** Mudstack §6: the caller (only `Authorization` is needed; the token's account decides `permissions`). */
export const usersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/users/accounts',
    {
      config: { scope: 'user' },
      schema: {
        tags,
        summary: 'Accounts the caller belongs to, each as GET /accounts shows it (with the workspaces they can open)',
        response: { 200: Type.Array(Account), ...authErrors },
      },
    },
    async (request) => (await listMyAccountOverviews(ctxOf(request))).map(presentAccount),
  );

  app.get(
    '/users/permissions',
    {
      config: { scope: 'user' },
      schema: { tags, summary: 'The caller, their accounts, workspaces and roles, and permissions in the token account', response: { 200: UserPermissions, ...authErrors } },
    },
    async (request) => presentUserPermissions(await getMyPermissions(ctxOf(request))),
  );

  app.get(
    '/users/history',
    {
      config: { scope: 'user' },
      schema: {
        tags,
        summary: "The caller's activity, newest first; `x-next-cursor` names the next page",
        querystring: PageQuery,
        response: { 200: Type.Array(UserHistory), ...authErrors },
      },
    },
    async (request, reply) => {
      const page = await listMyHistory(ctxOf(request), { limit: request.query.limit ?? 100, cursor: request.query.cursor });
      if (page.nextCursor !== null) {
        void reply.header('x-next-cursor', String(page.nextCursor));
      }
      return page.items.map(presentUserHistory);
    },
  );

  for (const path of ['/users', '/users/me']) {
    app.get(
      path,
      { config: { scope: 'user' }, schema: { tags, summary: "The caller's profile", response: { 200: User, ...authErrors } } },
      async (request) => presentUser(await getMe(ctxOf(request))),
    );
    app.put(
      path,
      {
        config: { scope: 'user' },
        schema: { tags, summary: "Update the caller's profile", body: ProfileBody, response: { 200: User, ...authErrors } },
      },
      async (request) => presentUser(await updateMe(ctxOf(request), request.body)),
    );
  }
};
