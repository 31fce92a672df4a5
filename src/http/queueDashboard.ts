import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { App } from '../app';
import { checkOperator, OPS_COOKIE } from './operatorAuth';

export const DASHBOARD_PATH = '/admin/queues';
const LOGIN_PATH = '/admin/login';
const COOKIE_MAX_AGE_S = 8 * 3600;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1d2433}
input{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}button{font:inherit;padding:.4rem 1rem;margin-top:.6rem}
table{border-collapse:collapse}td,th{padding:.2rem .8rem;border-bottom:1px solid #ddd;text-align:right}th:first-child,td:first-child{text-align:left}
.err{color:#a40000}code{background:#f3f3f3;padding:0 .2rem}</style></head><body>${body}</body></html>`;
}

function loginPage(error?: string): string {
  return page(
    'juntos-hub · operators',
    `<h1>juntos-hub · queue dashboard</h1>
<p>Sign in with an API token of an <b>operator</b> or <b>admin</b> client
(<code>juntos-hub clients create --name "..." --role operator</code>).</p>
${error ? `<p class="err">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${LOGIN_PATH}"><label>Token<br><input name="token" type="password" autocomplete="off" required autofocus></label>
<button type="submit">Sign in</button></form>`,
  );
}

/** Security headers for every dashboard response: no framing (clickjacking), no caching, no sniffing. */
function hardened(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('content-security-policy', "frame-ancestors 'none'");
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  next();
}

/**
 * The operator's queue dashboard (bull-board, read-only) at /admin/queues. Browsers sign in at
 * /admin/login with an operator/admin token, kept in an HttpOnly, SameSite=Strict cookie scoped to
 * /admin (never in the URL, which would leak it to logs and history); API clients may send
 * `Authorization: Bearer` instead. Read-only on purpose: PostgreSQL holds the runs' state, so
 * retries go through `retryImportRun` / `juntos-hub runs retry`, not through Redis.
 */
export function queueDashboard(app: App): Router {
  const router = express.Router();
  const secure = app.config.NODE_ENV === 'production';
  let board: Router | null = null;

  router.use('/admin', hardened);

  router.get(LOGIN_PATH, (_req, res) => void res.type('html').send(loginPage()));
  router.post(LOGIN_PATH, express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const token = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
    const fake = { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } } as Request;
    const who = token ? await checkOperator(app, fake) : ({ ok: false, status: 401 } as const);
    if (!who.ok) {
      res
        .status(who.status)
        .type('html')
        .send(loginPage(who.status === 403 ? 'This client is not an operator or admin.' : 'Unknown or revoked token.'));
      return;
    }
    app.logger.info({ actor: who.actor }, 'queue dashboard sign-in');
    res.cookie(OPS_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/admin', maxAge: COOKIE_MAX_AGE_S * 1000 });
    res.redirect(303, DASHBOARD_PATH);
  });
  router.all('/admin/logout', (_req, res) => {
    res.clearCookie(OPS_COOKIE, { path: '/admin' });
    res.redirect(303, LOGIN_PATH);
  });

  router.use(DASHBOARD_PATH, async (req, res, next) => {
    const who = await checkOperator(app, req, { cookie: true });
    if (who.ok) return next();
    if (req.method === 'GET' && req.accepts(['json', 'html']) === 'html' && who.status === 401) return res.redirect(303, LOGIN_PATH);
    res.status(who.status).json({ error: who.status === 401 ? 'authentication required' : 'operator or admin role required' });
  });

  router.use(DASHBOARD_PATH, async (req, res, next) => {
    const queues = app.queue.dashboardQueues?.();
    if (!queues) {
      // Embedded mode: jobs run in this process without Redis; there is no BullMQ to show.
      const counts = await app.queue.counts().catch(() => ({}) as Record<string, Record<string, number>>);
      const rows = Object.entries(counts)
        .map(
          ([q, c]) =>
            `<tr><td>${escapeHtml(q)}</td><td>${c.waiting}</td><td>${c.active}</td><td>${c.delayed}</td><td>${c.completed}</td><td>${c.failed}</td></tr>`,
        )
        .join('');
      res.type('html').send(
        page(
          'juntos-hub · queues (embedded mode)',
          `<h1>No queue dashboard in embedded mode</h1>
<p>This hub runs without Redis (<code>REDIS_URL</code> is not set): jobs run inside this process and the
dashboard of BullMQ queues does not apply. Import and reconciliation runs are in PostgreSQL — see
<code>importRuns</code> in the GraphQL API or <code>juntos-hub runs</code>.</p>
<p>In-process jobs since this process started:</p>
<table><tr><th>queue</th><th>waiting</th><th>active</th><th>delayed</th><th>completed</th><th>failed</th></tr>${rows}</table>
<p>Set <code>REDIS_URL</code> and run <code>juntos-hub worker</code> processes to get the dashboard.</p>`,
        ),
      );
      return;
    }
    if (!board) {
      const adapter = new ExpressAdapter();
      adapter.setBasePath(DASHBOARD_PATH);
      createBullBoard({
        queues: queues.map(
          (q) => new BullMQAdapter(q, { readOnlyMode: true, description: 'PostgreSQL holds run state: retry runs with `juntos-hub runs retry`.' }),
        ),
        serverAdapter: adapter,
        options: { uiConfig: { boardTitle: 'juntos-hub', miscLinks: [{ text: 'Sign out', url: '/admin/logout' }] } },
      });
      board = adapter.getRouter() as Router;
    }
    board(req, res, next);
  });
  return router;
}
