import { useState, type FormEvent, type ReactNode } from 'react';
import { post } from '../api/client';
import type { SecondFactorNeeded, SignedIn } from '../api/types';
import { afterSignIn } from '../app/home';
import { useSso } from '../auth/sso';
import { errorText } from '../ui/format';
import { LanguageSwitch } from './LanguageSwitch';
import { switchLanguage, t, useLang } from './strings';

/** The frame of the sign-in screen: name, language, one card. */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="lt-auth">
      <main className="lt-auth-box">
        <div className="lt-row">
          <span className="lt-brand">Tierdesk</span>
          <LanguageSwitch />
        </div>
        <div className="lt-card">
          <h1>{title}</h1>
          {children}
        </div>
      </main>
    </div>
  );
}

/**
 * The sign-in screen, light (no component library): e-mail and password, single sign-on when the
 * address's organization has it, a passkey. A second step (code, passkey) continues in the full app
 * (`onSecondFactor`); a session goes on to where the person was going, by a new page load.
 */
export function SignIn({ onSecondFactor }: { onSecondFactor: (pending: SecondFactorNeeded) => void }) {
  useLang();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const sso = useSso();
  const params = new URLSearchParams(window.location.search);
  const ssoError = params.get('sso_error');
  const ssoOnly = sso.target?.passwordSignIn === false;

  const signedIn = async (r: SignedIn) => {
    await switchLanguage(r.user.locale);
    window.location.assign(r.mfaEnrolmentRequired ? '/enrol' : afterSignIn(params.get('next'), r.user.role));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await post<SignedIn | SecondFactorNeeded>('/auth/login', { email, password });
      if ('secondFactor' in r) onSecondFactor(r);
      else await signedIn(r);
    } catch (err) {
      setError(sso.fromError(err) ? null : err);
    } finally {
      setBusy(false);
    }
  };

  const withPasskey = async () => {
    setError(null);
    try {
      const { passkeySignIn } = await import('../auth/passkey');
      await signedIn(await passkeySignIn());
    } catch (err) {
      setError(err instanceof Error && err.name === 'NotAllowedError' ? null : err);
    }
  };

  return (
    <AuthCard title={t('auth.signInTitle')}>
      <form onSubmit={submit} noValidate>
        {!!error && (
          <div className="lt-alert" role="alert">
            {errorText(t, error)}
          </div>
        )}
        <label className="lt-field">
          <span>
            {t('auth.email')} <span className="lt-req" aria-hidden>*</span>
          </span>
          <input
            type="email"
            autoComplete="username webauthn"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            onBlur={() => void sso.discover(email)}
            autoFocus
          />
        </label>
        {ssoError && (
          <div className="lt-alert" role="alert">
            {t(`sso.error.${ssoError}`, { defaultValue: t('sso.error.generic') })}
          </div>
        )}
        {sso.target && (
          <>
            {ssoOnly && <div className="lt-note">{t('sso.ssoOnly')}</div>}
            <a href={sso.target.url} className={ssoOnly ? 'lt-button' : 'lt-button lt-light'} data-testid="sso-button">
              {t('sso.signInWithSso')}
            </a>
          </>
        )}
        {!ssoOnly && (
          <>
            <label className="lt-field">
              <span>
                {t('auth.password')} <span className="lt-req" aria-hidden>*</span>
              </span>
              <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            </label>
            <button type="submit" className="lt-button" disabled={busy} aria-busy={busy}>
              {t('auth.signIn')}
            </button>
          </>
        )}
      </form>
      <a href="/forgot-password" className="lt-link">
        {t('auth.forgot')}
      </a>
      <div className="lt-divider">{t('mfa.or')}</div>
      <button type="button" className="lt-button lt-default" onClick={() => void withPasskey()}>
        {t('mfa.signInWithPasskey')}
      </button>
    </AuthCard>
  );
}
