import type { FastifyPluginAsync } from 'fastify';
import { registerAuth } from '../../plugins/auth.js';
import { rejectNulCharacters } from '../../plugins/reject-nul.js';
import { registerWorkstreamParsing } from './conventions.js';
import { registerWorkstreamErrors } from './errors.js';
import { approvalContainersRoutes } from './approval-containers.routes.js';
import { approvalPageRoutes } from './approval-page.routes.js';
import { approvalsRoutes } from './approvals.routes.js';
import { formsRoutes } from './forms.routes.js';
import { mediaRoutes } from './media.routes.js';
import { oauthRoutes } from './oauth.routes.js';
import { shareOptionsRoutes } from './shareoptions.routes.js';
import { projectAssetsRoutes } from './project-assets.routes.js';
import { projectLinksRoutes } from './project-links.routes.js';
import { projectsRoutes } from './projects.routes.js';
import { proofViewerRoutes } from './proof-viewer.routes.js';
import { proofsRoutes } from './proofs.routes.js';
import { taskAssetsRoutes } from './task-assets.routes.js';
import { taskExtrasRoutes } from './task-extras.routes.js';
import { tasksRoutes } from './tasks.routes.js';

/**
 * The Webdam Workstream-style API, mounted at `/workstream` (docs/workstream.md). An encapsulated plugin: its error
 * shape, not-found handler, form-body parser and query decoding apply to its routes only. Tenancy comes from the
 * token (route scope `credential`).
 */
export const workstreamSurface: FastifyPluginAsync = async (app) => {
  registerWorkstreamErrors(app);
  registerWorkstreamParsing(app);
  registerAuth(app);
  rejectNulCharacters(app);
  await app.register(oauthRoutes);
  await app.register(mediaRoutes);
  await app.register(tasksRoutes);
  await app.register(taskExtrasRoutes);
  await app.register(approvalsRoutes);
  await app.register(approvalContainersRoutes);
  await app.register(shareOptionsRoutes);
  await app.register(approvalPageRoutes);
  await app.register(projectsRoutes);
  await app.register(projectLinksRoutes);
  await app.register(projectAssetsRoutes);
  await app.register(proofsRoutes);
  await app.register(proofViewerRoutes);
  await app.register(taskAssetsRoutes);
  await app.register(formsRoutes);
};
