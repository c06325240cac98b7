import type { Actor, Deps } from '../domain/context.js';
import type { Scope } from '../domain/auth/actor.service.js';

/**
 * Who may call a route: `public` needs no token; `user-optional` needs none either, but a caller who sends one is
 * identified as on a `user` route (bad credentials are still a 401); `credential` takes the account and workspace
 * from the token itself (the non-core surfaces; domain/auth/credential-tenancy.ts); the others are the tenancy
 * scopes of resolveActor. `credential-optional` is `credential` when a token is sent, and lets the handler decide
 * otherwise (Workstream's guest sessions, docs/workstream.md).
 */
export type RouteScope = Scope | 'public' | 'user-optional' | 'credential' | 'credential-optional';

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
