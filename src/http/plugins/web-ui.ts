import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../domain/errors.js';

/*
 * Serves the web app's production build (web/dist, made by scripts/build.js with Vite; docs/web.md "How it is built
 * and served"). The API keeps every path it has: the app's files live under `/_app/` (content-hashed names, cached for
 * a year), and its HTML shell is answered only for browser navigations that no API route matches: GET or HEAD with
 * `Accept: text/html`. Any other unmatched request (an API client's) still gets the JSON 404 of its surface.
 * Precompressed `.br` / `.gz` siblings written by the build are sent when the browser accepts them.
 */

/** The build folder: web/dist at the package root (the same from src/ and from the compiled dist/). */
export const WEB_BUILD_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export const APP_ASSETS_PREFIX = '/_app/';

/** The app's own policy: scripts and styles only from this origin; media from blob: URLs the app makes. */
export const APP_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; " +
  "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
  '.ico': 'image/x-icon',
};

interface Shell {
  html: Buffer;
  gzip: Buffer | undefined;
  brotli: Buffer | undefined;
}

const readIfThere = (path: string): Buffer | undefined => (existsSync(path) ? readFileSync(path) : undefined);

function encodingFor(request: FastifyRequest, has: { br: boolean; gz: boolean }): 'br' | 'gzip' | undefined {
  const accept = String(request.headers['accept-encoding'] ?? '');
  if (has.br && /\bbr\b/.test(accept)) {
    return 'br';
  }
  return has.gz && /\bgzip\b/.test(accept) ? 'gzip' : undefined;
}

/** True for a browser navigation: GET/HEAD asking for HTML. */
export function wantsAppShell(request: FastifyRequest): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && String(request.headers.accept ?? '').includes('text/html');
}

let shell: Shell | undefined;

/** Answers the app's HTML shell (never cached: it names the current hashed files). False when there is no build. */
export function sendAppShell(reply: FastifyReply): boolean {
  if (!shell) {
    return false;
  }
  const encoding = encodingFor(reply.request, { br: shell.brotli !== undefined, gz: shell.gzip !== undefined });
  const body = encoding === 'br' ? shell.brotli : encoding === 'gzip' ? shell.gzip : shell.html;
  void reply
    .status(200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('content-security-policy', APP_CSP)
    .header('vary', 'accept-encoding');
  if (encoding) {
    void reply.header('content-encoding', encoding);
  }
  void reply.send(body);
  return true;
}

/** Registers `/` and `/_app/*` when the build exists; without a build the server is the API alone. */
export function registerWebUi(app: FastifyInstance, dir = WEB_BUILD_DIR): void {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    app.log.debug({ dir }, 'no web app build; serving the API only');
    return;
  }
  shell = { html: readFileSync(index), gzip: readIfThere(`${index}.gz`), brotli: readIfThere(`${index}.br`) };
  const assets = resolve(dir, APP_ASSETS_PREFIX.slice(1));

  app.get(APP_ASSETS_PREFIX + '*', { schema: { hide: true }, config: { scope: 'public' } }, async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const file = resolve(assets, name);
    // Only plain files inside the assets folder; precompressed siblings are not addressable themselves.
    if (!file.startsWith(assets + sep) || /\.(br|gz)$/.test(file) || !existsSync(file) || !statSync(file).isFile()) {
      throw errors.notFound('file');
    }
    const encoding = encodingFor(request, { br: existsSync(`${file}.br`), gz: existsSync(`${file}.gz`) });
    const path = encoding === 'br' ? `${file}.br` : encoding === 'gzip' ? `${file}.gz` : file;
    void reply
      .header('content-type', TYPES[extname(file)] ?? 'application/octet-stream')
      .header('content-length', String(statSync(path).size))
      // Every name carries a hash of its content, so a name's bytes never change.
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('vary', 'accept-encoding');
    if (encoding) {
      void reply.header('content-encoding', encoding);
    }
    return reply.send(createReadStream(path));
  });

  app.get('/', { schema: { hide: true }, config: { scope: 'public' } }, async (request, reply) => {
    if (!sendAppShell(reply)) {
      return reply.callNotFound();
    }
    return reply;
  });
}
