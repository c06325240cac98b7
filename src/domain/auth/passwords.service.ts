import type { Kysely } from 'kysely';
import type { DB, UserRow } from '../../db/schema.js';
import { isoNow, type Clock } from '../../lib/clock.js';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from '../../lib/passwords.js';
import type { Ctx } from '../context.js';
import { errors, type FieldProblem } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { endOtherSessions } from './sessions.service.js';

/** Refuses a password outside the length rules (lib/passwords.ts); `pointer` names the field in the 400. */
export function assertAcceptablePassword(password: string, pointer: string, part: FieldProblem['in'] = 'body'): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    throw errors.invalid('password_unacceptable', `A password has ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`, [
      { in: part, pointer, message: `must have ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters` },
    ]);
  }
}

/** Writes a new password hash for a user (already checked by the caller) and records it in their history. */
export async function writePassword(
  deps: { db: Kysely<DB>; clock: Clock },
  input: { userId: string; password: string; actorUserId: string | null; via: 'invite' | 'profile' | 'admin' },
): Promise<void> {
  const now = isoNow(deps.clock);
  await deps.db
    .updateTable('users')
    .set({ password_hash: await hashPassword(input.password), password_changed_at: now, updated_at: now })
    .where('id', '=', input.userId)
    .execute();
  await recordHistory(deps, { accountId: null, userId: input.actorUserId ?? input.userId, subjectType: 'user', recordId: input.userId, type: 'password_changed', data: { via: input.via } });
}

/**
 * PUT /users/me/password: the caller changes their own password. When one is set, the current one must be given
 * (a session left open on a shared machine must not be enough to take the account over). Every other session of
 * the user ends; the one making the change (if any) stays signed in.
 */
export async function changeMyPassword(ctx: Ctx, input: { currentPassword: string | undefined; newPassword: string; keepSessionId: string | null }): Promise<void> {
  assertAcceptablePassword(input.newPassword, '/new_password');
  const user = await ctx.db.selectFrom('users').selectAll().where('id', '=', ctx.actor.userId).executeTakeFirst();
  if (!user) {
    throw errors.unauthenticated();
  }
  if (user.password_hash !== null) {
    if (input.currentPassword === undefined || !(await verifyPassword(input.currentPassword, user.password_hash))) {
      throw errors.forbidden('current_password_wrong', 'The current password is not right.');
    }
  }
  await writePassword(ctx, { userId: user.id, password: input.newPassword, actorUserId: user.id, via: 'profile' });
  await endOtherSessions(ctx, user.id, input.keepSessionId);
}

/**
 * For the administrator's `atelier users set-password <email>` (CLI): sets any user's password by e-mail, with no
 * current password, and ends all of that user's sessions. Throws `user_not_found` for an unknown e-mail.
 */
export async function setUserPassword(deps: { db: Kysely<DB>; clock: Clock }, input: { email: string; password: string }): Promise<UserRow> {
  assertAcceptablePassword(input.password, '/password');
  const user = await deps.db.selectFrom('users').selectAll().where('email', '=', input.email.trim().toLowerCase()).executeTakeFirst();
  if (!user) {
    throw errors.notFound('user', input.email);
  }
  await writePassword(deps, { userId: user.id, password: input.password, actorUserId: null, via: 'admin' });
  await endOtherSessions(deps, user.id, null);
  return user;
}
