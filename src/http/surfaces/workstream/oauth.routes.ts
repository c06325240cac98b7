import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { issueRefreshToken } from '../../../domain/auth/refresh-tokens.service.js';
import { issueToken } from '../../../domain/auth/tokens.service.js';
import { toDomainError } from '../../framework-errors.js';

/*
 * Webdam's OAuth2 token endpoint (spec §1.7.1; docs/workstream.md, "Authentication"). An Atelier API key is the
 * OAuth client: `grant_type=client_credentials` with `client_id` = key and `client_secret` = secret, or
 * `grant_type=password` with the same pair as `username`/`password` (Atelier users have no passwords; a Webdam client
 * configured for the password grant works once its username and password are set to a key and secret). The token
 * is the core API's token, so it works on every surface. Parameters may come in a form body, a JSON body or the
 * query string (one Webdam client sends them there).
 *
 * Each of those grants also returns a `refresh_token`; `grant_type=refresh_token` with it and the same key/secret as
 * `client_id`/`client_secret` gives a new access token and the same, reusable, refresh token (Webdam's are reusable;
 * domain/auth/refresh-tokens.service.ts). A user's e-mail and password are not a password grant here: a token acts as
 * the user of its API key (the actor query joins the key's user), so the e-mail could only name that same user and the
 * password would add nothing the secret does not (docs/workstream.md says more).
 */

const OAuthError = Type.Object({ error: Type.String(), error_description: Type.String() });
const TokenResponse = Type.Object({
  access_token: Type.String(),
  expires_in: Type.Integer(),
  token_type: Type.Literal('bearer', { description: 'Lower-case, as Webdam sends it; clients capitalise it for the header.' }),
  refresh_token: Type.String({ description: 'Reusable: send it with grant_type=refresh_token and the same client_id/client_secret.' }),
});

type Params = Record<string, unknown>;
const str = (p: Params, k: string): string | undefined => (typeof p[k] === 'string' && p[k] !== '' ? (p[k] as string) : undefined);

/** OAuth's error shape (RFC 6749 §5.2), which Webdam clients read `error_description` from. */
function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.status(status).header('cache-control', 'no-store').send({ error, error_description: description });
}

/** Validation and other failures of this route answer in the OAuth shape too, not the surface's. */
function tokenErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const domain = toDomainError(err);
  if (!domain) {
    request.log.error({ err }, 'unhandled error');
    return oauthError(reply, 500, 'server_error', 'Something went wrong on our side.');
  }
  if (domain.kind === 'rate_limited') {
    void reply.header('retry-after', String(domain.details?.retryAfterSeconds ?? 60));
    return oauthError(reply, 429, 'invalid_client', domain.message);
  }
  if (domain.code === 'invalid_grant') {
    return oauthError(reply, 400, 'invalid_grant', 'The refresh token is invalid or revoked');
  }
  if (domain.kind === 'unauthenticated') {
    return oauthError(reply, 400, 'invalid_client', 'The client credentials are invalid');
  }
  return oauthError(reply, domain.kind === 'too_large' ? 413 : domain.kind === 'unsupported_media' ? 415 : 400, 'invalid_request', domain.message);
}

export const oauthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/oauth2/token',
    {
      config: { scope: 'public' },
      errorHandler: tokenErrorHandler,
      schema: {
        tags: ['Workstream'],
        summary: 'Get an OAuth2 access token (client_credentials, password or refresh_token grant with an Atelier API key)',
        description:
          'Parameters `grant_type`, `client_id`, `client_secret`, `username`, `password`, `refresh_token`: `client_id`/`client_secret` (or, for `grant_type=password`, `username`/`password`) are an Atelier API key and its secret. Every answer carries a reusable `refresh_token`; `grant_type=refresh_token` with it and the same `client_id`/`client_secret` gives a new access token. Form-encoded body, JSON body or query string. Bad credentials: 400 `{"error":"invalid_client","error_description":...}`; a bad refresh token: 400 `{"error":"invalid_grant",...}`.',
        // No body schema: the body is optional (parameters may all be in the query string), and a parameter of the
        // wrong type is simply missing, which the handler answers in the OAuth shape.
        response: { 200: TokenResponse, 400: OAuthError, 429: OAuthError },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const p: Params = { ...(request.query as Params), ...(body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Params) : {}) };
      const grant = str(p, 'grant_type');
      let key: string | undefined;
      let secret: string | undefined;
      let refreshToken: string | undefined;
      if (grant === 'refresh_token') {
        refreshToken = str(p, 'refresh_token');
        key = str(p, 'client_id');
        secret = str(p, 'client_secret');
        if (refreshToken === undefined) {
          return oauthError(reply, 400, 'invalid_request', 'refresh_token, client_id and client_secret are required.');
        }
      } else if (grant === 'client_credentials') {
        key = str(p, 'client_id');
        secret = str(p, 'client_secret');
      } else if (grant === 'password') {
        key = str(p, 'username') ?? str(p, 'client_id');
        secret = str(p, 'username') !== undefined ? str(p, 'password') : str(p, 'client_secret');
      } else if (grant === undefined) {
        return oauthError(reply, 400, 'invalid_request', 'The grant_type parameter is required.');
      } else {
        return oauthError(reply, 400, 'unsupported_grant_type', 'Supported grant types: client_credentials, password, refresh_token.');
      }
      if (key === undefined || secret === undefined) {
        return oauthError(
          reply,
          400,
          'invalid_request',
          grant === 'password' ? 'username and password (an API key and its secret) are required.' : 'client_id and client_secret are required.',
        );
      }
      const issued = await issueToken(app.deps, { key, secret, clientAddress: request.ip, refreshToken });
      const refresh = refreshToken ?? (await issueRefreshToken(app.deps, issued.claims));
      void reply.header('cache-control', 'no-store');
      return { access_token: issued.token, expires_in: issued.expiresIn, token_type: 'bearer' as const, refresh_token: refresh };
    },
  );
};
