import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AccountRow, DB, UserRow, WorkspaceRow } from '../../db/schema.js';
import { isoNow, type Clock } from '../../lib/clock.js';
import { newId } from '../../lib/ids.js';
import type { AccountRole, WorkspaceRole } from '../access.js';
import { inTransaction, type Deps } from '../context.js';
import { errors } from '../errors.js';
import { recordHistory } from '../history/history.service.js';
import { createApiKey } from '../auth/api-keys.service.js';
import { findUserByEmail } from '../users/users.repo.js';
import { createUser } from '../users/users.service.js';
import { insertDefaultStatuses } from '../statuses/default-statuses.js';

type Db = { db: Kysely<DB>; clock: Clock };

/** Adds a user to an account with a role (no checks: callers decide who may). */
export async function insertAccountMember(deps: Db, input: { accountId: string; userId: string; role: AccountRole }): Promise<void> {
  const now = isoNow(deps.clock);
  await deps.db
    .insertInto('account_members')
    .values({ id: newId(), account_id: input.accountId, user_id: input.userId, role: input.role, created_at: now, updated_at: now })
    .execute();
}

/** Adds a user to a workspace with a role (no checks: callers decide who may). */
export async function insertWorkspaceMember(deps: Db, input: { workspaceId: string; userId: string; role: WorkspaceRole }): Promise<void> {
  const now = isoNow(deps.clock);
  await deps.db
    .insertInto('workspace_members')
    .values({ id: newId(), workspace_id: input.workspaceId, user_id: input.userId, role: input.role, created_at: now, updated_at: now })
    .execute();
}

/** Inserts a workspace row and makes its creator an admin member of it. */
export async function insertWorkspace(
  deps: Db,
  input: { accountId: string; name: string; createdByUserId: string; thumbnailBlobKey?: string | null },
): Promise<WorkspaceRow> {
  const now = isoNow(deps.clock);
  const row = await deps.db
    .insertInto('workspaces')
    .values({
      id: newId(),
      account_id: input.accountId,
      name: input.name,
      thumbnail_blob_key: input.thumbnailBlobKey ?? null,
      created_by_user_id: input.createdByUserId,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await insertWorkspaceMember(deps, { workspaceId: row.id, userId: input.createdByUserId, role: 'admin' });
  await insertDefaultStatuses(deps, { workspaceId: row.id, createdByUserId: input.createdByUserId });
  await recordHistory(deps, {
    accountId: input.accountId,
    workspaceId: row.id,
    userId: input.createdByUserId,
    subjectType: 'workspace',
    recordId: row.id,
    type: 'workspace_created',
    data: { name: row.name },
  });
  return row;
}

/** Creates an account owned by `owner` (created when the e-mail is new). */
export async function createAccount(
  deps: Db,
  input: { name: string; ownerEmail: string; ownerName?: string },
): Promise<{ account: AccountRow; owner: UserRow }> {
  const owner = (await findUserByEmail(deps.db, input.ownerEmail)) ?? (await createUser(deps, { email: input.ownerEmail, firstName: input.ownerName }));
  const now = isoNow(deps.clock);
  const account = await deps.db
    .insertInto('accounts')
    .values({ id: newId(), name: input.name, thumbnail_blob_key: null, created_by_user_id: owner.id, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  await insertAccountMember(deps, { accountId: account.id, userId: owner.id, role: 'owner' });
  await recordHistory(deps, {
    accountId: account.id,
    userId: owner.id,
    subjectType: 'account',
    recordId: account.id,
    type: 'account_created',
    data: { name: account.name },
  });
  return { account, owner };
}

export interface BootstrapResult {
  account_id: string;
  workspace_id: string;
  user_id: string;
  key: string;
  secret: string;
}

const slug = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'studio';

/**
 * The owner's e-mail when none is given. It has a random part: an e-mail anyone can guess (owner@<slug>...) is an
 * address another tenant can invite, and an account's users should not be found by guessing.
 */
const generatedOwnerEmail = (name: string): string => `owner-${randomBytes(8).toString('hex')}@${slug(name)}.atelier.local`;

/** Loose on purpose (the operator types it): one @, no spaces, a dot in the domain. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * `atelier bootstrap`: idempotently makes an account named `name` with an owner and a workspace, and always issues
 * a new API key. A second run with the same name finds the same account, owner and workspace. `ownerEmail` names the
 * owner of a new account (an existing user with it becomes the owner); without it the e-mail is generated.
 */
export async function bootstrap(deps: Pick<Deps, 'db' | 'clock'>, name: string, options: { ownerEmail?: string | undefined } = {}): Promise<BootstrapResult> {
  const ownerEmail = options.ownerEmail?.trim().toLowerCase();
  if (ownerEmail !== undefined && (!EMAIL.test(ownerEmail) || ownerEmail.length > 320)) {
    throw errors.invalidField('body', 'email', 'must be an e-mail address');
  }
  return inTransaction(deps as Deps, async (tx) => {
    let account = await tx.db.selectFrom('accounts').selectAll().where('name', '=', name).orderBy('sequence').executeTakeFirst();
    if (!account) {
      account = (await createAccount(tx, { name, ownerEmail: ownerEmail ?? generatedOwnerEmail(name), ownerName: 'Owner' })).account;
    }
    const owner = await tx.db
      .selectFrom('account_members as am')
      .innerJoin('users as u', 'u.id', 'am.user_id')
      .select(['am.user_id', 'u.email'])
      .where('am.account_id', '=', account.id)
      .where('am.role', '=', 'owner')
      .orderBy('am.sequence')
      .executeTakeFirstOrThrow();
    if (ownerEmail !== undefined && owner.email !== ownerEmail) {
      // Issuing a key to a different owner than asked for would be a surprise; the caller can drop --email.
      throw errors.conflict('bootstrap_owner_mismatch', `The account "${name}" already exists, and its owner's e-mail is not ${ownerEmail}.`);
    }
    const workspace =
      (await tx.db.selectFrom('workspaces').selectAll().where('account_id', '=', account.id).orderBy('sequence').executeTakeFirst()) ??
      (await insertWorkspace(tx, { accountId: account.id, name: 'Default', createdByUserId: owner.user_id }));
    const issued = await createApiKey(tx, { accountId: account.id, userId: owner.user_id, name: 'bootstrap' });
    return { account_id: account.id, workspace_id: workspace.id, user_id: owner.user_id, key: issued.key, secret: issued.secret };
  });
}
