import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { issueToken } from '../../../domain/auth/tokens.service.js';
import { ErrorBody } from './common.schemas.js';

const TokenBody = Type.Object({
  account_id: Type.Optional(Type.String({ maxLength: 200, description: 'The account the key belongs to.' })),
  key: Type.String({ minLength: 1, maxLength: 200 }),
  secret: Type.String({ minLength: 1, maxLength: 500 }),
});

/** Mudstack §2: POST /auth/token exchanges an API key and secret for a short-lived token. */
export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/auth/token',
    {
      config: { scope: 'public' },
      schema: {
        tags: ['Authentication'],
        summary: 'Exchange an API key and secret for an access token',
        body: TokenBody,
        response: {
          200: Type.Object({ token: Type.String(), expires_in: Type.Integer() }),
          400: ErrorBody,
          401: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (request) => {
      const issued = await issueToken(app.deps, {
        accountId: request.body.account_id,
        key: request.body.key,
        secret: request.body.secret,
        clientAddress: request.ip,
      });
      return { token: issued.token, expires_in: issued.expiresIn };
    },
  );
};
