import type { Actor, Deps } from '../domain/context.js';
import type { Scope } from '../domain/auth/actor.service.js';

/**
 * Who may call a route: `public` needs no token; `user-optional` needs none either, but a caller who sends one is
 * identified as on a `user` route (bad credentials are still a 401); the others are the tenancy scopes of resolveActor.
 */
export type RouteScope = Scope | 'public' | 'user-optional';

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
