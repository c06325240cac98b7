import type { FastifyReply, FastifyRequest } from 'fastify';
import { resolveSessionActor } from '../../domain/auth/session-actor.service.js';
import { csrfTokenMatches, SESSION_MAX_LIFETIME_SECONDS, type ActiveSession } from '../../domain/auth/sessions.service.js';
import type { Deps } from '../../domain/context.js';
import { errors } from '../../domain/errors.js';
import type { RouteScope } from '../types.js';

/*
 * The web app's session cookie and its CSRF defence (docs/web.md "Sessions and CSRF").
 *
 * - The cookie is `HttpOnly` (script cannot read it), `SameSite=Strict` (browsers do not send it on requests another
 *   site starts) and `Secure` when the request came over HTTPS (directly or through a trusted proxy).
 * - A cookie-authenticated request that can change something (any method but GET, HEAD, OPTIONS) must carry the
 *   session's CSRF token in `x-csrf-token`, and, when the browser says where it comes from (`Origin`,
 *   `Sec-Fetch-Site`), come from this origin. A page on another site can neither read the token nor set the header
 *   without a CORS preflight this server never grants with credentials.
 * - Requests with an `Authorization` header are authenticated by it alone; the cookie is ignored, so API keys and
 *   tokens work exactly as before and scripts never need a CSRF token.
 */

export const SESSION_COOKIE = 'atelier_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session a request was authenticated by, for the routes that act on the session itself. */
const sessions = new WeakMap<FastifyRequest, ActiveSession>();

export function sessionOf(request: FastifyRequest): ActiveSession | undefined {
  return sessions.get(request);
}

/** The session cookie's value, if the request carries one (RFC 6265 §5.4 cookie header). */
export function sessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) {
    return undefined;
  }
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

function cookieAttributes(request: FastifyRequest): string {
  return `Path=/; HttpOnly; SameSite=Strict${request.protocol === 'https' ? '; Secure' : ''}`;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  void reply.header('set-cookie', `${SESSION_COOKIE}=${token}; Max-Age=${SESSION_MAX_LIFETIME_SECONDS}; ${cookieAttributes(request)}`);
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.header('set-cookie', `${SESSION_COOKIE}=; Max-Age=0; ${cookieAttributes(request)}`);
}

/** Refuses a cookie-authenticated write that did not come from this origin's app (see the comment at the top). */
export function assertSameOriginWrite(deps: Pick<Deps, 'tokenKey'>, request: FastifyRequest, sessionId: string): void {
  if (SAFE_METHODS.has(request.method)) {
    return;
  }
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin') {
    throw errors.csrfRejected('This request came from another site.');
  }
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `${request.protocol}://${request.host}`) {
    throw errors.csrfRejected('This request came from another origin.');
  }
  const sent = request.headers[CSRF_HEADER];
  if (!csrfTokenMatches(deps, sessionId, Array.isArray(sent) ? sent[0] : sent)) {
    throw errors.csrfRejected(`A signed-in browser's write needs the session's ${CSRF_HEADER} header.`);
  }
}

const headerValue = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** Authenticates a request by its session cookie, for a route of the given scope (called by plugins/auth.ts). */
export async function authenticateSession(deps: Deps, request: FastifyRequest, scope: Exclude<RouteScope, 'public'>, token: string): Promise<void> {
  const { actor, active } = await resolveSessionActor(deps, {
    token,
    // medialoopster's per-production scope: a browser session acts in one workspace, as on the other surfaces.
    scope: scope === 'user-optional' ? 'user' : scope === 'credential-account' || scope === 'credential-optional' ? 'credential' : scope,
    accountHeader: headerValue(request.headers['x-account-id']),
    workspaceHeader: headerValue(request.headers['x-workspace-id']),
  });
  assertSameOriginWrite(deps, request, active.session.id);
  sessions.set(request, active);
  request.actor = actor;
}
