import type { FastifyInstance, FastifyRequest } from 'fastify';
import { resolveActor } from '../../domain/auth/actor.service.js';
import { parseBasic, tokenForBasic } from '../../domain/auth/basic-credentials.js';
import { resolveCredentialAccountActor, resolveCredentialActor } from '../../domain/auth/credential-tenancy.js';
import type { Ctx } from '../../domain/context.js';
import { DomainError, errors } from '../../domain/errors.js';
import { authenticateSession, sessionCookie } from './session-cookie.js';

/** `Authorization: Bearer <t>`, `Token <t>`, or (as one documented client sends) the bare token. */
export function tokenFromHeader(header: string | undefined): string | undefined {
  if (!header) {
    return undefined;
  }
  const trimmed = header.trim();
  if (/^(?:Bearer|Token)$/i.test(trimmed)) {
    return undefined;
  }
  const match = /^(?:Bearer|Token)\s+(.+)$/i.exec(trimmed);
  const token = (match?.[1] ?? trimmed).trim();
  return token.length > 0 && !/\s/.test(token) ? token : undefined;
}

const headerValue = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * Adds the auth + tenancy hook to a surface. It runs on `onRequest` (before body parsing), so a request with bad
 * credentials is refused before its body is read. Registered inside each surface so errors get its shape.
 */
export function registerAuth(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    // A surface's own not-found handler runs inside the surface's hooks: an unknown path needs no credentials.
    if (request.is404) {
      return;
    }
    await authenticateRequest(app, request);
  });
}

/**
 * Resolves `request.actor` from the request's credentials and tenancy headers (the hook above). Also called again by
 * long-lived responses (the live event stream) to see that the caller may still read what they receive.
 */
export async function authenticateRequest(app: FastifyInstance, request: FastifyRequest): Promise<void> {
  const scope = request.routeOptions.config.scope ?? 'workspace';
  if (scope === 'public') {
    return;
  }
  // A browser signed in to the web app: the session cookie, only when no Authorization header is sent.
  const session = request.headers.authorization === undefined ? sessionCookie(request) : undefined;
  if (session !== undefined) {
    try {
      await authenticateSession(app.deps, request, scope, session);
    } catch (err) {
      // An ended session on a route that allows anonymous callers (accepting an invite) is an anonymous caller.
      if (!((scope === 'user-optional' || scope === 'credential-optional') && err instanceof DomainError && err.kind === 'unauthenticated')) {
        throw err;
      }
    }
    return;
  }
  if ((scope === 'user-optional' || scope === 'credential-optional') && request.headers.authorization === undefined) {
    return;
  }
  if (scope === 'credential-account') {
    const basic = parseBasic(request.headers.authorization);
    request.actor = await resolveCredentialAccountActor(app.deps, {
      token: basic ? await tokenForBasic(app.deps, basic, request.ip) : tokenFromHeader(request.headers.authorization),
      workspaceHeader: headerValue(request.headers['x-workspace-id']),
    });
    return;
  }
  if (scope === 'credential' || scope === 'credential-optional') {
    request.actor = await resolveCredentialActor(app.deps, {
      token: tokenFromHeader(request.headers.authorization),
      workspaceHeader: headerValue(request.headers['x-workspace-id']),
    });
    return;
  }
  request.actor = await resolveActor(app.deps, {
    token: tokenFromHeader(request.headers.authorization),
    scope: scope === 'user-optional' ? 'user' : scope,
    accountHeader: headerValue(request.headers['x-account-id']),
    workspaceHeader: headerValue(request.headers['x-workspace-id']),
  });
}

/** The service context of an authenticated request. */
export function ctxOf(request: FastifyRequest): Ctx {
  if (!request.actor) {
    throw errors.unauthenticated();
  }
  return { ...request.server.deps, log: request.log as Ctx['log'], actor: request.actor };
}
