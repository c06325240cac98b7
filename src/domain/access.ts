import { errors } from './errors.js';
import type { Actor } from './context.js';

/*
 * The one permission matrix. Account roles apply account-wide; workspace roles apply in one workspace.
 * Account owners and admins act as admins of every workspace in their account.
 */

export const ACCOUNT_ROLES = ['owner', 'admin', 'member'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export const WORKSPACE_ROLES = ['admin', 'editor', 'viewer'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

const ANY_ACCOUNT: readonly AccountRole[] = ACCOUNT_ROLES;
const ACCOUNT_ADMINS: readonly AccountRole[] = ['owner', 'admin'];
const ANY_WORKSPACE: readonly WorkspaceRole[] = WORKSPACE_ROLES;
const EDITORS: readonly WorkspaceRole[] = ['admin', 'editor'];
const WORKSPACE_ADMINS: readonly WorkspaceRole[] = ['admin'];

export const ACCOUNT_PERMISSIONS = {
  'account.read': ANY_ACCOUNT,
  'account.update': ACCOUNT_ADMINS,
  'account.delete': ['owner'],
  'account.members.read': ANY_ACCOUNT,
  'account.members.manage': ACCOUNT_ADMINS,
  'account.invites.manage': ACCOUNT_ADMINS,
  'account.settings.update': ACCOUNT_ADMINS,
  'account.subscription.update': ['owner'],
  'account.history.read': ACCOUNT_ADMINS,
  'account.keys.manage': ACCOUNT_ADMINS,
  'workspace.create': ACCOUNT_ADMINS,
} as const satisfies Record<string, readonly AccountRole[]>;
export type AccountPermission = keyof typeof ACCOUNT_PERMISSIONS;

export const WORKSPACE_PERMISSIONS = {
  'workspace.read': ANY_WORKSPACE,
  'workspace.update': WORKSPACE_ADMINS,
  'workspace.delete': WORKSPACE_ADMINS,
  'workspace.members.manage': WORKSPACE_ADMINS,
  'workspace.history.read': ANY_WORKSPACE,
  'asset.read': ANY_WORKSPACE,
  'asset.write': EDITORS,
  'asset.delete': EDITORS,
  'asset.comment': ANY_WORKSPACE,
  'asset.review': ANY_WORKSPACE,
  'asset.lock.force': WORKSPACE_ADMINS,
  'trash.manage': WORKSPACE_ADMINS,
  'organise.manage': EDITORS,
  'statuses.manage': WORKSPACE_ADMINS,
  /** Request forms (Workstream F1-F2, T8): create, edit, archive. */
  'forms.manage': WORKSPACE_ADMINS,
  'task.write': EDITORS,
  /** medialoopster `browser.copy_projectasset`: copy a project asset into this production (the target). */
  'project_asset.copy': EDITORS,
  /** medialoopster `browser.share_production_asset`: share assets into this production (the target). */
  'asset.share': WORKSPACE_ADMINS,
  /** Create, change and delete Workstream projects (linking assets and watching need only task.write / asset.read). */
  'projects.manage': WORKSPACE_ADMINS,
  'webhooks.manage': WORKSPACE_ADMINS,
  /** Read the workspace's jobs (GET /workspaces/jobs): what the queue does for it, processing tasks included. */
  'jobs.read': WORKSPACE_ADMINS,
  /** Delete anyone's comments, reviews, attachments; cancel anyone's review requests. */
  'discussion.moderate': WORKSPACE_ADMINS,
} as const satisfies Record<string, readonly WorkspaceRole[]>;
export type WorkspacePermission = keyof typeof WORKSPACE_PERMISSIONS;

export type Permission = AccountPermission | WorkspacePermission;

/** The workspace role a user acts with: account owners/admins are workspace admins everywhere in the account. */
export function effectiveWorkspaceRole(
  accountRole: AccountRole | null,
  memberRole: WorkspaceRole | null,
): WorkspaceRole | null {
  if (accountRole === 'owner' || accountRole === 'admin') {
    return 'admin';
  }
  return memberRole;
}

export function can(actor: Actor, permission: Permission): boolean {
  if (permission in ACCOUNT_PERMISSIONS) {
    const allowed: readonly string[] = ACCOUNT_PERMISSIONS[permission as AccountPermission];
    return actor.accountRole !== null && allowed.includes(actor.accountRole);
  }
  const allowed: readonly string[] = WORKSPACE_PERMISSIONS[permission as WorkspacePermission];
  return actor.workspaceRole !== null && allowed.includes(actor.workspaceRole);
}

/** Throws `forbidden` unless the actor holds the permission in the scope named by the request. */
export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) {
    throw errors.forbidden('permission_denied', `Your role does not allow ${permission}.`);
  }
}

export const isAccountRole = (v: string): v is AccountRole => (ACCOUNT_ROLES as readonly string[]).includes(v);
export const isWorkspaceRole = (v: string): v is WorkspaceRole => (WORKSPACE_ROLES as readonly string[]).includes(v);

/** docs/permissions.md table of the matrix, generated so that code and documentation cannot drift. */
export function permissionMatrixMarkdown(): string {
  const rows: string[] = ['| Permission | Scope | Roles |', '| --- | --- | --- |'];
  for (const [p, roles] of Object.entries(ACCOUNT_PERMISSIONS)) {
    rows.push(`| \`${p}\` | account | ${roles.join(', ')} |`);
  }
  for (const [p, roles] of Object.entries(WORKSPACE_PERMISSIONS)) {
    rows.push(`| \`${p}\` | workspace | ${roles.join(', ')} (account owners and admins act as workspace admins) |`);
  }
  return rows.join('\n');
}
