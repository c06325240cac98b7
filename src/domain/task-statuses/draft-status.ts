import type { TaskStatusRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { inTransaction, scopedWorkspaceId, type Ctx } from '../context.js';
import { nameKey } from '../tags/tags.rules.js';
import { workspaceTaskStatuses } from './task-statuses.service.js';

/** Workstream's draft status (spec §1.2 default `Draft #888B8D`): a task filled from a form but not submitted. */
export const DRAFT_STATUS = { name: 'Draft', color: '#888B8D' } as const;

/**
 * The workspace's statuses with its draft status, created on first use (rank 0, so it lists first as in the
 * Workstream defaults). A status already named "Draft" becomes the draft status rather than getting a twin.
 * Core task creation never defaults to it (tasks.service.ts) and no update may set it.
 */
export function statusesWithDraft(ctx: Ctx): Promise<TaskStatusRow[]> {
  return inTransaction(ctx, async (tx) => {
    const statuses = await workspaceTaskStatuses(tx);
    if (statuses.some((s) => s.is_draft === 1)) {
      return statuses;
    }
    const workspaceId = scopedWorkspaceId(tx);
    const now = isoNow(tx.clock);
    const named = statuses.find((s) => s.name_key === nameKey(DRAFT_STATUS.name));
    if (named) {
      await tx.db.updateTable('task_statuses').set({ is_draft: 1, updated_at: now }).where('workspace_id', '=', workspaceId).where('id', '=', named.id).execute();
    } else {
      await tx.db
        .insertInto('task_statuses')
        .values({
          id: newId(),
          workspace_id: workspaceId,
          name: DRAFT_STATUS.name,
          name_key: nameKey(DRAFT_STATUS.name),
          color: DRAFT_STATUS.color,
          rank: 0,
          is_closed: 0,
          is_draft: 1,
          created_by_user_id: null,
          created_at: now,
          updated_at: now,
        })
        // Two first uses at once: the unique name key makes the second a no-op.
        .onConflict((oc) => oc.columns(['workspace_id', 'name_key']).doNothing())
        .execute();
    }
    return workspaceTaskStatuses(tx);
  });
}

/** The draft status among `statuses`, if the workspace has one. */
export const draftStatusOf = (statuses: readonly TaskStatusRow[]): TaskStatusRow | undefined => statuses.find((s) => s.is_draft === 1);
