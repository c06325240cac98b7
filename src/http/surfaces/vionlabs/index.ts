import type { FastifyPluginAsync } from 'fastify';
import { rejectNulCharacters } from '../../plugins/reject-nul.js';
import { registerVionlabsAuth } from './auth.js';
import { catalogRoutes } from './catalog.routes.js';
import { registerVionlabsErrors } from './errors.js';
import { resultsRoutes } from './results.routes.js';
import { tasksRoutes } from './tasks.routes.js';

/**
 * The Vionlabs processing API, mounted at `/vionlabs` (docs/vionlabs.md): the documented paths below it. An
 * encapsulated plugin: its FastAPI error shape, not-found handler and key authentication apply to its routes only.
 * Tenancy comes from the key (route scope `credential`).
 */
export const vionlabsSurface: FastifyPluginAsync = async (app) => {
  registerVionlabsErrors(app);
  registerVionlabsAuth(app);
  rejectNulCharacters(app);
  await app.register(catalogRoutes);
  await app.register(tasksRoutes);
  await app.register(resultsRoutes);
};
