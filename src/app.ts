import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Deps } from './domain/context.js';
import { errors } from './domain/errors.js';
import { healthRoutes } from './http/health.routes.js';
import { clientErrorHandler, frameworkErrors } from './http/plugins/client-errors.js';
import { registerCors } from './http/plugins/cors.js';
import { registerJsonBody } from './http/plugins/json-body.js';
import { registerMultipart } from './http/plugins/multipart.js';
import { registerOpenApi } from './http/plugins/openapi.js';
import { registerRequestBodyGuards } from './http/plugins/request-body.js';
import { lazyChildLogger } from './http/plugins/request-logger.js';
import { registerSecurityHeaders } from './http/plugins/security-headers.js';
import { sharedSerializers } from './http/plugins/shared-serializers.js';
import { partValidators } from './http/plugins/validators.js';
import { registerMudstackErrors } from './http/surfaces/mudstack/errors.js';
import { medialoopsterSurface } from './http/surfaces/medialoopster/index.js';
import { mudstackSurface } from './http/surfaces/mudstack/index.js';
import { workstreamSurface } from './http/surfaces/workstream/index.js';
import './http/types.js';

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{8,128}$/;

/** `/v1/x` → `/x`, `/v1` → `/`, `/v1?q` → `/?q`; anything else unchanged. */
export function withoutVersionPrefix(url: string): string {
  if (!url.startsWith('/v1')) {
    return url;
  }
  const rest = url.slice(3);
  if (rest === '') {
    return '/';
  }
  if (rest.startsWith('/')) {
    return rest;
  }
  return rest.startsWith('?') ? `/${rest}` : url;
}

/** Builds the HTTP app on already-created deps. No I/O here, so tests build it on a temp database. */
export async function buildApp(deps: Deps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    // A caller's x-request-id is kept when it looks sane, so logs can be correlated across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
    },
    childLoggerFactory: lazyChildLogger,
    // Validators per request part: JSON bodies strict, querystring/params/headers coerced (plugins/validators.ts).
    schemaController: { compilersFactory: { buildSerializer: sharedSerializers, buildValidator: partValidators } },
    // `/v1/...` is an alias of the un-prefixed API. It is rewritten before routing rather than registered as a second
    // copy of every route, which would double the compiled validators and serializers held in memory.
    rewriteUrl: (req) => withoutVersionPrefix(req.url ?? '/'),
    // Only listed proxies' X-Forwarded-For is believed (request.ip feeds the sign-in rate limits).
    trustProxy: deps.config.http.trustProxy.length > 0 ? [...deps.config.http.trustProxy] : false,
    // Routing failures and requests Node's parser refuses get the error shape too (http/plugins/client-errors.ts).
    frameworkErrors,
    clientErrorHandler: clientErrorHandler(deps.log as FastifyBaseLogger),
    bodyLimit: 1024 * 1024,
    // Fastify's own 503 while closing has another body shape; the onRequest hook below answers it in ours.
    return503OnClosing: false,
    ajv: { customOptions: { removeAdditional: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('deps', deps);
  app.decorateRequest('actor', null);
  // Set as the request arrives (a reply keeps its headers through errors); a synchronous hook, because this runs on
  // every request and an async onSend hook costs a promise and a hook-runner pass per reply.
  // Requests that arrive while the server drains (on a kept-alive or pipelined connection) get 503 shutting_down;
  // Fastify has already set `Connection: close` on them.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done(closing ? errors.shuttingDown() : undefined);
  });
  registerSecurityHeaders(app);
  registerCors(app, deps.config.http.corsOrigins);

  registerMudstackErrors(app);
  registerJsonBody(app);
  registerRequestBodyGuards(app);
  await registerOpenApi(app);
  await registerMultipart(app);
  await app.register(healthRoutes);
  await app.register(mudstackSurface);
  await app.register(workstreamSurface, { prefix: '/workstream' });
  await app.register(medialoopsterSurface, { prefix: '/api' });
  return app;
}
