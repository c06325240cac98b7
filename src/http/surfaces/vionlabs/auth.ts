import type { FastifyInstance } from 'fastify';
import { resolveStaticKeyActor } from '../../../domain/auth/api-key-credential.js';
import { errors } from '../../../domain/errors.js';
import { tokenFromHeader } from '../../plugins/auth.js';

/*
 * Vionlabs authentication (docs/vionlabs.md, "Authentication"): one key, as `?key=` (current) or `X-API-Key`
 * (deprecated in the newest docs, still in the Tasks document); `Authorization: Bearer <core token>` works too. The
 * key is `<Atelier API key>.<its secret>` (or a core token); tenancy is the credential tenancy of every surface
 * without tenancy headers (src/domain/auth/credential-tenancy.ts: the key's account, the default or `x-workspace-id`
 * workspace).
 */

const first = (v: unknown): string | undefined => (Array.isArray(v) ? (typeof v[0] === 'string' ? v[0] : undefined) : typeof v === 'string' ? v : undefined);

export function registerVionlabsAuth(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (request.is404 || request.routeOptions.config.scope === 'public') {
      return;
    }
    const query = request.query as Record<string, unknown> | undefined;
    const key = first(query?.key) ?? first(request.headers['x-api-key']) ?? tokenFromHeader(request.headers.authorization);
    if (key === undefined || key === '') {
      throw errors.unauthenticated('Not authenticated');
    }
    request.actor = await resolveStaticKeyActor(app.deps, {
      key,
      workspaceHeader: first(request.headers['x-workspace-id']),
      clientAddress: request.ip,
    });
  });
}
