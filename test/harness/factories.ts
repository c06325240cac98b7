import { randomBytes } from 'node:crypto';
import type { AccountRole, WorkspaceRole } from '../../src/domain/access.js';
import { createAccount, insertAccountMember, insertWorkspace, insertWorkspaceMember } from '../../src/domain/accounts/accounts.service.js';
import { createApiKey } from '../../src/domain/auth/api-keys.service.js';
import { createUser } from '../../src/domain/users/users.service.js';
import type { TestApp } from './app.js';

export interface Tenant {
  accountId: string;
  workspaceId: string;
  userId: string;
  email: string;
  keyId: string;
  key: string;
  secret: string;
  token: string;
  /** Authorization + x-account-id + x-workspace-id. */
  headers: Record<string, string>;
}

const uniq = (): string => randomBytes(5).toString('hex');

/** Test data made through domain services, so it obeys the same rules as real data. */
export class Factories {
  constructor(private readonly t: TestApp) {}

  /** A new account with an owner, one workspace and an API key + token. */
  async tenant(name = `Studio ${uniq()}`): Promise<Tenant> {
    const deps = this.t.deps;
    const { account, owner } = await createAccount(deps, { name, ownerEmail: `owner-${uniq()}@example.test` });
    const ws = await insertWorkspace(deps, { accountId: account.id, name: 'Main', createdByUserId: owner.id });
    return this.withKey({ accountId: account.id, workspaceId: ws.id, userId: owner.id, email: owner.email });
  }

  /** Another user in `of`'s account (and workspace, when `workspaceRole` is given), with their own key + token. */
  async member(of: Tenant, roles: { account?: AccountRole; workspace?: WorkspaceRole | null } = {}): Promise<Tenant> {
    const deps = this.t.deps;
    const user = await createUser(deps, { email: `member-${uniq()}@example.test` });
    await insertAccountMember(deps, { accountId: of.accountId, userId: user.id, role: roles.account ?? 'member' });
    const wsRole = roles.workspace === undefined ? 'editor' : roles.workspace;
    if (wsRole) {
      await insertWorkspaceMember(deps, { workspaceId: of.workspaceId, userId: user.id, role: wsRole });
    }
    return this.withKey({ accountId: of.accountId, workspaceId: of.workspaceId, userId: user.id, email: user.email });
  }

  /** A second workspace in the tenant's account. */
  async workspace(of: Tenant, name = `WS ${uniq()}`): Promise<string> {
    const ws = await insertWorkspace(this.t.deps, { accountId: of.accountId, name, createdByUserId: of.userId });
    return ws.id;
  }

  /** Exchanges key + secret through the real HTTP endpoint. */
  async token(key: string, secret: string, accountId?: string): Promise<string> {
    const res = await this.t.req('POST', '/auth/token', { json: { account_id: accountId, key, secret } });
    if (res.status !== 200) {
      throw new Error(`token request failed: ${res.status} ${res.text}`);
    }
    return res.body.token as string;
  }

  private async withKey(base: { accountId: string; workspaceId: string; userId: string; email: string }): Promise<Tenant> {
    const issued = await createApiKey(this.t.deps, { accountId: base.accountId, userId: base.userId, name: 'test' });
    const token = await this.token(issued.key, issued.secret, base.accountId);
    return {
      ...base,
      keyId: issued.row.id,
      key: issued.key,
      secret: issued.secret,
      token,
      headers: { authorization: `Bearer ${token}`, 'x-account-id': base.accountId, 'x-workspace-id': base.workspaceId },
    };
  }
}
