import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { createMyApiKey, listMyApiKeys, revokeMyApiKey } from '../../../domain/auth/api-keys.service.js';
import { changeMyPassword } from '../../../domain/auth/passwords.service.js';
import { csrfTokenFor, endSession, findActiveSession, signIn } from '../../../domain/auth/sessions.service.js';
import type { ApiKeyRow } from '../../../db/schema.js';
import { errors } from '../../../domain/errors.js';
import { ctxOf } from '../../plugins/auth.js';
import { assertSameOriginWrite, clearSessionCookie, sessionCookie, sessionOf, setSessionCookie } from '../../plugins/session-cookie.js';
import { authErrors, ErrorBody } from './common.schemas.js';
import { ApiKey, ApiKeyBody, ApiKeyParams, IssuedApiKey, PasswordBody, Session, SignInBody } from './sessions.schemas.js';
import { presentUser } from './users.present.js';

const presentKey = (k: ApiKeyRow) => ({
  id: k.id,
  key: k.key,
  name: k.name,
  account_id: k.account_id,
  created_at: k.created_at,
  last_used_at: k.last_used_at,
  revoked_at: k.revoked_at,
});

const userAgent = (request: FastifyRequest): string | undefined => request.headers['user-agent'];

/**
 * Sign-in for people (docs/web.md "Sessions and CSRF"): e-mail + password -> an HttpOnly session cookie; the
 * session itself; sign-out; the caller's password; the caller's own API keys.
 */
export const sessionsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['Sessions'];

  app.post(
    '/auth/sessions',
    {
      config: { scope: 'public' },
      schema: {
        tags,
        summary: 'Sign in with e-mail and password: sets the session cookie and answers the CSRF token',
        body: SignInBody,
        response: { 200: Session, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const started = await signIn(app.deps, { ...request.body, clientAddress: request.ip, userAgent: userAgent(request) });
      setSessionCookie(request, reply, started.token);
      void reply.header('cache-control', 'no-store');
      return { user: presentUser(started.user), csrf_token: started.csrfToken, expires_at: started.session.expires_at };
    },
  );

  app.get(
    '/auth/session',
    {
      config: { scope: 'public' },
      // Public to the auth hook (a person in no account still has a session to read), but authenticated here, by the
      // session cookie alone: a bearer token is no session.
      schema: {
        tags,
        summary: 'The session of the session cookie (401 when there is none or it has ended)',
        security: [{ session: [] }],
        response: { 200: Session, 401: ErrorBody },
      },
    },
    async (request, reply) => {
      const token = sessionCookie(request);
      const active = token === undefined ? undefined : await findActiveSession(app.deps, token);
      if (!active) {
        throw errors.unauthenticated('You are not signed in.');
      }
      void reply.header('cache-control', 'no-store');
      return { user: presentUser(active.user), csrf_token: csrfTokenFor(app.deps, active.session.id), expires_at: active.session.expires_at };
    },
  );

  app.delete(
    '/auth/session',
    {
      config: { scope: 'public' },
      schema: { tags, summary: 'Sign out: ends the session on the server and clears the cookie', response: { 204: Type.Null({ description: 'Signed out (also when no session was open); the cookie is cleared' }), 403: ErrorBody } },
    },
    async (request, reply) => {
      const token = sessionCookie(request);
      const active = token === undefined ? undefined : await findActiveSession(app.deps, token);
      if (active) {
        assertSameOriginWrite(app.deps, request, active.session.id);
        await endSession(app.deps, active.session.id, active.user.id);
      }
      clearSessionCookie(request, reply);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/users/me/password',
    {
      config: { scope: 'user' },
      schema: {
        tags: ['Users'],
        summary: "Set or change the caller's sign-in password; every other session of the user ends",
        body: PasswordBody,
        response: { 204: Type.Null({ description: 'Password set; every other session of the user has ended' }), ...authErrors },
      },
    },
    async (request, reply) => {
      await changeMyPassword(ctxOf(request), {
        currentPassword: request.body.current_password,
        newPassword: request.body.new_password,
        keepSessionId: sessionOf(request)?.session.id ?? null,
      });
      return reply.status(204).send(null);
    },
  );

  const keyConfig = { scope: 'account' } as const;
  app.get(
    '/users/me/keys',
    { config: keyConfig, schema: { tags: ['Users'], summary: "The caller's API keys in this account (secrets are never shown again)", response: { 200: Type.Array(ApiKey), ...authErrors } } },
    async (request) => (await listMyApiKeys(ctxOf(request))).map(presentKey),
  );
  app.post(
    '/users/me/keys',
    {
      config: keyConfig,
      schema: { tags: ['Users'], summary: 'Create an API key for the caller in this account; the secret is answered once', body: ApiKeyBody, response: { 201: IssuedApiKey, ...authErrors } },
    },
    async (request, reply) => {
      const issued = await createMyApiKey(ctxOf(request), request.body.name);
      return reply.status(201).send({ ...presentKey(issued.row), secret: issued.secret });
    },
  );
  app.delete(
    '/users/me/keys/:key_id',
    {
      config: keyConfig,
      schema: { tags: ['Users'], summary: "Revoke one of the caller's API keys", params: ApiKeyParams, response: { 200: ApiKey, ...authErrors } },
    },
    async (request) => presentKey(await revokeMyApiKey(ctxOf(request), request.params.key_id)),
  );
};
