import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { issueToken } from '../../../domain/auth/tokens.service.js';
import { errors } from '../../../domain/errors.js';
import { MedialoopsterError, tags } from './schemas.js';

/** Access test (spec §2.3.1) and the token endpoint (§2.4 "how a token is obtained"; docs/medialoopster.md). */
export const accessRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/ping/',
    {
      config: { scope: 'public' },
      schema: {
        tags,
        summary: 'Access test: 204 without authentication; 503 when the database cannot be reached',
        response: { 204: Type.Null({ description: 'The server and its database answer' }), 503: MedialoopsterError },
      },
    },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(app.deps.db);
      } catch (err) {
        request.log.warn({ err }, 'ping: database unreachable');
        throw errors.unavailable('The backend is not available.');
      }
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api-token-auth/',
    {
      config: { scope: 'public' },
      schema: {
        tags,
        summary: 'Get a token (DRF obtain_auth_token): username = an Atelier API key, password = its secret',
        description:
          'Answers the core API token (the same as `POST /auth/token`), sent afterwards as `Authorization: Token <token>` (or `Bearer`). Form or JSON body. Wrong credentials: 401 `authentication_failed`.',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 200 }), password: Type.String({ minLength: 1, maxLength: 500 }) }),
        response: { 200: Type.Object({ token: Type.String() }), 400: MedialoopsterError, 401: MedialoopsterError, 429: MedialoopsterError },
      },
    },
    async (request) => {
      const issued = await issueToken(app.deps, { key: request.body.username, secret: request.body.password, clientAddress: request.ip });
      return { token: issued.token };
    },
  );
};
