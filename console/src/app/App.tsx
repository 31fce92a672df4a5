import { useTranslation } from 'react-i18next';
import { Link, Route, Router, Switch, useLocation } from 'wouter';
import { can, type Role } from '../api/roles';
import { setLanguage, LANGUAGES } from '../i18n';
import { Home } from '../pages/Home';
import { ImportRunPage } from '../pages/ImportRun';
import { ImportsPage } from '../pages/Imports';
import { PersonPage } from '../pages/Person';
import { PersonSearchPage } from '../pages/PersonSearch';
import { PrecisionPage } from '../pages/Precision';
import { QueuePage } from '../pages/Queue';
import { ReconciliationPage } from '../pages/Reconciliation';
import { ReviewPage } from '../pages/Review';
import { SchedulesPage } from '../pages/Schedules';
import { SignIn } from '../pages/SignIn';
import { TerritorialPage } from '../pages/Territorial';
import { Page, Loading } from '../components/Page';
import { QueueProvider } from './queueState';
import { useSession } from './session';

interface NavItem {
  to: string;
  key: string;
  allowed: (r: Role) => boolean;
}
const NAV: NavItem[] = [
  { to: '/', key: 'nav.home', allowed: () => true },
  { to: '/queue', key: 'nav.queue', allowed: can.review },
  { to: '/persons', key: 'nav.persons', allowed: can.persons },
  { to: '/precision', key: 'nav.precision', allowed: can.review },
  { to: '/imports', key: 'nav.imports', allowed: can.runs },
  { to: '/reconciliation', key: 'nav.reconciliation', allowed: can.runs },
  { to: '/schedules', key: 'nav.schedules', allowed: can.operate },
  { to: '/territorial', key: 'nav.territorial', allowed: can.territorial },
];

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="lang" role="group" aria-label={t('app.language')}>
      {LANGUAGES.map((l) => (
        <button key={l} type="button" className="link-button" aria-pressed={i18n.language === l} lang={l} onClick={() => setLanguage(l)}>
          {t(`app.lang.${l}`)}
        </button>
      ))}
    </div>
  );
}

function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Page title={t('notFound.title')}>
      <p>{t('notFound.body')}</p>
      <Link href="/">{t('nav.home')}</Link>
    </Page>
  );
}

/** A page the role may not open: said plainly (the API would refuse its queries anyway). */
function Guard({ allowed, children }: { allowed: boolean; children: JSX.Element }) {
  const { t } = useTranslation();
  return allowed ? (
    children
  ) : (
    <Page title={t('forbidden.title')}>
      <p>{t('forbidden.body')}</p>
    </Page>
  );
}

function Shell({ role }: { role: Role }) {
  const { t } = useTranslation();
  const { signOut } = useSession();
  const [location] = useLocation();
  return (
    <QueueProvider>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <div className="brand">{t('app.name')}</div>
        <nav aria-label={t('nav.label')}>
          <ul>
            {NAV.filter((n) => n.allowed(role)).map((n) => {
              const current = n.to === '/' ? location === '/' : location.startsWith(n.to);
              return (
                <li key={n.to}>
                  <Link href={n.to} aria-current={current ? 'page' : undefined}>
                    {t(n.key)}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="who">
          <span className="role-badge" data-testid="role">
            {t(`roles.${role}`)}
          </span>
          <LanguageSwitch />
          <button type="button" onClick={signOut}>
            {t('app.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Switch>
          <Route path="/">
            <Home role={role} />
          </Route>
          <Route path="/queue">
            <Guard allowed={can.review(role)}>
              <QueuePage />
            </Guard>
          </Route>
          <Route path="/review/:id">
            {(p) => (
              <Guard allowed={can.review(role)}>
                <ReviewPage id={p.id} />
              </Guard>
            )}
          </Route>
          <Route path="/persons">
            <Guard allowed={can.persons(role)}>
              <PersonSearchPage />
            </Guard>
          </Route>
          <Route path="/persons/:id">
            {(p) => (
              <Guard allowed={can.persons(role)}>
                <PersonPage id={p.id} />
              </Guard>
            )}
          </Route>
          <Route path="/precision">
            <Guard allowed={can.review(role)}>
              <PrecisionPage />
            </Guard>
          </Route>
          <Route path="/imports">
            <Guard allowed={can.runs(role)}>
              <ImportsPage />
            </Guard>
          </Route>
          <Route path="/imports/:id">
            {(p) => (
              <Guard allowed={can.runs(role)}>
                <ImportRunPage id={p.id} />
              </Guard>
            )}
          </Route>
          <Route path="/reconciliation">
            <Guard allowed={can.runs(role)}>
              <ReconciliationPage />
            </Guard>
          </Route>
          <Route path="/schedules">
            <Guard allowed={can.operate(role)}>
              <SchedulesPage />
            </Guard>
          </Route>
          <Route path="/territorial">
            <Guard allowed={can.territorial(role)}>
              <TerritorialPage />
            </Guard>
          </Route>
          <Route>
            <NotFoundPage />
          </Route>
        </Switch>
      </main>
    </QueueProvider>
  );
}

export function App() {
  const { t } = useTranslation();
  const { token, role } = useSession();
  return (
    <Router base="/console">
      {!token ? (
        <>
          <header className="top">
            <div className="brand">{t('app.name')}</div>
            <div className="who">
              <LanguageSwitch />
            </div>
          </header>
          <main id="main" tabIndex={-1}>
            <SignIn />
          </main>
        </>
      ) : role ? (
        <Shell role={role} />
      ) : (
        <main id="main">
          <Loading />
        </main>
      )}
    </Router>
  );
}
