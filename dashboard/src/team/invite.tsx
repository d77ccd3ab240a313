/**
 * An invitation link's page (#/invite/<token>): who is invited and as what, a password (twice),
 * then the invitee is signed in (POST /invite/accept starts their session). Shown without a session.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, setCsrf, type SessionResponse } from '../api';

const MIN_PASSWORD = 10;

export function InvitePage({ token, onIn }: { token: string; onIn: (s: SessionResponse) => void }) {
  const [invite, setInvite] = useState<{ name: string; role: string; expiresAt: string } | null>(null);
  const [refused, setRefused] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.checkInvite(token).then(setInvite, (e) => setRefused(e instanceof Error ? e.message : String(e)));
  }, [token]);

  const accept = async (e: Event) => {
    e.preventDefault();
    if (password.length < MIN_PASSWORD) return setError(`Pick a password of at least ${MIN_PASSWORD} characters.`);
    if (password !== again) return setError('The two passwords differ.');
    setBusy(true);
    setError('');
    try {
      const s = await api.acceptInvite(token, password);
      setCsrf(s.csrfToken);
      onIn(s);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="card login-card" onSubmit={accept} noValidate>
        <p class="brand">
          <span class="logo" aria-hidden="true" />
          Waymark
        </p>
        <h1>Join the team</h1>
        {refused ? (
          <p class="banner error" role="alert">
            {refused}
          </p>
        ) : !invite ? (
          <p class="muted">Checking the invitation…</p>
        ) : (
          <>
            <p>
              You are invited as <strong>{invite.name}</strong>, with the role <strong>{invite.role}</strong>. Pick a password to sign in with.
            </p>
            <div class={`field${error ? ' invalid' : ''}`}>
              <label for="invite-password">Password</label>
              <input
                id="invite-password"
                type="password"
                autocomplete="new-password"
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
                autofocus
              />
            </div>
            <div class={`field${error ? ' invalid' : ''}`}>
              <label for="invite-again">Password again</label>
              <input id="invite-again" type="password" autocomplete="new-password" value={again} onInput={(e) => setAgain(e.currentTarget.value)} />
              {error ? (
                <p class="field-errors" role="alert">
                  {error}
                </p>
              ) : null}
            </div>
            <p class="hint">Sign in later with the name {invite.name} and this password. The link works once.</p>
            <button class="btn primary wide" type="submit" disabled={busy}>
              {busy ? 'Joining…' : 'Set password and sign in'}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
