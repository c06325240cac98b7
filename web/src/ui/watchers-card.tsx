import { useState } from 'react';
import { api } from '../api/client';
import type { Watchers } from '../api/types';
import { MemberSelect } from './member-select';
import { personName, useMembers } from './people';
import { usePermissions } from './permissions';

/*
 * The watchers of a task or a project (core routes, `<path>` = /workspaces/tasks/{id}/watchers or
 * /workspaces/projects/{id}/watchers): anyone who sees it may watch it or stop; editors also add and remove others
 * (the server decides either way; this only hides what would be refused). Each change answers the new list, which
 * replaces the page's.
 */
export function WatchersCard({ path, noun, watchers, onChange, onError }: {
  path: string;
  /** `task` or `project`, for the texts. */
  noun: string;
  watchers: Watchers;
  onChange: (next: Watchers) => void;
  onError: (message: string) => void;
}) {
  const perms = usePermissions();
  const members = useMembers();
  const [busy, setBusy] = useState(false);
  const [adding, setAdding] = useState('');
  const editor = perms.can('task.write');
  const watching = new Set(watchers.watchers.map((w) => w.id));
  const candidates = members.filter((m) => !watching.has(m.user_id));

  async function change(method: 'PUT' | 'DELETE', userId: string): Promise<boolean> {
    setBusy(true);
    onError('');
    try {
      onChange(await api<Watchers>(method, `${path}/${encodeURIComponent(userId)}`));
      return true;
    } catch (err) {
      onError((err as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="watchers-h">
      <h2 id="watchers-h">Watchers</h2>
      <p className="muted">Watchers are notified when someone else changes this {noun}.</p>
      <button type="button" disabled={busy} aria-pressed={watchers.watching} onClick={() => void change(watchers.watching ? 'DELETE' : 'PUT', 'me')}>
        {watchers.watching ? 'Stop watching' : `Watch this ${noun}`}
      </button>
      {watchers.watchers.length === 0 ? (
        <p className="muted">Nobody watches this {noun}.</p>
      ) : (
        <ul aria-label="Watchers">
          {watchers.watchers.map((w) => (
            <li key={w.id}>
              {personName(w)} <span className="muted">{w.email}</span>
              {editor && (
                <>
                  {' '}
                  <button type="button" className="link" disabled={busy} onClick={() => void change('DELETE', w.id)} aria-label={`Remove ${personName(w)} from the watchers`}>
                    Remove
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {editor && candidates.length > 0 && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (adding) {
              void change('PUT', adding).then((ok) => ok && setAdding(''));
            }
          }}
        >
          <MemberSelect label="Add a watcher " value={adding} onChange={setAdding} members={candidates} empty="Choose a person" />{' '}
          <button type="submit" disabled={busy || !adding}>
            Add watcher
          </button>
        </form>
      )}
    </section>
  );
}
