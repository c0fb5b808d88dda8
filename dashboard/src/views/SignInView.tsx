import { useState, type FormEvent } from 'react';
import { signIn } from '../auth.ts';

/** Shown whenever the API answers 401: auth is on and there is no (longer a) session. */
export function SignInView({ onSignedIn }: { onSignedIn: () => void }) {
  const [name, setName] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    signIn(name, password).then(
      (r) => {
        setBusy(false);
        if (r.ok) onSignedIn();
        else setError(r.message ?? 'Sign-in failed.');
      },
      () => {
        setBusy(false);
        setError('The Sightline API did not answer.');
      },
    );
  };

  return (
    <div className="app">
      <main className="sign-in">
        <form onSubmit={submit} aria-label="Sign in">
          <h1>Sightline</h1>
          <label>
            User
            <input
              name="username"
              autoComplete="username"
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
            />
          </label>
          <label>
            Password
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
              autoFocus
            />
          </label>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <button type="submit" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
