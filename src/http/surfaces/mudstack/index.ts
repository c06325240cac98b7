import type { FastifyPluginAsync } from 'fastify';
import { registerAuth } from '../../plugins/auth.js';
import { accountInvitesRoutes } from './account-invites.routes.js';
import { accountMembersRoutes } from './account-members.routes.js';
import { accountSettingsRoutes } from './account-settings.routes.js';
import { accountsRoutes } from './accounts.routes.js';
import { assetsDownloadRoutes } from './assets-download.routes.js';
import { assetsRoutes } from './assets.routes.js';
import { authRoutes } from './auth.routes.js';
import { uploadsImportRoutes } from './uploads-import.routes.js';
import { uploadsTusRoutes } from './uploads-tus.routes.js';
import { uploadsRoutes } from './uploads.routes.js';
import { derivativesRoutes } from './derivatives.routes.js';
import { trashRoutes } from './trash.routes.js';
import { versionsRoutes } from './versions.routes.js';
import { workspacesRoutes } from './workspaces.routes.js';
import { workspaceMembersRoutes } from './workspace-members.routes.js';
import { usersRoutes } from './users.routes.js';
import { favoritesRoutes } from './favorites.routes.js';
import { librariesRoutes } from './libraries.routes.js';
import { statusesRoutes } from './statuses.routes.js';
import { subscriptionsRoutes } from './subscriptions.routes.js';
import { tagsRoutes } from './tags.routes.js';
import { foldersRoutes } from './folders.routes.js';
import { locksRoutes } from './locks.routes.js';
import { commentsRoutes } from './comments.routes.js';
import { attachmentsRoutes } from './attachments.routes.js';
import { reviewsRoutes } from './reviews.routes.js';
import { reviewRequestsRoutes } from './review-requests.routes.js';
import { searchRoutes } from './search.routes.js';
import { webhooksRoutes } from './webhooks.routes.js';
import { tasksRoutes } from './tasks.routes.js';
import { taskStatusesRoutes } from './task-statuses.routes.js';
import { assetHistoryRoutes } from './asset-history.routes.js';

export interface MudstackOptions {
  /** The `/v1` alias serves the same routes but stays out of the OpenAPI document. */
  hidden?: boolean;
}

/** The Mudstack-style core API, mounted at `/` and at `/v1`. Its error shape is the app's default (app.ts). */
export const mudstackSurface: FastifyPluginAsync<MudstackOptions> = async (app, opts) => {
  if (opts.hidden) {
    app.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true };
    });
  }
  registerAuth(app);
  await app.register(authRoutes);
  await app.register(accountsRoutes);
  await app.register(accountMembersRoutes);
  await app.register(accountInvitesRoutes);
  await app.register(accountSettingsRoutes);
  await app.register(workspacesRoutes);
  await app.register(assetsRoutes);
  await app.register(uploadsRoutes);
  await app.register(uploadsTusRoutes);
  await app.register(uploadsImportRoutes);
  await app.register(versionsRoutes);
  await app.register(assetsDownloadRoutes);
  await app.register(trashRoutes);
  await app.register(derivativesRoutes);
  await app.register(workspaceMembersRoutes);
  await app.register(usersRoutes);
  await app.register(tagsRoutes);
  await app.register(librariesRoutes);
  await app.register(statusesRoutes);
  await app.register(favoritesRoutes);
  await app.register(subscriptionsRoutes);
  await app.register(foldersRoutes);
  await app.register(locksRoutes);
  await app.register(commentsRoutes);
  await app.register(attachmentsRoutes);
  await app.register(reviewsRoutes);
  await app.register(reviewRequestsRoutes);
  await app.register(searchRoutes);
  await app.register(webhooksRoutes);
  await app.register(taskStatusesRoutes);
  await app.register(tasksRoutes);
  await app.register(assetHistoryRoutes);
};
