/**
 * Log in / register. The forms are noValidate: the app shows its own messages (the same words as
 * the server's), never the browser's pop-ups. Wrong credentials and throttling (429, with the wait)
 * are said plainly; while throttled the button waits out the Retry-After.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { ApiError, errorMessage } from '../api/errors.js';
import { session } from '../api/session.js';
import type { Session } from '../api/types.js';
import { EyeToggle } from '../components/eye-toggle.js';
import { ErrorNote, Field } from '../components/ui.js';
import { type FieldErrors, PASSWORD_MIN_LENGTH, validateCredentialsForm } from '../lib/validate.js';
import { Link, navigate } from '../router.js';

export function AuthScreen({ purpose }: { purpose: 'login' | 'register' }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<string | null>(() => session.takeEndReason());
  const [busy, setBusy] = useState(false);
  const [blockedUntil, setBlockedUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const registering = purpose === 'register';

  useEffect(() => {
    if (blockedUntil <= now) return;
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, [blockedUntil, now]);

  useEffect(() => {
    document.title = registering ? 'Create account · NeuroTrade' : 'Log in · NeuroTrade';
  }, [registering]);

  const waitSec = Math.max(0, Math.ceil((blockedUntil - now) / 1000));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = validateCredentialsForm({ email, password }, purpose);
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length > 0) {
      document.getElementById(Object.keys(found)[0]!)?.focus();
      return;
    }
    setBusy(true);
    try {
      const s = await api<Session>(registering ? '/api/auth/register' : '/api/auth/login', {
        method: 'POST',
        body: { email: email.trim(), password },
        auth: false,
      });
      session.start(s);
      navigate('/', { replace: true });
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors(err.fields);
        if (err.status === 401) setFailure('Wrong email or password.');
        else if (err.status === 409)
          setErrors({ email: 'an account with this email already exists: log in instead' });
        else setFailure(errorMessage(err));
        if (err.status === 429) {
          setBlockedUntil(Date.now() + (err.retryAfterSec ?? 30) * 1000);
          setNow(Date.now());
        }
      } else setFailure(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth">
      <form className="card auth-card" noValidate onSubmit={submit} aria-labelledby="auth-title">
        <p className="brand brand-large">NeuroTrade</p>
        <h1 id="auth-title" className="auth-title">
          {registering ? 'Create your account' : 'Log in'}
        </h1>
        {registering ? (
          <p className="muted">New accounts start in PAPER mode with a simulated wallet: no real money.</p>
        ) : null}
        <Field
          id="email"
          label="Email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
        />
        <Field
          id="password"
          label="Password"
          type={showPassword ? 'text' : 'password'}
          autoComplete={registering ? 'new-password' : 'current-password'}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
          hint={registering ? `At least ${PASSWORD_MIN_LENGTH} characters.` : undefined}
          addon={
            <EyeToggle shown={showPassword} onToggle={() => setShowPassword((v) => !v)} what="password" />
          }
        />
        {failure ? <ErrorNote>{failure}</ErrorNote> : null}
        <button type="submit" className="button button-primary button-wide" disabled={busy || waitSec > 0}>
          {busy
            ? registering
              ? 'Creating account…'
              : 'Logging in…'
            : waitSec > 0
              ? `Try again in ${waitSec} s`
              : registering
                ? 'Create account'
                : 'Log in'}
        </button>
        <p className="auth-switch">
          {registering ? (
            <>
              Already have an account? <Link to="/login">Log in</Link>
            </>
          ) : (
            <>
              New here? <Link to="/register">Create an account</Link>
            </>
          )}
        </p>
      </form>
    </main>
  );
}
