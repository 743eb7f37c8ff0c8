/** Sign-in: an API token (a project's or the operator's), checked against the API before it is kept. */
import { useState } from 'preact/hooks';
import { ApiError, call, keepToken } from '../api';

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) return setProblem('Paste an API token: `metalforge demo` and `metalforge server` print the admin token.');
    setBusy(true);
    try {
      await call('GET', '/projects?per_page=1', undefined, undefined, candidate);
      keepToken(candidate);
      setToken('');
      onSignedIn();
    } catch (err) {
      setProblem(
        err instanceof ApiError && err.status === 401
          ? 'That token was not accepted: the API knows no such key (it may have been revoked). Check it and paste it again.'
          : `Could not sign in: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>metalforge console</h1>
      <form onSubmit={submit} noValidate>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          value={token}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={problem ? 'token-problem' : 'token-hint'}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
        />
        <p id="token-hint" class="muted">
          A project API key or the operator's admin token. It is kept in this tab only and sent as X-Auth-Token.
        </p>
        {problem && (
          <p id="token-problem" class="error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
