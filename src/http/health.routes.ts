import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import { migrationsApplied } from '../db/database.js';

/** Liveness (the process answers) and readiness (database reachable, migrations applied). */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', { schema: { hide: true }, config: { scope: 'public' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true }, config: { scope: 'public' } }, async (request, reply) => {
    try {
      await sql`select 1`.execute(app.deps.db);
      if (!(await migrationsApplied(app.deps.db))) {
        return reply.status(503).send({ status: 'unavailable', reason: 'migrations pending' });
      }
      return { status: 'ready' };
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed');
      return reply.status(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
};
