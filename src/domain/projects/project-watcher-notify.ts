import type { ProjectRow } from '../../db/schema.js';
import type { Ctx } from '../context.js';
import { notify } from '../notifications/notifications.service.js';

/** The notification a project's watchers get when it changes (not the one who changed it). E-mail follows with SMTP. */
export const PROJECT_UPDATED = 'project_updated';

/**
 * Notifies the project's watchers of a change, in the caller's transaction (the change's history event reaches
 * webhooks on its own). `changes` names what changed: fields, or `assets` for links added or removed.
 */
export async function notifyProjectWatchers(tx: Ctx, project: ProjectRow, changes: readonly string[]): Promise<void> {
  const rows = await tx.db.selectFrom('project_watchers').select('user_id').where('workspace_id', '=', project.workspace_id).where('project_id', '=', project.id).execute();
  await notify(tx, {
    accountId: project.account_id,
    workspaceId: project.workspace_id,
    userIds: rows.map((r) => r.user_id).filter((u) => u !== tx.actor.userId),
    type: PROJECT_UPDATED,
    data: { project_id: project.id, title: project.name, by_user_id: tx.actor.userId || null, changes },
  });
}
