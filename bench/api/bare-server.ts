import Fastify from 'fastify';

/*
 * The baseline: bare Fastify (no logger, no hooks, no database) answering one GET route with a small JSON object of
 * about the size of Atelier's GET /workspaces answer. bench/api/run.ts measures Atelier against it.
 */
const app = Fastify({ logger: false });
const body = {
  id: '6f1c5f0e-3c2a-4d7e-9a51-2b8f0f4f9a10',
  sequence: 1,
  name: 'Default',
  account_id: '0b7f9d3e-6a1c-4e8b-a2d4-5c3e7f9b1a20',
  thumbnail: null,
  created_by: { id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', email: 'owner@bench.atelier.local', first_name: 'Owner', last_name: null },
  created_at: '2026-11-23T03:00:00.000Z',
  updated_at: '2026-11-23T03:00:00.000Z',
};
app.get('/workspaces', async () => body);
await app.listen({ port: Number(process.env.PORT ?? 8090), host: '127.0.0.1' });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
