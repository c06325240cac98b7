import type { ProjectAssetRow } from '../../db/schema.js';
import type { Ctx } from '../context.js';
import { recordHistory } from '../history/history.service.js';

/**
 * History of a project asset change, on its project file's asset, so the core's history, webhooks and subscriber
 * notifications see it. `silent` (addasset's `silent_mode`) records the event for history only: the dispatcher
 * does not fan it out (src/domain/events/dispatch.service.ts).
 */
export async function recordProjectAssetEvent(
  ctx: Ctx,
  row: ProjectAssetRow,
  type: string,
  data: Record<string, unknown> = {},
  options: { silent?: boolean } = {},
): Promise<void> {
  await recordHistory(ctx, {
    accountId: row.account_id,
    workspaceId: row.workspace_id,
    assetId: row.asset_id,
    userId: ctx.actor.userId === '' ? null : ctx.actor.userId,
    subjectType: 'project_asset',
    recordId: row.id,
    type,
    data: { project_asset_id: Number(row.sequence), ...data, ...(options.silent ? { silent: true } : {}) },
  });
}
