import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../harness';
import { explain, runCli, startServe, type ServeProcess } from './cli';

/**
 * GraphiQL as a newcomer meets it, in a real headless Chromium: the token is asked for on first
 * load and kept for the browser session (sessionStorage, never localStorage or the URL); changing
 * the Authorization header refetches the schema by itself; `serve --demo` prints the same token on
 * every start of one data directory.
 */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
let t: TestDatabase;
let dataDir: string;
let env: Record<string, string>;
let browser: Browser;

beforeAll(async () => {
  t = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'juntos-graphiql-'));
  env = { DATABASE_URL: t.url, DATA_DIR: dataDir, NODE_ENV: 'development' };
  // launch() gives every context a fresh, temporary profile.
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: FLAGS });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await t?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

const docsText = async (page: Page) => {
  const explorer = page.locator('[aria-label="Show Documentation Explorer"]');
  if (await explorer.isVisible().catch(() => false)) await explorer.click();
  const pane = page.locator('.graphiql-plugin').first();
  await expect.poll(async () => (await pane.innerText().catch(() => '')).length, { timeout: 15_000 }).toBeGreaterThan(4);
  return pane.innerText();
};

describe('GraphiQL and the demo token', () => {
  let serve: ServeProcess;
  let token: string;

  beforeAll(async () => {
    const args = ['clients', 'create', '--name', 'graphiql-e2e', '--role', 'reader', '--json'];
    const r = await runCli(args, { env, timeoutMs: 60_000 });
    expect(r.code, explain(args, r)).toBe(0);
    token = JSON.parse(r.stdout).token;
    serve = await startServe([], { env });
  }, 180_000);
  afterAll(async () => {
    await serve?.stop();
  });

  it('asks for the token, keeps it across reloads for the session only, and loads the schema', async () => {
    const context = await browser.newContext({ locale: 'es-CO' });
    const page = await context.newPage();
    await page.goto(`${serve.url}/graphql`);
    await expect.poll(() => page.locator('#jh-token-input').isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.locator('form.jh-token label').innerText()).toBe('Token de acceso');
    await page.fill('#jh-token-input', token);
    await page.click('form.jh-token button');
    expect(await docsText(page)).toMatch(/Query/);

    await page.reload();
    expect(await page.locator('#jh-token-input').isVisible()).toBe(false);
    expect(await docsText(page)).toMatch(/Query/);
    // Runs in the page (the DOM's storages; this file is compiled without the DOM library).
    const stored = await page.evaluate(() => {
      type Store = { getItem(k: string): string | null };
      const w = globalThis as unknown as { localStorage: Store; sessionStorage: Store };
      const withToken = (s: Store) => Object.keys(s).filter((k) => (s.getItem(k) ?? '').includes('jh_'));
      return { local: withToken(w.localStorage), session: withToken(w.sessionStorage) };
    });
    expect(stored.local).toEqual([]);
    expect(stored.session.length).toBeGreaterThan(0);
    expect(page.url()).not.toContain('jh_');
    await context.close();

    // Another browser session starts over.
    const other = await browser.newContext({ locale: 'en-US' });
    const page2 = await other.newPage();
    await page2.goto(`${serve.url}/graphql`);
    await expect.poll(() => page2.locator('#jh-token-input').isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page2.locator('form.jh-token label').innerText()).toBe('API token');
    await other.close();
  }, 120_000);

  it('refetches the schema when the Authorization header changes (no manual re-fetch)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${serve.url}/graphql`);
    await page.fill('#jh-token-input', 'jh_not-a-token');
    await page.click('form.jh-token button');
    expect(await docsText(page)).toMatch(/Error fetching schema/);
    await page.locator('button:has-text("Headers")').first().click();
    const editor = page.locator('.graphiql-editor-tool .CodeMirror').last();
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(`{"Authorization": "Bearer ${token}"}`);
    await expect
      .poll(async () => (await page.locator('.graphiql-plugin').first().innerText()).includes('Error fetching schema'), { timeout: 15_000 })
      .toBe(false);
    expect(await docsText(page)).toMatch(/Query/);
    await context.close();
  }, 120_000);

  it('serve --demo prints the same token on every start of one data directory', async () => {
    await serve.stop();
    const first = await startServe(['--demo'], { env, timeoutMs: 300_000 });
    const tokenOf = (out: string) => /\b(jh_[A-Za-z0-9_-]{20,})/.exec(out.slice(out.indexOf('demo')))?.[1];
    await expect.poll(() => tokenOf(first.output()), { timeout: 10_000 }).toBeTruthy();
    const a = tokenOf(first.output());
    expect(await first.stop()).toBe(0);
    const second = await startServe(['--demo'], { env, timeoutMs: 120_000 });
    try {
      await expect.poll(() => tokenOf(second.output()), { timeout: 10_000 }).toBe(a);
      expect((await readFile(join(dataDir, 'demo-token'), 'utf8')).trim()).toBe(a);
      const res = await fetch(`${second.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${a}` },
        body: JSON.stringify({ query: '{ persons(first: 1) { edges { node { id } } } }' }),
      });
      expect(res.status).toBe(200);
    } finally {
      await second.stop();
    }
    serve = await startServe([], { env });
  }, 600_000);
});
