import type { Actor, Deps } from '../domain/context.js';
import type { Scope } from '../domain/auth/actor.service.js';

/** Who may call a route: `public` needs no token; the others are the tenancy scopes of resolveActor. */
export type RouteScope = Scope | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    scope?: RouteScope;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyInstance {
    deps: Deps;
  }
}
