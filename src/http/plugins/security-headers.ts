import type { FastifyInstance } from 'fastify';

/*
 * Headers every response carries (issue #12 item 11). The API answers JSON and files, never pages, so its policy
 * allows nothing: a downloaded file opened in a browser cannot run script or be framed. The one page, the /docs
 * reference (swagger-ui), loads its scripts, styles, images and the OpenAPI document from this origin; swagger-ui's
 * React components set inline styles, hence 'unsafe-inline' for styles only (never for scripts), and its logo and
 * CSS icons are data: images.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The constant headers, also written by handlers that answer before Fastify has a reply (client-errors.ts). */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

const DOCS_PREFIX = '/docs';

/** Adds the security headers to every reply, 404s and errors included (a reply keeps headers set on arrival). */
export function registerSecurityHeaders(app: FastifyInstance): void {
  // Synchronous and constant: it runs on every request (bench:api measures the hot path).
  app.addHook('onRequest', (request, reply, done) => {
    void reply.headers(SECURITY_HEADERS);
    void reply.header('content-security-policy', request.url.startsWith(DOCS_PREFIX) ? DOCS_CSP : API_CSP);
    done();
  });
}
