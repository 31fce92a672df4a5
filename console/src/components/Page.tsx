import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * One page: sets the document title and moves focus to its heading when it opens, so keyboard and
 * screen-reader users land on the new content after a client-side navigation.
 */
export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);
  useEffect(() => {
    h1.current?.focus();
  }, []);
  return (
    <>
      <div className="page-head">
        <h1 ref={h1} tabIndex={-1}>
          {title}
        </h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p role="status" className="muted">
      {t('common.loading')}
    </p>
  );
}

/** An error the API answered, in words (its code stays visible for support). */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const code = (error as { code?: string })?.code ?? 'UNKNOWN';
  const known = ['FORBIDDEN', 'NOT_FOUND', 'RATE_LIMITED', 'TIMEOUT', 'NETWORK', 'SERVICE_UNAVAILABLE', 'BAD_USER_INPUT'];
  return (
    <p role="alert" className="notice error">
      {t(known.includes(code) ? `errors.${code}` : 'errors.UNKNOWN')} <code>{code}</code>
    </p>
  );
}

export function Notice({ kind, children }: { kind: 'ok' | 'warn' | 'error' | 'info'; children: ReactNode }) {
  return (
    <div role={kind === 'error' ? 'alert' : 'status'} className={`notice ${kind}`}>
      {children}
    </div>
  );
}
