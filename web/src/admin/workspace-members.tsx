import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { AccountMember, WorkspaceMember } from '../api/types';
import { ConfirmRemove, RoleSelect } from './member-controls';

const WORKSPACE_ROLES = ['admin', 'editor', 'viewer'] as const;

/**
 * Members of the current workspace and their workspace roles (GET/POST/PUT/DELETE /workspaces/members/{user_id}):
 * change a role, remove from the workspace (they stay in the account), add a member of the account. Account owners and
 * admins act as admins of every workspace whether listed here or not (docs/permissions.md).
 */
export function WorkspaceMembers({ manage }: { manage: boolean }) {
  const [members, setMembers] = useState<WorkspaceMember[] | null>(null);
  const [account, setAccount] = useState<AccountMember[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const [adding, setAdding] = useState('');
  const [role, setRole] = useState<string>('editor');

  const load = useCallback(async () => {
    try {
      const [ws, acc] = await Promise.all([
        api<WorkspaceMember[]>('GET', '/workspaces/members'),
        manage ? api<AccountMember[]>('GET', '/accounts/members') : Promise.resolve([]),
      ]);
      setMembers(ws);
      setAccount(acc);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [manage]);
  useEffect(() => {
    void load();
  }, [load]);

  async function run(fn: () => Promise<unknown>) {
    try {
      await fn();
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
    setRemoving(null);
    await load();
  }

  async function add(e: FormEvent) {
    e.preventDefault();
    if (adding) {
      await run(() => api('POST', `/workspaces/members/${adding}`, { json: { roles: [role] } }));
      setAdding('');
    }
  }

  const inWorkspace = new Set(members?.map((m) => m.user_id));
  const addable = account.filter((m) => !inWorkspace.has(m.user_id));
  return (
    <section className="card" aria-labelledby="ws-members-title">
      <h2 id="ws-members-title">Workspace roles</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {members === null ? (
        !error && <p role="status">Loading…</p>
      ) : members.length === 0 ? (
        <p className="empty">Nobody is a member of this workspace by name; account owners and admins still are its admins.</p>
      ) : (
        <table aria-label="Workspace members">
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Workspace role</th>
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
                <th scope="row">{m.user.email}</th>
                <td>
                  {manage ? (
                    <RoleSelect
                      label={`Workspace role of ${m.user.email}`}
                      value={m.roles[0] ?? 'viewer'}
                      roles={WORKSPACE_ROLES}
                      onChange={(r) => void run(() => api('PUT', `/workspaces/members/${m.user_id}`, { json: { roles: [r] } }))}
                    />
                  ) : (
                    m.roles.join(', ')
                  )}
                </td>
                {manage && (
                  <td>
                    <ConfirmRemove
                      asking={removing === m.user_id}
                      askLabel={`Remove ${m.user.email} from the workspace`}
                      confirmLabel={`Remove ${m.user.email} from the workspace`}
                      onAsk={() => setRemoving(m.user_id)}
                      onKeep={() => setRemoving(null)}
                      onConfirm={() => void run(() => api('DELETE', `/workspaces/members/${m.user_id}`))}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {manage && addable.length > 0 && (
        <form onSubmit={add} className="inline-form">
          <label>
            Add a member of the account
            <select value={adding} onChange={(e) => setAdding(e.target.value)} required>
              <option value="">Choose…</option>
              {addable.map((m) => (
                <option key={m.user_id} value={m.user_id}>
                  {m.user.email}
                </option>
              ))}
            </select>
          </label>
          <label>
            Role in the workspace
            <select value={role} onChange={(e) => setRole(e.target.value)}>
              {WORKSPACE_ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Add to the workspace</button>
        </form>
      )}
    </section>
  );
}
