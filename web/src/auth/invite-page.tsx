import { useState, type FormEvent } from 'react';
import { api, ApiError, signIn } from '../api/client';
import type { Session } from '../api/types';

/**
 * /invite?token=…: accept an invite and choose a password (the link in the invite e-mail). A new user is created with
 * that password and signed in; an e-mail that already has a user signs in first and accepts from there.
 */
export function InvitePage({ onSignedIn, signedIn }: { onSignedIn: (s: Session) => void; signedIn: Session | null }) {
  const [token, setToken] = useState(new URLSearchParams(location.search).get('token') ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (signedIn) {
        // Already a user: the invite adds this account to them; no password is set here.
        await api('POST', '/accounts/invites/accept', { json: { token: token.trim() } });
        onSignedIn(signedIn);
        return;
      }
      const accepted = await api<{ user: { email: string } }>('POST', '/accounts/invites/accept', { json: { token: token.trim(), password }, quiet401: true });
      onSignedIn(await signIn(accepted.user.email, password));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invite_requires_sign_in') {
        setError('This e-mail address already has a user: sign in first, then open the invite link again.');
      } else {
        setError(err instanceof Error ? err.message : String(err));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="centered">
      <form className="card sign-in" onSubmit={submit} aria-labelledby="invite-title">
        <h1 id="invite-title">Join Atelier</h1>
        <p className="muted">Accept your invite and choose the password you will sign in with.</p>
        <label>
          Invite token
          <input required value={token} onChange={(e) => setToken(e.target.value)} />
        </label>
        {signedIn ? (
          <p>You are signed in as {signedIn.user.email}; the invite's account is added to your user.</p>
        ) : (
          <label>
            Password (10 characters or more)
            <input type="password" autoComplete="new-password" minLength={10} required value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Joining…' : 'Accept and sign in'}
        </button>
      </form>
    </main>
  );
}
