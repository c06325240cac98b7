import { can, requirePermission } from '../access.js';
import { scopedAccountId, scopedWorkspaceId, type Actor, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { parseEventId } from './live-feed.js';
import type { LivePosition } from './live.repo.js';

export interface LiveScope {
  workspaceId: string;
  accountId: string;
  userId: string;
}

/**
 * Who a live stream is for: a member of the workspace who may read its history (GET /workspaces/history), and their
 * own notifications in its account. The stream carries nothing a caller could not read through those two routes.
 */
export function liveScopeOf(ctx: Ctx): LiveScope {
  requirePermission(ctx.actor, 'workspace.history.read');
  return { workspaceId: scopedWorkspaceId(ctx), accountId: scopedAccountId(ctx), userId: ctx.actor.userId };
}

/** Whether a re-authenticated caller may still receive the stream opened for `scope`. */
export function stillAllowed(actor: Actor | null, scope: LiveScope): boolean {
  return (
    actor !== null &&
    actor.userId === scope.userId &&
    actor.workspaceId === scope.workspaceId &&
    actor.accountId === scope.accountId &&
    can(actor, 'workspace.history.read')
  );
}

/** The `Last-Event-ID` header: absent, or an id this stream sent. */
export function resumePosition(header: string | undefined): LivePosition | null {
  if (header === undefined || header.trim() === '') {
    return null;
  }
  const p = parseEventId(header);
  if (!p) {
    throw errors.invalidField('headers', 'last-event-id', 'must be an event id this stream sent (`<number>.<number>`)');
  }
  return p;
}
