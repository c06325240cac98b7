import type { FastifyInstance } from 'fastify';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * The methods the router has a route for at this concrete path (query string ignored). The not-found handler uses
 * it to answer a wrong method on an existing path with 405 and `Allow` (RFC 9110 §15.5.6) instead of 404. Only
 * reached on a miss, so the seven lookups cost nothing on routed requests.
 */
export function allowedMethods(app: FastifyInstance, url: string): string[] {
  const path = url.split('?')[0] ?? url;
  return METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
}
