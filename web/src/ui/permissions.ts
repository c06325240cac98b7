import { useEffect, useState } from 'react';
import { api, ApiError, currentTenancy } from '../api/client';
import type { Account, UserPermissions } from '../api/types';

/*
 * What the signed-in person may do in the current account and workspace, from GET /users/permissions. Pages use it
 * to hide actions the person cannot use; the server refuses them anyway, so this is for the eye, not for safety.
 */

export interface Permissions {
  /** false until the answer is in: pages show nothing admin-only meanwhile. */
  loaded: boolean;
  /** An owner or admin of the current account. */
  accountAdmin: boolean;
  /** Whether a workspace permission (e.g. `webhooks.manage`) is granted in the current workspace. */
  can: (permission: string) => boolean;
}

const NONE: Permissions = { loaded: false, accountAdmin: false, can: () => false };

export function permissionsOf(p: UserPermissions, tenancy: { accountId: string | null; workspaceId: string | null }): Permissions {
  const account = p.accounts.find((a) => a.id === tenancy.accountId);
  const workspace = account?.workspaces.find((w) => w.id === tenancy.workspaceId);
  const granted = workspace?.permissions ?? {};
  return {
    loaded: true,
    accountAdmin: account?.roles.some((r) => r === 'owner' || r === 'admin') ?? false,
    can: (permission) => granted[permission] === true,
  };
}

export function usePermissions(): Permissions {
  const [perms, setPerms] = useState<Permissions>(NONE);
  useEffect(() => {
    let live = true;
    api<UserPermissions>('GET', '/users/permissions').then(
      (p) => live && setPerms(permissionsOf(p, currentTenancy())),
      (err: unknown) => {
        // Without an answer nothing admin-only is offered; a 401 is handled by the client (back to sign-in).
        if (live && !(err instanceof ApiError && err.status === 401)) {
          setPerms({ ...NONE, loaded: true });
        }
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return perms;
}

/** Whether the person administers anything here (the account, or the current workspace). */
export const isAdmin = (p: Permissions): boolean => p.accountAdmin || p.can('workspace.update');

/**
 * For the header, from the /users/accounts list the shell already has (no second request): whether the person is an
 * owner or admin of the account, or an admin of the workspace, where they work now.
 */
export function adminIn(accounts: readonly Account[], place: { accountId: string; workspaceId: string } | null | undefined): boolean {
  const account = place ? accounts.find((a) => a.id === place.accountId) : undefined;
  if (!account || !place) {
    return false;
  }
  const accountRoles: readonly string[] = account.members?.roles ?? [];
  const workspace = account.workspaces.find((w) => w.id === place.workspaceId);
  const workspaceRoles: readonly string[] = workspace?.roles?.roles ?? [];
  return accountRoles.includes('owner') || accountRoles.includes('admin') || workspaceRoles.includes('admin');
}
