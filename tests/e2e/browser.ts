import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

// page.evaluate callbacks run in the browser; this file is type-checked without the DOM library.
declare const window: any, document: any;

/** Debian's chromium (`.ci/run` installs it with apt-get when missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'console');

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (own sessionStorage, cookies) at 1366×768, the agencies' common laptop screen. */
  context(): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  // Playwright gives every launch a fresh temporary profile (its own --user-data-dir, removed on
  // close); passing the flag ourselves is refused, so the fresh profile is Playwright's.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    browser,
    context: async () => {
      const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'es-CO', timezoneId: 'America/Bogota' });
      ctx.setDefaultTimeout(10_000);
      // Any Content-Security-Policy violation the page causes is collected and asserted absent.
      await ctx.addInitScript(() => {
        (window as unknown as { __csp: string[] }).__csp = [];
        document.addEventListener('securitypolicyviolation', (e: { violatedDirective: string; blockedURI: string }) =>
          (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
        );
      });
      return ctx;
    },
    async close() {
      await browser.close();
    },
  };
}

/**
 * Checks the page as it is now: axe-core (WCAG 2.1 A/AA rules) must report no serious or critical
 * violation, no CSP violation happened, and a full-page screenshot is saved as a test artifact.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(' | ')}`,
    );
  if (bad.length) throw new Error(`axe on ${name}:\n${bad.join('\n')}`);
  const csp = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  if (csp.length) throw new Error(`CSP violations on ${name}: ${csp.join(', ')}`);
}

/** Signs in to the console at `consoleUrl` with a client token, as a person would (the Spanish sign-in form). */
export async function signIn(ctx: BrowserContext, consoleUrl: string, token: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(consoleUrl);
  await page.getByLabel('Token del cliente').fill(token);
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await page.getByRole('button', { name: 'Cerrar sesión' }).waitFor();
  return page;
}
