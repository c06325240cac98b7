import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Deps } from './domain/context.js';
import { healthRoutes } from './http/health.routes.js';
import { registerMultipart } from './http/plugins/multipart.js';
import { registerOpenApi } from './http/plugins/openapi.js';
import { registerMudstackErrors } from './http/surfaces/mudstack/errors.js';
import { mudstackSurface } from './http/surfaces/mudstack/index.js';
import './http/types.js';

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{8,128}$/;

/** Builds the HTTP app on already-created deps. No I/O here, so tests build it on a temp database. */
export async function buildApp(deps: Deps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    // A caller's x-request-id is kept when it looks sane, so logs can be correlated across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
    },
    trustProxy: false,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('deps', deps);
  app.decorateRequest('actor', null);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  registerMudstackErrors(app);
  await registerOpenApi(app);
  await registerMultipart(app);
  await app.register(healthRoutes);
  await app.register(mudstackSurface);
  await app.register(mudstackSurface, { prefix: '/v1', hidden: true });
  return app;
}
