import type { HistoryEventRow, InviteRow, NotificationRow } from '../../../db/schema.js';
import type { AccountOverview } from '../../../domain/accounts/account-profile.service.js';
import type { AccountMemberView } from '../../../domain/accounts/members.service.js';
import { SELF_HOSTED, SELF_HOSTED_TIER, SELF_HOSTED_TYPE, type SubscriptionView } from '../../../domain/accounts/plan.service.js';
import type { AcceptedInvite, InviteView } from '../../../domain/invites/invites.service.js';
import { inviteWorkspaceIds } from '../../../domain/invites/invites.repo.js';
import type { SettingView } from '../../../domain/settings/settings.service.js';
import type { InviteJson } from './account-invites.schemas.js';
import type { NotificationJson, SettingJson } from './account-settings.schemas.js';
import type { AccountHistoryJson, AccountJson, AccountMemberJson, AccountSubscriptionJson } from './accounts.schemas.js';
import { presentUser } from './users.present.js';
import { presentWorkspace } from './workspaces.present.js';
import { avatarIndex } from './values.present.js';

/** Stored JSON text as an object; anything else is wrapped so the documented shape (an object) holds. */
function jsonObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? { ...parsed } : { value: parsed };
  } catch {
    return {};
  }
}

export function presentAccountMember(view: AccountMemberView): AccountMemberJson {
  return { account_id: view.member.account_id, user_id: view.member.user_id, roles: [view.member.role], user: presentUser(view.user) };
}

export function presentSubscription(s: SubscriptionView): AccountSubscriptionJson {
  return {
    account_id: s.accountId,
    stripe_customer_id: null,
    status: s.status,
    licenses: s.licenses,
    frequency: s.frequency,
    contact: s.contact,
    tier: s.tier,
  };
}

/** Mudstack Account: the self-hosted tier and type, the caller's membership and visible workspaces. */
export function presentAccount(view: AccountOverview): AccountJson {
  const a = view.account;
  return {
    id: a.id,
    name: a.name,
    account_tier_id: SELF_HOSTED,
    thumbnail_file_id: a.thumbnail_blob_key,
    created_by_user_id: a.created_by_user_id,
    defaultAvatar: avatarIndex(a.default_avatar),
    sequence: a.sequence,
    subscription: presentSubscription(view.subscription),
    members: presentAccountMember({ member: view.member, user: view.memberUser }),
    tier: { ...SELF_HOSTED_TIER },
    type: { ...SELF_HOSTED_TYPE },
    creator: view.creator ? presentUser(view.creator) : null,
    workspaces: view.workspaces.map(presentWorkspace),
    created_at: a.created_at,
    updated_at: a.updated_at,
  };
}

export function presentAccountHistory(row: HistoryEventRow): AccountHistoryJson {
  return {
    id: row.id,
    account_id: row.account_id ?? '',
    user_id: row.user_id,
    type: row.type,
    record_id: row.record_id,
    data: jsonObject(row.data),
    created_at: row.created_at,
  };
}

export function presentInvite(view: InviteView): InviteJson {
  const i: InviteRow = view.invite;
  return {
    id: i.id,
    account_id: i.account_id,
    invited_by: i.invited_by_user_id,
    roles: [i.role],
    workspace_ids: inviteWorkspaceIds(i),
    workspace_role: i.workspace_role,
    email: i.email,
    ...(view.token !== undefined ? { token: view.token } : {}),
    created_at: i.created_at,
    expires_at: i.expires_at,
    sent_at: i.sent_at,
    accepted_at: i.accepted_at,
    rejected_at: i.rejected_at,
    revoked_at: i.revoked_at,
    invited_by_user: view.invitedBy ? presentUser(view.invitedBy) : null,
  };
}

export function presentAcceptedInvite(a: AcceptedInvite) {
  return {
    account_id: a.accountId,
    user: presentUser(a.user),
    member: presentAccountMember({ member: a.member, user: a.user }),
    key: a.key,
    secret: a.secret,
  };
}

export function presentSetting(s: SettingView): SettingJson {
  return {
    id: s.key,
    key: s.key,
    value: s.value,
    default: s.default,
    description: s.description,
    updated_at: s.updatedAt,
    updated_by_user_id: s.updatedByUserId,
  };
}

export function presentNotification(n: NotificationRow): NotificationJson {
  return {
    id: n.id,
    account_id: n.account_id,
    workspace_id: n.workspace_id,
    user_id: n.user_id,
    type: n.type,
    data: jsonObject(n.data),
    read_at: n.read_at,
    created_at: n.created_at,
  };
}
