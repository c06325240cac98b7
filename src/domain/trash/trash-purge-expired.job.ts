import { Type } from '@sinclair/typebox';
import { trashRetentionDays } from '../settings/settings.service.js';
import { purgeTrash } from './trash.service.js';
import { workspacesWithExpiredTrash } from './trash.repo.js';
import { defineJob } from '../../jobs/define.js';

const DAY_MS = 86_400_000;
/** The smallest retention the `trash_retention_days` setting allows: nothing younger can be due anywhere. */
const MIN_RETENTION_DAYS = 1;

/**
 * Hourly: purges trashed assets and versions older than their workspace's `trash_retention_days` setting, else
 * their account's (default 30), with an `asset_purged` / `version_purged` history event (reason `retention`) each.
 * Blobs are left to `blobs.sweep`. Idempotent.
 */
export const trashPurgeExpiredJob = defineJob({
  name: 'trash.purge_expired',
  payload: Type.Object({}),
  schedule: { everySeconds: 3600, payload: {} },
  priority: 200,
  async handler(ctx) {
    const now = ctx.clock.now().getTime();
    const candidates = await workspacesWithExpiredTrash(ctx.db, new Date(now - MIN_RETENTION_DAYS * DAY_MS).toISOString());
    let purged = 0;
    for (const { workspaceId, accountId } of candidates) {
      ctx.signal.throwIfAborted();
      const days = await trashRetentionDays(ctx.db, { accountId, workspaceId });
      const deletedBefore = new Date(now - days * DAY_MS).toISOString();
      purged += await purgeTrash(ctx, { accountId, workspaceId, userId: null, deletedBefore, reason: 'retention' });
    }
    ctx.log.info({ purged, workspaces: candidates.length }, 'purged expired trash');
  },
});
