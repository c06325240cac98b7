import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor, Deps } from '../context.js';
import { errors } from '../errors.js';
import { resolveActor } from './actor.service.js';
import { verifyToken } from './tokens.service.js';

/*
 * Tenancy of the surfaces whose documents send no account or workspace headers (Workstream, medialoopster, Vionlabs;
 * DESIGN "one rule for all three, written once in the auth layer"; docs/workstream.md, "Authentication"):
 *
 * - the account is the one the token's API key was issued in (a key never acts outside it);
 * - the workspace is the `x-workspace-id` header when the client sends one (checked like on the core API: 403 when
 *   the user has no access to it), else the caller's default workspace: the oldest workspace of the account they can
 *   act in (account owners and admins: any of the account's; members: those they belong to).
 *
 * The resulting Actor is the core API's, so roles and permissions are the same on every surface.
 */
export async function resolveCredentialActor(deps: Deps, req: { token: string | undefined; workspaceHeader: string | undefined }): Promise<Actor> {
  if (!req.token) {
    throw errors.unauthenticated();
  }
  const claims = verifyToken(deps, req.token);
  const workspaceHeader =
    req.workspaceHeader !== undefined && req.workspaceHeader !== ''
      ? req.workspaceHeader
      : await deps.cache.get(deps.db, `default-workspace:${claims.accountId}:${claims.userId}`, () =>
          defaultWorkspaceId(deps.db, { accountId: claims.accountId, userId: claims.userId }),
        );
  if (workspaceHeader === undefined) {
    // Still authenticate first, so a bad or revoked token is a 401 and not this 403.
    await resolveActor(deps, { token: req.token, scope: 'user', accountHeader: undefined, workspaceHeader: undefined });
    throw errors.forbidden('workspace_forbidden', 'You do not belong to any workspace of this account.');
  }
  return resolveActor(deps, { token: req.token, scope: 'workspace', accountHeader: claims.accountId, workspaceHeader });
}

/**
 * The same rule for a surface whose objects span workspaces (medialoopster: a production is a workspace, and one
 * client lists and reads every production it may; docs/medialoopster.md): the account is the token's; the workspace
 * is the `x-workspace-id` header when sent (the client is then bound to that one production), else none, and each
 * service checks the caller's role in the workspace it touches (domain/productions/production-access.ts).
 */
export async function resolveCredentialAccountActor(deps: Deps, req: { token: string | undefined; workspaceHeader: string | undefined }): Promise<Actor> {
  if (!req.token) {
    throw errors.unauthenticated();
  }
  if (req.workspaceHeader !== undefined && req.workspaceHeader !== '') {
    const claims = verifyToken(deps, req.token);
    return resolveActor(deps, { token: req.token, scope: 'workspace', accountHeader: claims.accountId, workspaceHeader: req.workspaceHeader });
  }
  return resolveActor(deps, { token: req.token, scope: 'user', accountHeader: undefined, workspaceHeader: undefined });
}

/** The oldest workspace of the account the user can act in, if any. */
async function defaultWorkspaceId(db: Kysely<DB>, p: { accountId: string; userId: string }): Promise<string | undefined> {
  const row = await db
    .selectFrom('workspaces as w')
    .innerJoin('account_members as am', (j) => j.onRef('am.account_id', '=', 'w.account_id').on('am.user_id', '=', p.userId))
    .leftJoin('workspace_members as wm', (j) => j.onRef('wm.workspace_id', '=', 'w.id').on('wm.user_id', '=', p.userId))
    .select('w.id')
    .where('w.account_id', '=', p.accountId)
    .where((eb) => eb.or([eb('am.role', 'in', ['owner', 'admin']), eb('wm.id', 'is not', null)]))
    .orderBy('w.sequence')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}
