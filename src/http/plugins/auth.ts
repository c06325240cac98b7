import type { FastifyInstance, FastifyRequest } from 'fastify';
import { resolveActor } from '../../domain/auth/actor.service.js';
import { resolveCredentialActor } from '../../domain/auth/credential-tenancy.js';
import type { Ctx } from '../../domain/context.js';
import { errors } from '../../domain/errors.js';

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
    const scope = request.routeOptions.config.scope ?? 'workspace';
    if (scope === 'public' || ((scope === 'user-optional' || scope === 'credential-optional') && request.headers.authorization === undefined)) {
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
  });
}

/** The service context of an authenticated request. */
export function ctxOf(request: FastifyRequest): Ctx {
  if (!request.actor) {
    throw errors.unauthenticated();
  }
  return { ...request.server.deps, log: request.log as Ctx['log'], actor: request.actor };
}
