import type { Kysely } from 'kysely';
import type { DB, InviteRow } from '../../db/schema.js';

/** An invite of the given account, or undefined (another account's invite reads as absent). */
export function findInvite(db: Kysely<DB>, scope: { accountId: string; id: string }): Promise<InviteRow | undefined> {
  return db.selectFrom('invites').selectAll().where('id', '=', scope.id).where('account_id', '=', scope.accountId).executeTakeFirst();
}

/** The invite a token was issued for (tokens are stored as SHA-256 only). */
export function findInviteByTokenHash(db: Kysely<DB>, tokenHash: string): Promise<InviteRow | undefined> {
  return db.selectFrom('invites').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Every invite of an account, newest first. */
export function listInvites(db: Kysely<DB>, accountId: string): Promise<InviteRow[]> {
  return db.selectFrom('invites').selectAll().where('account_id', '=', accountId).orderBy('sequence', 'desc').execute();
}

/** Invites still waiting for an answer: not accepted, rejected or revoked (expired ones included). */
export function listOpenInvitesFor(db: Kysely<DB>, scope: { accountId: string; emails: readonly string[] }): Promise<InviteRow[]> {
  if (scope.emails.length === 0) {
    return Promise.resolve([]);
  }
  return db
    .selectFrom('invites')
    .selectAll()
    .where('account_id', '=', scope.accountId)
    .where('email', 'in', [...scope.emails])
    .where('accepted_at', 'is', null)
    .where('rejected_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Parses the stored `workspace_ids` JSON array. */
export function inviteWorkspaceIds(row: InviteRow): string[] {
  try {
    const parsed: unknown = JSON.parse(row.workspace_ids);
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
