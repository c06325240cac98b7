import { createHash, randomBytes } from 'node:crypto';
import type { GuestSessionRow, TaskRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { Ctx, Deps } from '../context.js';
import { errors } from '../errors.js';

/*
 * Guest access (spec §1.4.7 T1 "No user: the ones tied to the caller's session_id"; docs/workstream.md "Guests").
 * A caller without a token who submits a form open to guests (`allow_guests`) gets a session id; with it (and no
 * token) T1 lists and T2 shows the tasks that session submitted, and nothing else. Only the SHA-256 of the id is
 * stored; sessions last 30 days from their creation.
 */

const SESSION_DAYS = 30;
const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * A Ctx for a guest: the form's workspace and account, no user and no role. `userId` is empty, which matches no row,
 * so no user-scoped rule can treat the guest as anyone; guest services check the session instead of permissions.
 */
export function guestCtx(deps: Deps, scope: { accountId: string; workspaceId: string }): Ctx {
  return {
    ...deps,
    actor: { userId: '', apiKeyId: null, accountId: scope.accountId, accountRole: null, workspaceId: scope.workspaceId, workspaceRole: null },
  };
}

/**
 * The tenant of a form open to guests, by its integer id (form ids are unique across tenants). A form that is not
 * open to guests reads as absent, so a guest learns nothing about other forms.
 */
export async function guestFormTenant(deps: Deps, formSequence: number): Promise<{ accountId: string; workspaceId: string; formId: string } | undefined> {
  const row = await deps.db
    .selectFrom('forms')
    .innerJoin('workspaces as w', 'w.id', 'forms.workspace_id')
    .select(['forms.id', 'forms.workspace_id', 'w.account_id'])
    .where('forms.sequence', '=', formSequence)
    .where('forms.allow_guests', '=', 1)
    .executeTakeFirst();
  return row ? { accountId: row.account_id, workspaceId: row.workspace_id, formId: row.id } : undefined;
}

/** The live session of a session id (any workspace), or undefined. */
export async function findGuestSession(deps: Deps, token: string | undefined): Promise<GuestSessionRow | undefined> {
  if (token === undefined || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) {
    return undefined;
  }
  const row = await deps.db.selectFrom('guest_sessions').selectAll().where('token_hash', '=', hash(token)).executeTakeFirst();
  return row && row.expires_at > isoNow(deps.clock) ? row : undefined;
}

/** The session named by `token` when it belongs to this workspace, else a new one; returns its id and token. */
export async function ensureGuestSession(ctx: Ctx, token: string | undefined): Promise<{ id: string; token: string }> {
  const existing = await findGuestSession(ctx, token);
  if (existing && token !== undefined && existing.workspace_id === ctx.actor.workspaceId) {
    return { id: existing.id, token };
  }
  const fresh = randomBytes(24).toString('base64url');
  const now = ctx.clock.now();
  const id = newId();
  await ctx.db
    .insertInto('guest_sessions')
    .values({
      id,
      workspace_id: ctx.actor.workspaceId ?? '',
      token_hash: hash(fresh),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_DAYS * 86_400_000).toISOString(),
    })
    .execute();
  return { id, token: fresh };
}

/** The session's workspace and account, for a guest Ctx; 401 when the session is unknown or expired. */
export async function requireGuestSession(deps: Deps, token: string | undefined): Promise<{ session: GuestSessionRow; accountId: string }> {
  const session = await findGuestSession(deps, token);
  if (!session) {
    throw errors.unauthenticated('Send a token, or the session_id of a guest session.');
  }
  const ws = await deps.db.selectFrom('workspaces').select('account_id').where('id', '=', session.workspace_id).executeTakeFirst();
  if (!ws) {
    throw errors.unauthenticated('Send a token, or the session_id of a guest session.');
  }
  return { session, accountId: ws.account_id };
}

/** T1 for a guest: the tasks the session submitted, newest first. */
export function listGuestTasks(deps: Deps, session: GuestSessionRow, page: { offset: number; limit: number }): Promise<TaskRow[]> {
  return deps.db
    .selectFrom('tasks')
    .selectAll()
    .where('workspace_id', '=', session.workspace_id)
    .where('guest_session_id', '=', session.id)
    .orderBy('sequence', 'desc')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
}

/** T2 for a guest: one task the session submitted, else `task_not_found`. */
export async function getGuestTask(deps: Deps, session: GuestSessionRow, taskSequence: number): Promise<TaskRow> {
  const task = await deps.db
    .selectFrom('tasks')
    .selectAll()
    .where('workspace_id', '=', session.workspace_id)
    .where('guest_session_id', '=', session.id)
    .where('sequence', '=', taskSequence)
    .executeTakeFirst();
  if (!task) {
    throw errors.notFound('task', String(taskSequence));
  }
  return task;
}
