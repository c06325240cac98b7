import { requirePermission } from '../access.js';
import { inTransaction, scopedAccountId, type Ctx } from '../context.js';
import { errors } from '../errors.js';
import { listHistory, recordHistory, type HistoryPage } from '../history/history.service.js';
import { getAccountSetting, writeAccountSetting } from '../settings/settings.service.js';
import { workspaceUsage } from '../workspaces/usage.js';
import { listAccountWorkspaces } from '../workspaces/workspaces.repo.js';
import { countAccountMembers } from './accounts.repo.js';

/*
 * Atelier is self-hosted: there is one plan, with no billing and no limits. The Mudstack tier/type/subscription
 * endpoints answer with that plan so clients written for them keep working. `null` means unlimited.
 */

export const SELF_HOSTED = 'self-hosted';

export const SELF_HOSTED_TIER = {
  id: SELF_HOSTED,
  name: 'Self-hosted',
  type: SELF_HOSTED,
  maxStorage: null,
  costPerLicense: 0,
  costPerExtraTB: 0,
} as const;

export const SELF_HOSTED_TYPE = {
  id: SELF_HOSTED,
  name: 'Self-hosted',
  maxStorage: null,
  maxAssets: null,
  maxUsers: null,
  costPerUser: 0,
  addStoragePrice: 0,
} as const;

export const SUBSCRIPTION_FREQUENCIES = ['yearly', 'monthly'] as const;

export interface SubscriptionView {
  accountId: string;
  status: 'active';
  licenses: number;
  frequency: 'yearly';
  contact: string | null;
  tier: typeof SELF_HOSTED;
}

/** The self-hosted subscription: one license per member, the contact from the `contact_email` setting. */
export async function getSubscription(ctx: Ctx): Promise<SubscriptionView> {
  requirePermission(ctx.actor, 'account.read');
  const accountId = scopedAccountId(ctx);
  const [licenses, contact] = await Promise.all([
    countAccountMembers(ctx.db, { accountId }),
    getAccountSetting(ctx.db, accountId, 'contact_email'),
  ]);
  return { accountId, status: 'active', licenses, frequency: 'yearly', contact, tier: SELF_HOSTED };
}

export interface SubscriptionChange {
  tier?: string | undefined;
  frequency?: string | undefined;
  email?: string | undefined;
  /** Accepted for compatibility and ignored: nothing is billed. */
  paymentMethodId?: string | undefined;
}

/** PUT /accounts/subscriptions (owners): only the self-hosted plan exists; `email` becomes the contact. */
export async function updateSubscription(ctx: Ctx, change: SubscriptionChange): Promise<SubscriptionView> {
  requirePermission(ctx.actor, 'account.subscription.update');
  if (change.tier !== undefined && change.tier !== SELF_HOSTED) {
    throw errors.invalid('subscription_unsupported', `Only the "${SELF_HOSTED}" tier exists on a self-hosted server.`, [
      { in: 'query', pointer: '/tier', message: `must be ${SELF_HOSTED}` },
    ]);
  }
  if (change.frequency !== undefined && change.frequency !== 'yearly') {
    throw errors.invalid('subscription_unsupported', 'The self-hosted plan is not billed; its frequency is always yearly.', [
      { in: 'query', pointer: '/frequency', message: 'must be yearly' },
    ]);
  }
  const accountId = scopedAccountId(ctx);
  await inTransaction(ctx, async (tx) => {
    const before = await getAccountSetting(tx.db, accountId, 'contact_email');
    const email = change.email?.trim().toLowerCase();
    if (email === undefined || email === before) {
      return;
    }
    await writeAccountSetting(tx, { accountId, key: 'contact_email', value: email, actorUserId: tx.actor.userId });
    await recordHistory(tx, {
      accountId,
      userId: tx.actor.userId,
      subjectType: 'subscription',
      recordId: accountId,
      type: 'subscription_updated',
      data: { before: { tier: SELF_HOSTED, contact: before }, after: { tier: SELF_HOSTED, contact: email } },
    });
  });
  return getSubscription(ctx);
}

export interface AccountLimitsView {
  isTemporary: false;
  expiresInDays: null;
  storage: { current: number; max: null };
  assets: { current: number; max: null };
  users: { current: number; max: null };
}

/** GET /accounts/limits: usage summed over the account's workspaces; no maximum on a self-hosted server. */
export async function getAccountLimits(ctx: Ctx): Promise<AccountLimitsView> {
  requirePermission(ctx.actor, 'account.read');
  const accountId = scopedAccountId(ctx);
  const [workspaces, users] = await Promise.all([listAccountWorkspaces(ctx.db, accountId), countAccountMembers(ctx.db, { accountId })]);
  const usages = await Promise.all(workspaces.map((w) => workspaceUsage(ctx.db, w.id)));
  const sum = (pick: (u: { storage: number; assets: number }) => number): number => usages.reduce((n, u) => n + pick(u), 0);
  return {
    isTemporary: false,
    expiresInDays: null,
    storage: { current: sum((u) => u.storage), max: null },
    assets: { current: sum((u) => u.assets), max: null },
    users: { current: users, max: null },
  };
}

/** GET /accounts/history: the account's events, newest first. */
export async function listAccountHistory(ctx: Ctx, page: { limit: number; cursor?: number | undefined }): Promise<HistoryPage> {
  requirePermission(ctx.actor, 'account.history.read');
  return listHistory(ctx.db, { accountId: scopedAccountId(ctx) }, { limit: page.limit, before: page.cursor });
}
