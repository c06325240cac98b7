import type { Kysely } from 'kysely';
import type { DB, UserRow } from '../../db/schema.js';
import { isoNow, type Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import { recordHistory } from '../history/history.service.js';

export interface NewUser {
  email: string;
  username?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  invitedByUserId?: string | null | undefined;
}

/** Creates a user; e-mail addresses are unique, compared lower-cased. */
export async function createUser(deps: { db: Kysely<DB>; clock: Clock }, input: NewUser): Promise<UserRow> {
  const now = isoNow(deps.clock);
  const email = input.email.trim().toLowerCase();
  const row = await deps.db
    .insertInto('users')
    .values({
      id: newId(),
      email,
      username: input.username ?? email.split('@')[0] ?? email,
      first_name: input.firstName ?? '',
      last_name: input.lastName ?? '',
      invited_by_user_id: input.invitedByUserId ?? null,
      avatar_blob_key: null,
      industry: null,
      occupation: null,
      company: null,
      city: null,
      state: null,
      country: null,
      zip_code: null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordHistory(deps, { accountId: null, userId: row.id, subjectType: 'user', recordId: row.id, type: 'created', data: { email } });
  return row;
}
