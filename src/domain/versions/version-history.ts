import { scopedWorkspaceId, type Ctx } from '../context.js';
import { recordHistory } from '../history/history.service.js';

/** Records a change the caller made to one version of an asset (history subject `version`). */
export function recordVersionEvent(
  ctx: Ctx,
  event: { assetId: string; versionId: string; type: string; data: Record<string, unknown> },
): Promise<void> {
  return recordHistory(ctx, {
    accountId: ctx.actor.accountId,
    workspaceId: scopedWorkspaceId(ctx),
    assetId: event.assetId,
    userId: ctx.actor.userId,
    subjectType: 'version',
    recordId: event.versionId,
    type: event.type,
    data: event.data,
  });
}
