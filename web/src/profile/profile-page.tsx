import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { ApiKey, User } from '../api/types';

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      await api('PUT', '/users/me/password', { json: { ...(current ? { current_password: current } : {}), new_password: next } });
      setMessage({ ok: true, text: 'Password changed. Your other sessions were signed out.' });
      setCurrent('');
      setNext('');
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  }
  return (
    <form onSubmit={submit} className="card" aria-labelledby="pw-title">
      <h2 id="pw-title">Password</h2>
      <label>
        Current password
        <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
      </label>
      <label>
        New password (10 characters or more)
        <input type="password" autoComplete="new-password" minLength={10} required value={next} onChange={(e) => setNext(e.target.value)} />
      </label>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>
          {message.text}
        </p>
      )}
      <button type="submit" className="primary">
        Change password
      </button>
    </form>
  );
}

function KeysSection() {
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [name, setName] = useState('');
  const [fresh, setFresh] = useState<ApiKey | null>(null);
  const load = useCallback(() => void api<ApiKey[]>('GET', '/users/me/keys').then(setKeys, () => undefined), []);
  useEffect(load, [load]);
  return (
    <section className="card" aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <p className="muted">For scripts and tools in this account: exchange the key and secret at POST /auth/token.</p>
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td>
                <code>{k.key}</code>
              </td>
              <td>{new Date(k.created_at).toLocaleDateString()}</td>
              <td>{k.last_used_at ? new Date(k.last_used_at).toLocaleString() : 'never'}</td>
              <td>
                {k.revoked_at ? (
                  'revoked'
                ) : (
                  <button type="button" className="danger" onClick={() => void api('DELETE', `/users/me/keys/${k.id}`).then(load)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const created = await api<ApiKey>('POST', '/users/me/keys', { json: { name } });
          setFresh(created);
          setName('');
          load();
        }}
      >
        <label>
          New key name
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit">Create key</button>
      </form>
      {fresh && (
        <p role="status" className="ok">
          Key <code>{fresh.key}</code>, secret <code data-testid="new-secret">{fresh.secret}</code>. Copy the secret now: it is not shown again.
        </p>
      )}
    </section>
  );
}

/** The signed-in person: password and their own API keys. */
export function ProfilePage({ user }: { user: User }) {
  return (
    <main aria-labelledby="profile-title" className="profile">
      <h1 id="profile-title">Profile</h1>
      <p>
        Signed in as <strong>{user.email}</strong>
      </p>
      <PasswordForm />
      <KeysSection />
    </main>
  );
}
