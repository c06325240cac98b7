import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, currentTenancy } from '../api/client';
import type { AccountLimits, AccountMember, Invite } from '../api/types';
import { usePermissions } from '../ui/permissions';
import { AdminNav } from './admin-nav';
import { WorkspaceMembers } from './workspace-members';
import { ConfirmRemove, RoleSelect } from './member-controls';

const ROLES = ['owner', 'admin', 'member'] as const;

function Members({ manage }: { manage: boolean }) {
  const [members, setMembers] = useState<AccountMember[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const load = useCallback(() => void api<AccountMember[]>('GET', '/accounts/members').then(setMembers, (e: Error) => setError(e.message)), []);
  useEffect(load, [load]);
  async function setRole(m: AccountMember, role: string) {
    try {
      await api('PUT', `/accounts/members/${m.user_id}`, { json: { roles: [role] } });
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    load();
  }
  async function remove(m: AccountMember) {
    try {
      await api('DELETE', `/accounts/members/${m.user_id}`);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    setRemoving(null);
    load();
  }
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <table aria-label="Account members">
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Role</th>
            {manage && (
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.user_id}>
              <td>{m.user.email}</td>
              <td>
                {manage ? (
                  <RoleSelect label={`Role of ${m.user.email}`} value={m.roles[0] ?? 'member'} roles={ROLES} onChange={(r) => void setRole(m, r)} />
                ) : (
                  m.roles.join(', ')
                )}
              </td>
              {manage && (
                <td>
                  <ConfirmRemove
                    asking={removing === m.user_id}
                    askLabel={`Remove ${m.user.email}`}
                    confirmLabel={`Remove ${m.user.email} for good`}
                    onAsk={() => setRemoving(m.user_id)}
                    onKeep={() => setRemoving(null)}
                    onConfirm={() => void remove(m)}
                  />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Invites() {
  const [invites, setInvites] = useState<Invite[]>([]);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('member');
  const [made, setMade] = useState<Invite | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => void api<Invite[]>('GET', '/accounts/invites').then(setInvites, (e: Error) => setError(e.message)), []);
  useEffect(load, [load]);
  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      const workspaceId = currentTenancy().workspaceId;
      const [created] = await api<Invite[]>('POST', '/accounts/invites', { json: [{ email, roles: [role], workspace_ids: workspaceId ? [workspaceId] : [] }] });
      setMade(created ?? null);
      setEmail('');
      setError(null);
      load();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }
  const open = invites.filter((i) => !i.accepted_at && !i.revoked_at && !i.rejected_at);
  return (
    <section className="card" aria-labelledby="invites-title">
      <h2 id="invites-title">Invites</h2>
      <form onSubmit={submit} className="inline-form">
        <label>
          E-mail
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          Invite to this workspace
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {made && (
        <p role="status">
          {made.token ? (
            <>
              Send this link to {made.email}: <code data-testid="invite-link">{`${location.origin}/invite?token=${encodeURIComponent(made.token)}`}</code>
            </>
          ) : (
            <>The invite was e-mailed to {made.email}.</>
          )}
        </p>
      )}
      <ul>
        {open.length === 0 && <li className="muted">No open invites.</li>}
        {open.map((i) => (
          <li key={i.id}>
            {i.email} ({i.roles.join(', ')}), expires {new Date(i.expires_at).toLocaleDateString()}{' '}
            <button type="button" className="danger" onClick={() => void api('DELETE', `/accounts/invites/${i.id}`).then(load, (e: Error) => setError(e.message))}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Usage() {
  const [limits, setLimits] = useState<AccountLimits | null>(null);
  useEffect(() => {
    void api<AccountLimits>('GET', '/accounts/limits').then(setLimits, () => undefined);
  }, []);
  if (!limits) {
    return null;
  }
  const row = (label: string, u: { current: number; max: number | null }) => (
    <tr>
      <th scope="row">{label}</th>
      <td>
        {u.current.toLocaleString()} {u.max === null ? '(no limit)' : `of ${u.max.toLocaleString()}`}
      </td>
    </tr>
  );
  return (
    <section className="card" aria-labelledby="usage-title">
      <h2 id="usage-title">Usage</h2>
      <table>
        <tbody>
          {row('Storage (bytes)', limits.storage)}
          {row('Assets', limits.assets)}
          {row('Members', limits.users)}
        </tbody>
      </table>
    </section>
  );
}

/** Account administration for owners and admins: members and roles (change, remove) of the account and of the workspace, invites, usage. */
export function AdminPage() {
  const perms = usePermissions();
  return (
    <main aria-labelledby="admin-title" className="profile admin">
      <h1 id="admin-title">Administration</h1>
      <AdminNav />
      <Members manage={perms.accountAdmin} />
      {perms.loaded && <WorkspaceMembers manage={perms.can('workspace.members.manage')} />}
      {perms.accountAdmin && <Invites />}
      <Usage />
    </main>
  );
}
