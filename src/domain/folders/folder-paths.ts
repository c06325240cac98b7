import type { FolderRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { Ctx } from '../context.js';
import { recordHistory } from '../history/history.service.js';
import { findFolderByPath, insertFolderIfMissing } from './folders.repo.js';
import { folderNameOf, pathPrefixes } from './folders.rules.js';

/**
 * Makes sure a folder row exists for `path` and each of its parents, in the caller's transaction (uploads into a
 * new `file_location`, asset moves, folder creates and moves all go through here). Returns the folder at `path`, or
 * undefined for the root `/`, which has no row. Idempotent, and safe against a concurrent create of the same path.
 */
export async function ensureFolderPath(ctx: Ctx, workspaceId: string, path: string): Promise<FolderRow | undefined> {
  if (path === '/') {
    return undefined;
  }
  const existing = await findFolderByPath(ctx.db, { workspaceId, path });
  if (existing) {
    return existing;
  }
  let parent: FolderRow | undefined;
  for (const prefix of pathPrefixes(path)) {
    const found = await findFolderByPath(ctx.db, { workspaceId, path: prefix });
    if (found) {
      parent = found;
      continue;
    }
    const now = isoNow(ctx.clock);
    const inserted = await insertFolderIfMissing(ctx.db, {
      id: newId(),
      workspace_id: workspaceId,
      path: prefix,
      parent_id: parent?.id ?? null,
      name: folderNameOf(prefix),
      created_by_user_id: ctx.actor.userId,
      created_at: now,
      updated_at: now,
    });
    if (inserted) {
      await recordHistory(ctx, {
        accountId: ctx.actor.accountId,
        workspaceId,
        userId: ctx.actor.userId,
        subjectType: 'folder',
        recordId: inserted.id,
        type: 'folder_created',
        data: { path: inserted.path, parent_id: inserted.parent_id },
      });
    }
    // Not inserted: a concurrent transaction created it first, and it is visible now that theirs committed.
    parent = inserted ?? (await findFolderByPath(ctx.db, { workspaceId, path: prefix }));
  }
  return parent;
}
