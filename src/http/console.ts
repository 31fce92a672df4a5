import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';

/** Where `console/scripts/build.mjs` writes the bundle (Vite's outDir). */
export const CONSOLE_DIST = fileURLToPath(new URL('../../console/dist', import.meta.url));

/**
 * The console's Content-Security-Policy: the page loads only its own hashed scripts and styles and
 * talks only to its own origin (/graphql). No inline script or style element, no eval, no frames.
 * React sets element styles through the CSSOM, which `style-src` does not restrict.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface ConsoleOptions {
  /** Directory of the built bundle (default: console/dist). */
  dir?: string;
  /**
   * `serve --demo` only: the demo admin token, written into the page's sign-in form for browsers
   * on this machine (loopback peers), so the demo needs no copy and paste. Never in a URL, never in
   * storage; the response is `no-store`.
   */
  demoToken?: string | null;
}

/** Whether a peer address is this machine (IPv4 127/8, ::1, or IPv4-mapped loopback). */
export const isLoopback = (address: string | undefined) => {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || (isIP(a) === 4 && a.startsWith('127.'));
};

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function securityHeaders(res: Response) {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/**
 * Serves the built console at /console: hashed assets cached for a year (immutable), the page
 * itself revalidated on every load, and every other path under /console answered with the page
 * (client-side routes). Without a bundle, /console says how to build it (503) instead of a bare 404.
 */
export function consoleRouter(opts: ConsoleOptions = {}): Router {
  const dir = opts.dir ?? CONSOLE_DIST;
  const router = express.Router();
  const indexPath = join(dir, 'index.html');
  let page: string | null = null;
  const readPage = () => {
    if (page === null && existsSync(indexPath)) page = readFileSync(indexPath, 'utf8');
    return page;
  };

  router.use((_req, res, next) => {
    securityHeaders(res);
    next();
  });
  // An unknown asset is a plain 404 here (never the page: a stale bundle must not get HTML for its JS).
  router.use(
    '/assets',
    express.static(join(dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      redirect: false,
    }),
    (_req, res) => {
      res.status(404).type('text/plain').setHeader('Cache-Control', 'no-store');
      res.send('Not found\n');
    },
  );

  const sendPage = (req: Request, res: Response) => {
    const html = readPage();
    if (html === null) {
      res.status(503).type('text/plain').setHeader('Cache-Control', 'no-store');
      res.send('The console is not built. Run `npm install` (it builds the console) or `npm run console:build`.\n');
      return;
    }
    if (opts.demoToken && isLoopback(req.socket.remoteAddress)) {
      res.setHeader('Cache-Control', 'no-store');
      res.type('html').send(html.replace('<head>', `<head>\n    <meta name="juntos-demo-token" content="${escapeAttr(opts.demoToken)}" />`));
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(html);
  };

  router.get(/^\/(?!assets\/).*/, (req, res) => {
    // Files at the bundle root (favicon…) are served as they are; anything else is a client route.
    const file = req.path.slice(1);
    if (file && /^[\w.-]+\.(svg|ico|png|txt|webmanifest)$/.test(file) && existsSync(join(dir, file))) {
      res.setHeader('Cache-Control', 'public, max-age=86400');
      res.sendFile(join(dir, file));
      return;
    }
    sendPage(req, res);
  });
  return router;
}
