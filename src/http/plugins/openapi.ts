import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { medialoopsterComponents } from '../surfaces/medialoopster/openapi-components.js';
import { namedComponents } from '../surfaces/mudstack/openapi-components.js';
import { vionlabsComponents } from '../surfaces/vionlabs/schemas.js';
import { workstreamComponents } from '../surfaces/workstream/schemas.js';
import { documentRoute, shareSchemas } from './openapi-document.js';
import { SESSION_COOKIE } from './session-cookie.js';

interface Encoded {
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  etag: string;
}

/** `br` or `gzip` when the client accepts it (q > 0), else the raw bytes. */
export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | 'identity' {
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.trim().toLowerCase().split(';'))
      .filter(([, ...params]) => !params.some((p) => /^\s*q\s*=\s*0(?:\.0*)?\s*$/.test(p)))
      .map(([coding]) => coding?.trim()),
  );
  if (accepted.has('br')) {
    return 'br';
  }
  return accepted.has('gzip') || accepted.has('*') ? 'gzip' : 'identity';
}

/** OpenAPI 3.1 generated from the route schemas, at /openapi.json, with a reference page at /docs. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Atelier API',
        version: '0.1.0',
        description:
          'Self-hosted DAM. The core API is Mudstack-style and served at `/` and `/v1`. Authenticate with `POST /auth/token`, then send `Authorization: Bearer <token>` with `x-account-id` and `x-workspace-id`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: SESSION_COOKIE,
            description:
              'The web app’s session (`POST /auth/sessions`), sent by the browser when no `Authorization` header is; a write must also carry the CSRF token (docs/web.md, "Sessions and CSRF").',
          },
        },
      },
      // Every authenticated route accepts either (plugins/auth.ts).
      security: [{ bearer: [] }, { session: [] }],
    },
    hideUntagged: false,
    transform: documentRoute,
    transformObject: (document) =>
      'openapiObject' in document ? (shareSchemas(document.openapiObject, { ...namedComponents, ...workstreamComponents, ...vionlabsComponents, ...medialoopsterComponents }) as typeof document.openapiObject) : document.swaggerObject,
  });

  // The document only changes when the routes do, so it is serialized and compressed once, on first request (not at
  // startup: most processes never serve it). Brotli quality 9: 11 saves 7% more and costs ten times the time.
  let encoded: Encoded | undefined;
  const encode = (): Encoded => {
    if (!encoded) {
      const identity = Buffer.from(JSON.stringify(app.swagger()));
      encoded = {
        identity,
        gzip: gzipSync(identity, { level: 9 }),
        br: brotliCompressSync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: identity.length } }),
        etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`,
      };
    }
    return encoded;
  };
  const sendDocument = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const doc = encode();
    void reply.header('etag', doc.etag).header('vary', 'accept-encoding').header('cache-control', 'no-cache');
    const ifNoneMatch = request.headers['if-none-match'];
    if (typeof ifNoneMatch === 'string' && ifNoneMatch.split(',').some((tag) => [doc.etag, `W/${doc.etag}`, '*'].includes(tag.trim()))) {
      return reply.code(304).send();
    }
    const encoding = pickEncoding(request.headers['accept-encoding']);
    void reply.type('application/json; charset=utf-8');
    if (encoding !== 'identity') {
      void reply.header('content-encoding', encoding);
    }
    return reply.send(doc[encoding]);
  };

  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
    // The page loads its document from /docs/json: the same compressed bytes as /openapi.json.
    uiHooks: {
      onRequest: (request, reply, done) => {
        if (request.routeOptions.url === '/docs/json') {
          sendDocument(request, reply);
          return;
        }
        done();
      },
    },
  });
  app.get('/openapi.json', { schema: { hide: true }, config: { scope: 'public' } }, async (request, reply) => sendDocument(request, reply));
}
