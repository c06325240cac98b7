import type { FastifyPluginAsync } from 'fastify';
import { registerAuth } from '../../plugins/auth.js';
import { rejectNulCharacters } from '../../plugins/reject-nul.js';
import { accessRoutes } from './access.routes.js';
import { registerMedialoopsterParsing } from './conventions.js';
import { registerMedialoopsterErrors } from './errors.js';
import { customMetadataRoutes } from './custom-metadata.routes.js';
import { mediaAssetsRoutes } from './media-assets.routes.js';
import { productionsRoutes } from './productions.routes.js';
import { shotsRoutes } from './shots.routes.js';
import { projectAssetsRoutes } from './project-assets.routes.js';
import { importsRoutes } from './imports.routes.js';

/**
 * The medialoopster-style production API, mounted at `/api` (docs/medialoopster.md). An encapsulated plugin: its
 * error shapes, not-found handler (trailing-slash redirect, 405), Accept-version check and form-body parser apply to
 * its routes only. Tenancy comes from the credential (route scope `credential-account`: the token's account; each
 * production is a workspace checked per request).
 */
export const medialoopsterSurface: FastifyPluginAsync = async (app) => {
  registerMedialoopsterErrors(app);
  registerMedialoopsterParsing(app);
  registerAuth(app);
  rejectNulCharacters(app);
  await app.register(accessRoutes);
  await app.register(productionsRoutes);
  await app.register(mediaAssetsRoutes);
  await app.register(customMetadataRoutes);
  await app.register(shotsRoutes);
  await app.register(projectAssetsRoutes);
  await app.register(importsRoutes);
};
