import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { ensureConsoleBuild } from '../../console/scripts/build.mjs';
import { seedDemo } from '../../src/cli/seedDemo';
import { createLogger } from '../../src/platform/logger';
import { bearer, itemAbout, testHub, type ApiHub, type TestHub } from '../harness';
import { KEYS, PEOPLE, RUAF_ROWS, SISBEN_HOUSEHOLDS, ruafFile, sisbenFile } from '../harness/factories/stewardship';
import { checkPage, launchBrowser, signIn as signInAs, type TestBrowser } from './browser';

// page.evaluate callbacks run in the browser; this file is type-checked without the DOM library.
declare const document: any, sessionStorage: any, localStorage: any;

/**
 * The console in a real browser (Debian's chromium, headless) against a real hub on the local
 * PostgreSQL: a small demo population through the real pipeline, plus the stewardship scenario
 * (known doubtful pairs) and a file with malformed rows. Every page is checked with axe-core and
 * saved as a screenshot under test-artifacts/console/.
 */
let hub: TestHub;
let api: ApiHub;
let tb: TestBrowser;
const logs: string[] = [];
const tokens: Record<string, string> = {};
let errorsRunId: number;
let errorLines: number[];

beforeAll(async () => {
  await ensureConsoleBuild({ say: () => {} });
  hub = await testHub().pipelineDefaults().workers().start();
  await seedDemo(hub.app, { households: 40, seed: 7 });
  // This month's Sisbén extract (it supersedes the demo's, as a monthly extract does): the
  // stewardship scenario's households plus one with two malformed rows (row errors to open), then
  // the scenario's RUAF extract with its known doubtful pairs.
  const extra = {
    ficha: '050010004242',
    municipality: '05001',
    members: [
      { docType: 'CC', doc: '1001234567', first: 'PEDRO', surname1: 'RAMIREZ', surname2: 'SOTO', birth: '1988-04-10', sex: 'M' },
      { docType: 'CC', doc: '1001234568', first: 'LUZ', second: 'MARINA', surname1: 'OSPINA', surname2: 'VELEZ', birth: '1990-09-30', sex: 'F' },
      { docType: 'TI', doc: '1101234569', first: 'SOFIA', surname1: 'RAMIREZ', surname2: 'OSPINA', birth: '2011-02-01', sex: 'F' },
      { docType: 'RC', doc: '1201234570', first: 'TOMAS', surname1: 'RAMIREZ', surname2: 'OSPINA', birth: '2019-06-15', sex: 'M' },
    ],
  } satisfies (typeof SISBEN_HOUSEHOLDS)[number];
  const lines = sisbenFile([...SISBEN_HOUSEHOLDS, extra]).split('\n');
  const n = lines.length - 1; // last is empty (trailing newline)
  lines[n - 2] = lines[n - 2].replace('01/02/2011', '31/02/2011'); // an impossible birth date
  lines[n - 1] = lines[n - 1].replace(/^05;05001;/, '05;05999;'); // a municipality DIVIPOLA lacks
  errorLines = [n - 1, n];
  errorsRunId = (await hub.importContent('sisben_iv_personas.csv', lines.join('\n'), 'sisben')).importRunId;
  await hub.importContent('RUAF_afiliados_1.csv', ruafFile(RUAF_ROWS), 'ruaf');
  const logger = createLogger({ level: 'trace', destination: { write: (s: string) => void logs.push(s) } as never });
  // Workers here too, so a schedule run by hand from the console is delivered and finishes.
  api = await testHub().database(hub.db).logger(logger).workers().http().start();
  tokens.admin = api.adminToken;
  tokens.steward = await api.token('steward');
  tokens.operator = await api.token('operator');
  tokens.reader = await api.token('reader');
  tb = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await tb?.close();
  await api?.close();
  await hub?.close();
});

const nav = (page: Page, name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true });
const url = (path = '') => `${api.http.url}/console/${path}`;

const signIn = (ctx: BrowserContext, who: string): Promise<Page> => signInAs(ctx, url(), tokens[who]);

describe('console in a browser', () => {
  it('signs in with a token kept in sessionStorage only, never in a URL', async () => {
    const ctx = await tb.context();
    const requested: string[] = [];
    ctx.on('request', (r) => requested.push(r.url()));
    const page = await ctx.newPage();
    await page.goto(url());
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('es');
    await checkPage(page, '01-sign-in');
    await page.getByLabel('Token del cliente').fill(`jh_${'x'.repeat(43)}`);
    await page.getByRole('button', { name: 'Ingresar' }).click();
    await page.getByText('El hub no reconoce este token').waitFor();

    await page.getByLabel('Token del cliente').fill(tokens.steward);
    await page.getByRole('button', { name: 'Ingresar' }).click();
    await expect.poll(() => page.getByTestId('role').textContent()).toBe('Gestor de datos');
    await checkPage(page, '02-home-steward');
    const storage = await page.evaluate(() => ({ session: { ...sessionStorage }, local: { ...localStorage }, cookie: document.cookie }));
    expect(Object.values(storage.session)).toContain(tokens.steward);
    expect(JSON.stringify(storage.local)).not.toContain('jh_');
    expect(storage.cookie).toBe('');
    expect((await ctx.cookies()).length).toBe(0);
    expect(requested.filter((u) => u.includes(tokens.steward))).toEqual([]);
    expect(logs.join('\n')).not.toContain(tokens.steward);

    await page.getByRole('button', { name: 'Cerrar sesión' }).click();
    await page.getByLabel('Token del cliente').waitFor();
    expect(await page.evaluate(() => Object.keys(sessionStorage).length)).toBe(0);
    await ctx.close();
  });

  it('filters the queue, claims and releases', async () => {
    const ctx = await tb.context();
    const page = await signIn(ctx, 'steward');
    await nav(page, 'Cola de revisión').click();
    await page.getByRole('heading', { name: 'Cola de revisión' }).waitFor();
    await page.locator('table.data tbody tr').first().waitFor();
    await checkPage(page, '03-queue');

    await page.getByLabel('Motivo').selectOption('POSSIBLE_MATCH');
    await page.getByLabel('Municipio', { exact: true }).fill('05001');
    await page.getByRole('button', { name: 'Filtrar' }).click();
    const itemA = await itemAbout(hub.db, 'POSSIBLE_MATCH', KEYS.ruafA2);
    const row = page.locator(`#item-${itemA}`);
    await row.waitFor();
    const rows = page.locator('table.data tbody tr');
    for (const r of await rows.all()) await expect.poll(() => r.locator('td').nth(1).textContent()).toContain('Posible coincidencia');
    await expect.poll(() => page.getByTestId('queue-total').textContent()).toContain(`${await rows.count()} caso`);
    // Counts by reason come from the API (reviewCounts), whatever is loaded.
    await expect.poll(() => page.getByTestId('reason-counts').textContent()).toMatch(/Posible coincidencia: \d+/);
    // Score band and age are filtered by the API: a high band keeps this pair (0.99), a low one and "older than 30 days" empty the queue.
    await page.getByLabel('Probabilidad').selectOption('high');
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await row.waitFor();
    await page.getByLabel('Probabilidad').selectOption('low');
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await page.getByText('No hay casos con estos filtros.').waitFor();
    await page.getByLabel('Probabilidad').selectOption('all');
    await page.getByLabel('Antigüedad').selectOption('30');
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await page.getByText('No hay casos con estos filtros.').waitFor();
    await page.getByLabel('Antigüedad').selectOption('all');
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await row.waitFor();

    await row.getByRole('button', { name: `Reservar el caso ${itemA}` }).click();
    await expect.poll(() => row.textContent()).toContain('Reservado por usted');
    await page
      .getByRole('status')
      .filter({ hasText: `Caso ${itemA} reservado` })
      .waitFor();
    await row.getByRole('button', { name: `Liberar el caso ${itemA}` }).click();
    await expect.poll(() => row.textContent()).toContain('Libre');
    await checkPage(page, '04-queue-filtered');
    await ctx.close();
  });

  it('reviews side by side with the keyboard: claim, decide, then undo the merge from the person page', async () => {
    const ctx = await tb.context();
    const page = await signIn(ctx, 'steward');
    await nav(page, 'Cola de revisión').click();
    await page.getByLabel('Motivo').selectOption('POSSIBLE_MATCH');
    await page.getByLabel('Municipio', { exact: true }).fill('05001');
    await page.getByRole('button', { name: 'Filtrar' }).click();
    const itemA = await itemAbout(hub.db, 'POSSIBLE_MATCH', KEYS.ruafA2);
    await page.locator(`#item-${itemA}`).waitFor();
    const ids = await page.locator('table.data tbody tr').evaluateAll((trs: any[]) => trs.map((tr) => tr.id));
    await page.locator('main h1').focus();
    for (let i = 0; i < ids.indexOf(`item-${itemA}`); i++) await page.keyboard.press('j');
    await expect.poll(() => page.locator(`#item-${itemA}`).getAttribute('class')).toMatch(/selected/);
    await page.keyboard.press('o');
    await page.getByRole('heading', { name: `Caso ${itemA}: Posible coincidencia` }).waitFor();

    // Differing fields are marked; the evidence waterfall and both persons with households are there.
    await page.locator('table.comparison tr[data-differs]').first().waitFor();
    await page
      .getByRole('img', { name: /Gráfico de cascada/ })
      .first()
      .waitFor();
    await expect.poll(() => page.getByRole('region', { name: /Persona A/ }).textContent()).toContain('MARIA');
    await expect.poll(() => page.getByRole('region', { name: /Persona A/ }).textContent()).toContain('Hogares');
    // Left is person A, right person B; one probability, the one of the model that raised the item.
    const heads = await page.locator('table.comparison thead th').allTextContents();
    expect(heads[1]).toMatch(/^Persona A · Sisbén IV/);
    expect(heads[2]).toMatch(/^Persona B · RUAF/);
    await expect.poll(() => page.getByTestId('scored-with').textContent()).toContain('modelo que creó el caso');
    await checkPage(page, '05-review');

    await page.keyboard.press('c');
    await page.getByText('Reservado por usted hasta').first().waitFor();
    await page.keyboard.press('1');
    await expect.poll(() => page.getByLabel(/Misma persona/).isChecked()).toBe(true);
    await page.keyboard.press('r');
    await page.keyboard.type('Mismo nombre y hogar; el número difiere en dos dígitos');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('outcome').textContent()).toBe('Decidido: es la misma persona.');
    await expect.poll(() => page.getByTestId('item-status').textContent()).toBe('Decidido');
    await checkPage(page, '06-review-decided');

    await page.getByRole('link', { name: 'Abrir la persona' }).click();
    await page.getByRole('heading', { name: 'Registro maestro y procedencia de cada valor' }).waitFor();
    await expect.poll(() => page.getByRole('region', { name: 'Historial de decisiones' }).textContent()).toContain('Mismo nombre y hogar');
    await checkPage(page, '07-person');
    await page.getByRole('button', { name: 'Deshacer (separar)' }).click();
    await page.getByLabel('Motivo para deshacer').fill('Prueba de deshacer desde la consola');
    await page.getByRole('button', { name: 'Deshacer la unión' }).click();
    await page.getByText('Unión deshecha').waitFor();
    await expect.poll(() => page.getByRole('region', { name: 'Uniones' }).textContent()).toContain('deshecha');
    const [merge] = await hub.db.rows<{ undone_at: string | null }>(sql`select undone_at from person_merges order by id desc limit 1`);
    expect(merge.undone_at).not.toBeNull();
    await ctx.close();
  });

  it('shows the precision of automatic links per run as a chart', async () => {
    const ctx = await tb.context();
    // A steward's verdict on one audit-sample item (over the API), so a run has a measured precision.
    const steward = bearer(tokens.steward);
    const audit = (await api.gql('{ reviewItems(first: 50, reason: [AUTO_LINK_AUDIT]) { nodes { id reconciliationRunId } } }', {}, steward)).data.reviewItems
      .nodes[0];
    const claimed = await api.gql(`mutation { claimReviewItem(id: "${audit.id}") { ... on ReviewItemClaimed { item { version } } } }`, {}, steward);
    const decided = await api.gql(
      `mutation { decideReviewItem(id: "${audit.id}", decision: SAME_PERSON, reason: "Enlace correcto", expectedVersion: ${claimed.data.claimReviewItem.item.version}) { __typename } }`,
      {},
      steward,
    );
    expect(decided.data.decideReviewItem.__typename).toBe('ReviewDecided');
    const page = await signIn(ctx, 'steward');
    await nav(page, 'Precisión').click();
    await page.getByRole('img', { name: /precisión medida/ }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(`^#${audit.reconciliationRunId} `) });
    await expect.poll(() => row.textContent()).toContain('100%');
    await expect.poll(() => page.locator('figure.chart rect.bar').count()).toBeGreaterThan(0);
    await checkPage(page, '08-precision');
    await ctx.close();
  });

  it("lets an operator follow import runs and open a run's row errors (line, field, code) and download them", async () => {
    const ctx = await tb.context();
    const page = await signIn(ctx, 'operator');
    await expect.poll(() => page.getByTestId('role').textContent()).toBe('Operador');
    // No personal pages for operators: neither in the navigation nor by address.
    expect(await nav(page, 'Personas').count()).toBe(0);
    expect(await nav(page, 'Cola de revisión').count()).toBe(0);
    await page.goto(url('persons'));
    await page.getByRole('heading', { name: 'Sin acceso' }).waitFor();
    // And the API itself refuses personal data to the operator's token, whatever the page does.
    const refused = await page.evaluate(async () => {
      const token = Object.values(sessionStorage)[0];
      const res = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ persons(first: 1) { edges { node { fullName } } } }' }),
      });
      return res.status;
    });
    expect(refused).toBe(403);
    await nav(page, 'Importaciones').click();
    await page.getByRole('link', { name: `Abrir la importación ${errorsRunId}` }).waitFor();
    await checkPage(page, '09-imports');
    await page.getByRole('link', { name: `Abrir la importación ${errorsRunId}` }).click();
    const table = page.getByTestId('row-errors');
    await table.waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    const cells = await table
      .locator('tbody tr')
      .evaluateAll((trs: any[]) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td: any) => td.textContent)));
    expect(cells.map((c) => Number(c[0])).sort((a, b) => a - b)).toEqual(errorLines);
    expect(cells.map((c) => c[1]).sort()).toEqual(['cod_mpio', 'fec_nacimiento']);
    await checkPage(page, '10-import-run');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Descargar CSV' }).click()]);
    const csv = await (await download.createReadStream()).toArray();
    const text = Buffer.concat(csv).toString('utf8');
    expect(text.split(/\r?\n/)[0]).toBe('line,field,code,severity,message');
    expect(text.split(/\r?\n/).filter(Boolean)).toHaveLength(3);

    await nav(page, 'Conciliación').click();
    await page.getByRole('button', { name: 'Conciliar ahora' }).waitFor();
    await checkPage(page, '11-reconciliation');

    // Programación: every scheduler with its rule and next run; run the sweep now and watch it finish.
    await nav(page, 'Programación').click();
    const schedules = page.getByTestId('schedules');
    await schedules.waitFor();
    await expect.poll(() => schedules.locator('tbody tr').count()).toBe(7);
    await expect.poll(() => page.locator('#schedule-inbox-scan-ruaf').textContent()).toContain('cron «0 2 * * *» (America/Bogota)');
    await checkPage(page, '15-schedules');
    await page.getByRole('button', { name: 'Ejecutar ahora runs-sweep' }).click();
    await page.getByText('runs-sweep: trabajo en cola.').waitFor();
    await expect.poll(() => page.getByTestId('outcome-runs-sweep').textContent(), { timeout: 15_000 }).toContain('Completada');
    await expect.poll(() => page.locator('#schedule-runs-sweep').textContent()).toContain('manual');
    const [audited] = await hub.db.rows<{ n: number }>(
      sql`select count(*)::int as n from audit_events where field = 'Mutation.runScheduleNow' and action = 'mutation'`,
    );
    expect(audited.n).toBe(1);
    await checkPage(page, '16-schedules-run');
    await ctx.close();
  });

  it('follows the role, and the API refuses what a role may not do even when the page is opened by address', async () => {
    const ctx = await tb.context();
    const page = await signIn(ctx, 'reader');
    await expect.poll(() => page.getByTestId('role').textContent()).toBe('Lector');
    expect(await nav(page, 'Cola de revisión').count()).toBe(0);
    await page.goto(url('queue'));
    await page.getByRole('heading', { name: 'Sin acceso' }).waitFor();
    // The page's own token, straight to the API: the decision is refused by the API itself.
    const status = await page.evaluate(async () => {
      const token = Object.values(sessionStorage)[0];
      const res = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: 'mutation { decideReviewItem(id: "1", decision: SAME_PERSON, reason: "x", expectedVersion: 1) { __typename } }' }),
      });
      return res.status;
    });
    expect(status).toBe(403);

    await nav(page, 'Personas').click();
    await page.getByLabel('Número').fill(PEOPLE.C.doc);
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.getByRole('link', { name: /LUISA/ }).click();
    await page.getByRole('heading', { name: 'Registro maestro y procedencia de cada valor' }).waitFor();
    await expect.poll(() => page.locator('main').textContent()).toContain('******');
    await expect.poll(() => page.getByRole('region', { name: 'Historial de decisiones' }).count()).toBe(0);
    // The person's Logros Básicos, each with its state and the evidence that decided it.
    const logros = page.getByTestId('logros');
    await logros.waitFor();
    await expect.poll(() => logros.locator('tbody tr').count()).toBeGreaterThan(0);
    await expect.poll(() => logros.locator('tbody').textContent()).toMatch(/LB \d+/);
    await expect.poll(() => logros.locator('tbody').textContent()).toMatch(/Alcanzado|Por alcanzar|Sin dato|No aplica/);
    await checkPage(page, '12-person-reader');

    // The territorial report: demand against cupos per territory, one bar chart per logro.
    await nav(page, 'Reporte territorial').click();
    await page.getByRole('heading', { name: 'Reporte territorial' }).waitFor();
    await page
      .getByRole('img', { name: /Gráfico de barras/ })
      .first()
      .waitFor();
    await expect.poll(() => page.locator('figure.chart rect.bar.supply').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid^="report-"] tbody tr').count()).toBeGreaterThan(0);
    await checkPage(page, '14-territorial');
    await page.getByLabel('Nivel').selectOption('DEPARTMENT');
    await page.getByRole('button', { name: 'Ver reporte' }).click();
    await expect.poll(() => page.locator('[data-testid^="report-"] tbody th').first().textContent()).toMatch(/\(\d{2}\)$/);
    await ctx.close();
  });

  it('switches language: Spanish by default, English on demand, every page', async () => {
    const ctx = await tb.context();
    const page = await signIn(ctx, 'admin');
    await page.getByRole('heading', { name: 'Inicio' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    await nav(page, 'Review queue').click();
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    await page.locator('table.data tbody tr').first().waitFor();
    await checkPage(page, '13-queue-en');
    await nav(page, 'Schedules').click();
    await page.getByRole('heading', { name: 'Schedules' }).waitFor();
    await page.getByTestId('schedules').waitFor();
    await checkPage(page, '17-schedules-en');
    await nav(page, 'Territorial report').click();
    await page.getByRole('heading', { name: 'Territorial report' }).waitFor();
    await page
      .getByRole('img', { name: /Bar chart/ })
      .first()
      .waitFor();
    await checkPage(page, '18-territorial-en');
    await page.getByRole('button', { name: 'Español' }).click();
    await page.getByRole('heading', { name: 'Reporte territorial' }).waitFor();
    await nav(page, 'Cola de revisión').click();
    await page.getByRole('heading', { name: 'Cola de revisión' }).waitFor();
    await ctx.close();
  });
});

describe('console and tokens', () => {
  it('left no token in the hub log, whatever the pages did', () => {
    const text = logs.join('\n');
    expect(text.length).toBeGreaterThan(0);
    for (const [who, token] of Object.entries(tokens)) expect(text.includes(token), who).toBe(false);
  });
});

describe('console over HTTP', () => {
  it('is served with a strict CSP, cache headers and a client-side-route fallback', async () => {
    const page = await fetch(url('review/42'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toContain('juntos-demo-token');
    const asset = html.match(/\/console\/assets\/[\w.-]+\.js/)![0];
    const js = await fetch(`${api.http.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${api.http.url}/console/assets/missing.js`)).status).toBe(404);
    const root = await fetch(`${api.http.url}/`, { redirect: 'manual' });
    expect(root.headers.get('location')).toBe('/console/');
  });

  it('reuses the same API: a bad token from the console gets the API 401', async () => {
    const res = await api.gql('{ kinshipRoles { code } }', {}, bearer('jh_nope'));
    expect(res.status).toBe(401);
  });
});
