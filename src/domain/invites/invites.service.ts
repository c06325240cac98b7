import type { AccountMemberRow, InviteRow, UserRow } from '../../db/schema.js';
import { isoNow } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { sha256Hex } from '../../lib/secrets.js';
import { isWorkspaceRole, requirePermission, type AccountRole, type WorkspaceRole } from '../access.js';
import { insertAccountMember, insertWorkspaceMember } from '../accounts/accounts.service.js';
import { findAccountMember } from '../accounts/accounts.repo.js';
import { createApiKey } from '../auth/api-keys.service.js';
import { assertAcceptablePassword, writePassword } from '../auth/passwords.service.js';
import { inTransaction, scopedAccountId, type Actor, type Ctx, type Deps } from '../context.js';
import { requestInviteEmail } from '../email/request-email.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { notify } from '../notifications/notifications.service.js';
import { getAccountSetting } from '../settings/settings.service.js';
import { findUserByEmail, findUsersByIds } from '../users/users.repo.js';
import { createUser } from '../users/users.service.js';
import { findWorkspace, findWorkspaceMember } from '../workspaces/workspaces.repo.js';
import { inviteToken } from './invite-token.js';
import { findInvite, findInviteByTokenHash, inviteWorkspaceIds, listInvites, listOpenInvitesFor } from './invites.repo.js';

/** Invites expire a week after they are made. */
export const INVITE_TTL_SECONDS = 7 * 24 * 3600;

export interface InviteInput {
  email: string;
  role: AccountRole;
  workspaceIds: readonly string[];
  /** Role in those workspaces; absent: the account's `default_workspace_role` setting at creation time. */
  workspaceRole?: WorkspaceRole | undefined;
}

export interface InviteView {
  invite: InviteRow;
  invitedBy: UserRow | null;
  /** The one-time token, present only in the answer to its creation (only its SHA-256 is stored). */
  token?: string;
}

async function withInviters(ctx: Deps, invites: InviteRow[]): Promise<InviteView[]> {
  const users = await findUsersByIds(ctx.db, invites.flatMap((i) => (i.invited_by_user_id ? [i.invited_by_user_id] : [])));
  return invites.map((invite) => ({ invite, invitedBy: invite.invited_by_user_id ? (users.get(invite.invited_by_user_id) ?? null) : null }));
}

/** GET /accounts/invites: every invite of the account (answered or not), newest first. */
export async function listAccountInvites(ctx: Ctx): Promise<InviteView[]> {
  requirePermission(ctx.actor, 'account.invites.manage');
  return withInviters(ctx, await listInvites(ctx.db, scopedAccountId(ctx)));
}

const inviteData = (i: InviteRow): Record<string, unknown> => ({
  email: i.email,
  roles: [i.role],
  workspace_ids: inviteWorkspaceIds(i),
  workspace_role: i.workspace_role,
});

async function revokeRow(ctx: Ctx, invite: InviteRow, reason: string): Promise<InviteRow> {
  const after = { ...invite, revoked_at: isoNow(ctx.clock) };
  await ctx.db.updateTable('invites').set({ revoked_at: after.revoked_at }).where('id', '=', invite.id).execute();
  await recordHistory(ctx, {
    accountId: invite.account_id,
    userId: ctx.actor.userId,
    subjectType: 'invite',
    recordId: invite.id,
    type: 'invite_revoked',
    data: { ...inviteData(invite), reason, before: { revoked_at: null }, after: { revoked_at: after.revoked_at } },
  });
  return after;
}

/**
 * POST /accounts/invites: one invite per entry, each with a one-time token of its own (see inviteToken). With SMTP
 * configured the token is e-mailed to the invitee and not answered; without, it is answered, once, for the inviter to
 * hand over. Open invites to the same e-mail are superseded (revoked). Someone already in
 * the account is a 409; a workspace outside the account is a 404.
 */
export async function createInvites(ctx: Ctx, inputs: readonly InviteInput[]): Promise<InviteView[]> {
  requirePermission(ctx.actor, 'account.invites.manage');
  const accountId = scopedAccountId(ctx);
  const emails = inputs.map((i) => i.email.trim().toLowerCase());
  emails.forEach((email, index) => {
    if (emails.indexOf(email) !== index) {
      throw errors.invalid('validation_failed', `${email} is invited twice in this request.`, [
        { in: 'body', pointer: `/invites/${index}/email`, message: 'is a duplicate' },
      ]);
    }
  });
  if (inputs.some((i) => i.role === 'owner') && ctx.actor.accountRole !== 'owner') {
    throw errors.forbidden('owner_required', 'Only an account owner may invite owners.');
  }
  const created = await inTransaction(ctx, async (tx) => {
    for (const id of new Set(inputs.flatMap((i) => i.workspaceIds))) {
      if (!(await findWorkspace(tx.db, { accountId, id }))) {
        throw errors.notFound('workspace', id);
      }
    }
    const invitees = await Promise.all(emails.map((email) => findUserByEmail(tx.db, email)));
    for (const [index, user] of invitees.entries()) {
      if (user && (await findAccountMember(tx.db, { accountId, userId: user.id }))) {
        throw errors.conflict('already_member', `${emails[index] ?? ''} is already a member of this account.`);
      }
    }
    for (const open of await listOpenInvitesFor(tx.db, { accountId, emails })) {
      await revokeRow(tx, open, 'superseded');
    }
    const defaultWorkspaceRole = await getAccountSetting(tx.db, accountId, 'default_workspace_role');
    const now = isoNow(tx.clock);
    const out: Array<{ invite: InviteRow; token: string | undefined }> = [];
    for (const [index, input] of inputs.entries()) {
      const email = emails[index] ?? input.email;
      const id = newId();
      const token = inviteToken(tx.tokenKey, id);
      const invite = await tx.db
        .insertInto('invites')
        .values({
          id,
          account_id: accountId,
          invited_by_user_id: tx.actor.userId,
          email,
          role: input.role,
          workspace_ids: JSON.stringify([...new Set(input.workspaceIds)]),
          workspace_role: input.workspaceRole ?? defaultWorkspaceRole,
          token_hash: sha256Hex(token),
          created_at: now,
          sent_at: null,
          expires_at: new Date(Date.parse(now) + INVITE_TTL_SECONDS * 1000).toISOString(),
          accepted_at: null,
          rejected_at: null,
          revoked_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordHistory(tx, { accountId, userId: tx.actor.userId, subjectType: 'invite', recordId: invite.id, type: 'invite_created', data: inviteData(invite) });
      const invitee = invitees[index];
      if (invitee) {
        // The invitee's own history (Mudstack UserHistory `invite_created`), when they already have a user.
        await recordHistory(tx, {
          accountId: null,
          userId: invitee.id,
          subjectType: 'user',
          recordId: invite.id,
          type: 'invite_created',
          data: { ...inviteData(invite), account_id: accountId, by_user_id: tx.actor.userId },
        });
      }
      // Mailed: the token goes to the invitee's mailbox only, so accepting proves control of the address (the
      // inviter could otherwise accept for an unknown e-mail and create that user). Not mailed: the inviter hands it over.
      const mailed = await requestInviteEmail(tx, invite);
      out.push({ invite, token: mailed ? undefined : token });
    }
    return out;
  });
  const views = await withInviters(ctx, created.map((c) => c.invite));
  return views.map((v, i) => {
    const token = created[i]?.token;
    return token === undefined ? v : { ...v, token };
  });
}

/** DELETE /accounts/invites/{id}: revokes an open invite (idempotent); an accepted one is a 409. */
export async function revokeInvite(ctx: Ctx, id: string): Promise<InviteView> {
  requirePermission(ctx.actor, 'account.invites.manage');
  const invite = await inTransaction(ctx, async (tx) => {
    const row = await findInvite(tx.db, { accountId: scopedAccountId(tx), id });
    if (!row) {
      throw errors.notFound('invite', id);
    }
    if (row.accepted_at !== null) {
      throw errors.conflict('invite_already_accepted', 'This invite was accepted; remove the member instead.');
    }
    return row.revoked_at !== null ? row : revokeRow(tx, row, 'revoked');
  });
  const [view] = await withInviters(ctx, [invite]);
  return view ?? { invite, invitedBy: null };
}

export interface AcceptedInvite {
  accountId: string;
  user: UserRow;
  member: AccountMemberRow;
  key: string;
  /** Shown once, like every API secret. */
  secret: string;
}

/**
 * Who may accept an invite. The token alone proves nothing about the invitee: the inviter is shown it. So it may only
 * create a new user for an e-mail no user has; an e-mail that already has a user is accepted only by that user, signed
 * in (any of their keys, any account). A signed-in caller must be the invitee either way. Throws before any write.
 */
async function requireInvitee(deps: Deps, invite: InviteRow, caller: Actor | null): Promise<UserRow | undefined> {
  const existing = await findUserByEmail(deps.db, invite.email);
  if (existing && !caller) {
    throw errors.inviteRequiresSignIn();
  }
  if (caller && caller.userId !== existing?.id) {
    throw errors.inviteForAnotherUser();
  }
  return existing;
}

/**
 * POST /accounts/invites/accept (public; the token names the invite, requireInvitee says who may use it). Unknown or
 * revoked tokens are 404 `invite_not_found`; expired, already accepted or rejected ones are 409. Creates the user when
 * the e-mail is new, adds the memberships and issues an API key, since Atelier authenticates with keys only.
 */
export async function acceptInvite(deps: Deps, token: string, caller: Actor | null, options: { password?: string | undefined } = {}): Promise<AcceptedInvite> {
  if (options.password !== undefined) {
    assertAcceptablePassword(options.password, '/password');
  }
  return inTransaction(deps, async (tx) => {
    const invite = await findInviteByTokenHash(tx.db, sha256Hex(token));
    if (!invite || invite.revoked_at !== null) {
      throw errors.notFound('invite');
    }
    if (invite.accepted_at !== null) {
      throw errors.conflict('invite_already_accepted', 'This invite has already been accepted.');
    }
    if (invite.rejected_at !== null) {
      throw errors.conflict('invite_rejected', 'This invite was declined.');
    }
    const now = isoNow(tx.clock);
    if (invite.expires_at <= now) {
      throw errors.conflict('invite_expired', 'This invite has expired; ask for a new one.');
    }
    const existing = await requireInvitee(tx, invite, caller);
    if (existing && options.password !== undefined) {
      // A user who already exists signs in with the password they have (or sets one in their profile).
      throw errors.invalid('password_not_applicable', 'This e-mail address already has a user; change its password in the profile.', [
        { in: 'body', pointer: '/password', message: 'only for a new user' },
      ]);
    }
    // Conditional update: of two concurrent acceptances, exactly one changes the row.
    const claimed = await tx.db
      .updateTable('invites')
      .set({ accepted_at: now })
      .where('id', '=', invite.id)
      .where('accepted_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) {
      throw errors.conflict('invite_already_accepted', 'This invite has already been accepted.');
    }
    const accountId = invite.account_id;
    const user = existing ?? (await createUser(tx, { email: invite.email, invitedByUserId: invite.invited_by_user_id }));
    if (!existing && options.password !== undefined) {
      await writePassword(tx, { userId: user.id, password: options.password, actorUserId: user.id, via: 'invite' });
    }
    if (await findAccountMember(tx.db, { accountId, userId: user.id })) {
      throw errors.conflict('already_member', 'You are already a member of this account.');
    }
    const role = invite.role === 'owner' || invite.role === 'admin' ? invite.role : 'member';
    await insertAccountMember(tx, { accountId, userId: user.id, role });
    const workspaceRole: WorkspaceRole = invite.workspace_role !== null && isWorkspaceRole(invite.workspace_role) ? invite.workspace_role : 'editor';
    const joined: string[] = [];
    for (const workspaceId of inviteWorkspaceIds(invite)) {
      // A workspace deleted since the invite was made is skipped.
      const exists = await findWorkspace(tx.db, { accountId, id: workspaceId });
      if (exists && !(await findWorkspaceMember(tx.db, { workspaceId, userId: user.id }))) {
        await insertWorkspaceMember(tx, { workspaceId, userId: user.id, role: workspaceRole });
        joined.push(workspaceId);
      }
    }
    const issued = await createApiKey(tx, { accountId, userId: user.id, name: 'invite' });
    const data = { ...inviteData(invite), joined_workspace_ids: joined, api_key_id: issued.row.id };
    await recordHistory(tx, { accountId, userId: user.id, subjectType: 'invite', recordId: invite.id, type: 'invite_accepted', data });
    await recordHistory(tx, { accountId: null, userId: user.id, subjectType: 'user', recordId: invite.id, type: 'invite_accepted', data: { ...data, account_id: accountId } });
    if (invite.invited_by_user_id && (await findAccountMember(tx.db, { accountId, userId: invite.invited_by_user_id }))) {
      await notify(tx, {
        accountId,
        userIds: [invite.invited_by_user_id],
        type: 'invite_accepted',
        data: { invite_id: invite.id, email: invite.email, user_id: user.id },
      });
    }
    const member = await findAccountMember(tx.db, { accountId, userId: user.id });
    if (!member) {
      throw errors.notFound('account_member', user.id);
    }
    return { accountId, user, member, key: issued.key, secret: issued.secret };
  });
}
