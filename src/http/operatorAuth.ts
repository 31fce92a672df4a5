import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { App } from '../app';
import { bearerToken } from '../access';
import { OPERATION_ROLES } from '../graphql/shared';

/** The cookie a browser holds after the dashboard's login form (HttpOnly, SameSite=Strict, Path=/admin). */
export const OPS_COOKIE = 'juntos_ops';

export type OperatorCheck = { ok: true; actor: string } | { ok: false; status: 401 | 403 };

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time comparison of two secrets of any length (compares their digests). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export function cookieValue(req: Request, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * Operator endpoints outside GraphQL (/metrics, /admin/queues) reuse the API's bearer tokens: a live
 * client with the operator or admin role. `/metrics` also accepts METRICS_TOKEN, a static secret for
 * scrapers; the dashboard also accepts the token from its login cookie (browsers cannot send headers).
 */
export async function checkOperator(app: App, req: Request, opts: { metricsToken?: boolean; cookie?: boolean } = {}): Promise<OperatorCheck> {
  let token = bearerToken(req.headers.authorization);
  const metricsToken = app.config.METRICS_TOKEN;
  if (opts.metricsToken && metricsToken && token && sameSecret(token, metricsToken)) return { ok: true, actor: 'metrics-token' };
  if (!token && opts.cookie) token = cookieValue(req, OPS_COOKIE);
  if (!token) return { ok: false, status: 401 };
  const principal = await app.services.clients.authenticate(`Bearer ${token}`);
  if (!principal) return { ok: false, status: 401 };
  if (!OPERATION_ROLES.includes(principal.role)) return { ok: false, status: 403 };
  return { ok: true, actor: principal.actor };
}
