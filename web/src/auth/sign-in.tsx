import { useState, type FormEvent } from 'react';
import { ApiError, signIn } from '../api/client';
import type { Session } from '../api/types';

/** E-mail + password; on success the parent takes the person where they were going. */
export function SignInPage({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(email, password));
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        setError(`Too many failed attempts. Try again in ${err.retryAfter ?? 60} seconds.`);
      } else if (err instanceof ApiError && err.status === 401) {
        setError('The e-mail or password is not right.');
      } else {
        setError(err instanceof Error ? err.message : 'Sign-in failed.');
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="centered">
      <form className="card sign-in" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Atelier</h1>
        <label>
          E-mail
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="hint">No password yet? Accept your invite, or ask an administrator to run <code>atelier users set-password</code>.</p>
      </form>
    </main>
  );
}
