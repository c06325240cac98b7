import type { FastifyInstance } from 'fastify';

/*
 * CORS for browser apps on other origins (docs/api-core.md "Authentication, tenancy and errors"). Off unless
 * CORS_ORIGINS lists origins; an origin not listed gets no CORS headers at all, so the browser keeps its same-origin rule. Other
 * origins authenticate with tokens in the Authorization header; the web app's session cookie is for this origin only
 * (docs/web.md), so Access-Control-Allow-Credentials is never sent.
 */
const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';
const ALLOW_HEADERS = [
  'authorization',
  'content-type',
  'x-account-id',
  'x-workspace-id',
  'x-request-id',
  'range',
  'if-none-match',
  'if-match',
  // tus 1.0.0 request headers
  'tus-resumable',
  'upload-length',
  'upload-offset',
  'upload-metadata',
  'upload-defer-length',
  // the whole file's SHA-256 on a tus PATCH (docs/api-core.md)
  'atelier-checksum',
].join(', ');
const EXPOSE_HEADERS = [
  'x-request-id',
  'x-next-cursor',
  'location',
  'retry-after',
  'content-disposition',
  'etag',
  'allow',
  // tus 1.0.0 response headers, and the ids a completed tus upload answers with
  'tus-resumable',
  'tus-version',
  'tus-extension',
  'tus-max-size',
  'upload-offset',
  'upload-length',
  'upload-expires',
  'upload-metadata',
  'atelier-asset-id',
  'atelier-version-id',
].join(', ');
const MAX_AGE_SECONDS = '600';

/** Answers preflights and adds CORS headers for the listed origins; registers nothing when the list is empty. */
export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) {
    return;
  }
  const allowed = new Set(origins);
  app.addHook('onRequest', (request, reply, done) => {
    // Caches must not give one origin's answer to another.
    void reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    if (origin === undefined || !allowed.has(origin)) {
      done();
      return;
    }
    void reply.header('access-control-allow-origin', origin);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      // A preflight (Fetch standard §3.2.2) is answered here, before authentication: browsers send it without
      // credentials. The hook ends the request, so done() is not called.
      void reply
        .headers({
          'access-control-allow-methods': ALLOW_METHODS,
          'access-control-allow-headers': ALLOW_HEADERS,
          'access-control-max-age': MAX_AGE_SECONDS,
        })
        .status(204)
        .send();
      return;
    }
    void reply.header('access-control-expose-headers', EXPOSE_HEADERS);
    done();
  });
}
