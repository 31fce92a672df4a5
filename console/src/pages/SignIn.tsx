import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { Page, Notice } from '../components/Page';
import { useSession } from '../app/session';

/** `serve --demo` on this machine writes the demo token into the page (never a URL or storage). */
function demoToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="juntos-demo-token"]')?.content ?? '';
}

export function SignIn() {
  const { t } = useTranslation();
  const { signIn, ended } = useSession();
  const [demo] = useState(demoToken);
  const [token, setToken] = useState(demo);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await signIn(token.trim());
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('signIn.rejected') : t('signIn.failed'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('signIn.title')}>
      <div className="narrow">
        <p>{t('signIn.intro')}</p>
        {ended === 'expired' ? <Notice kind="warn">{t('signIn.expired')}</Notice> : null}
        {demo ? <Notice kind="info">{t('signIn.demo')}</Notice> : null}
        <form onSubmit={submit} className="stack">
          <label htmlFor="token">{t('signIn.token')}</label>
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            pattern="jh_[A-Za-z0-9_\-]{20,}"
            aria-describedby="token-help"
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
          <p id="token-help" className="help">
            {t('signIn.help')}
          </p>
          {error ? (
            <p role="alert" className="notice error">
              {error}
            </p>
          ) : null}
          <div>
            <button type="submit" className="primary" disabled={busy}>
              {busy ? t('common.wait') : t('signIn.submit')}
            </button>
          </div>
        </form>
      </div>
    </Page>
  );
}
