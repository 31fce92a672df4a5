import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureConsoleBuild } from '../../console/scripts/build.mjs';
import { personOf, testHub, type ApiHub } from '../harness';
import { bduaKey } from '../harness/factories/files';
import { CAROLINA_BDUA, makeRecordMove } from '../harness/factories/recordMove';
import { checkPage, launchBrowser, signIn, type TestBrowser } from './browser';

/**
 * Record moves on the console's person page: a steward sees the record a run moved (on both
 * persons, with its rule and run) and gives it back with a reason; a reader sees the moves but
 * neither the undo button nor the steward's reason.
 */
let api: ApiHub;
let tb: TestBrowser;
const tokens: Record<string, string> = {};
let moved: Awaited<ReturnType<typeof makeRecordMove>>;
const ids: { marcela: string; carolina: string } = { marcela: '', carolina: '' };
const REASON = 'La fila de BDUA es de Marcela: lo confirmó la EPS';

beforeAll(async () => {
  await ensureConsoleBuild({ say: () => {} });
  api = await testHub().pipelineDefaults().workers(false).http().start();
  moved = await makeRecordMove(api, api);
  const publicId = async (id: number) => (await api.db.rows<{ p: string }>(sql`select public_id::text as p from persons where id = ${id}`))[0].p;
  ids.marcela = await publicId(moved.marcela);
  ids.carolina = await publicId(moved.carolina);
  tokens.steward = await api.token('steward');
  tokens.reader = await api.token('reader');
  tb = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await tb?.close();
  await api?.close();
});

async function personPage(who: string, publicId: string): Promise<Page> {
  const page = await signIn(await tb.context(), `${api.http.url}/console/`, tokens[who]);
  await page.goto(`${api.http.url}/console/persons/${publicId}`);
  await page.getByRole('heading', { name: 'Registros movidos' }).waitFor();
  return page;
}
const moves = (page: Page) => page.getByRole('region', { name: 'Registros movidos' });

describe('record moves in the console', () => {
  it('the premise: the run moved the BDUA row from Marcela to Carolina', () => {
    expect(moved.joinedWrongly).toBe(true);
    expect(moved.movedTo).toBe(moved.carolina);
  });

  it('a steward sees the move on both persons and gives the record back with a reason', async () => {
    const page = await personPage('steward', ids.carolina);
    await expect.poll(() => moves(page).textContent()).toContain(`llegó desde ${ids.marcela} (automático`);
    expect(await moves(page).textContent()).toContain('regla relink.');
    await checkPage(page, '20-person-record-moves');
    await moves(page).getByRole('button', { name: 'Deshacer el movimiento' }).click();
    // An empty reason is not sent: the form asks for one.
    await moves(page).getByRole('button', { name: 'Devolver el registro' }).click();
    const [still] = await api.db.rows<{ undone: boolean }>(sql`select undone_at is not null as undone from record_moves where source_entity_id = ${moved.row}`);
    expect(still.undone).toBe(false);
    await moves(page).getByLabel('Motivo para devolver el registro').fill(REASON);
    await moves(page).getByRole('button', { name: 'Devolver el registro' }).click();
    await page.getByText('Movimiento deshecho').waitFor();
    await expect.poll(() => moves(page).textContent()).toContain(REASON);
    expect(await moves(page).getByRole('button', { name: 'Deshacer el movimiento' }).count()).toBe(0);
    await checkPage(page, '21-person-record-move-undone');

    const [row] = await api.db.rows<{ undo_reason: string; undone_by: string }>(
      sql`select undo_reason, undone_by from record_moves where source_entity_id = ${moved.row}`,
    );
    expect(row.undo_reason).toBe(REASON);
    // The actor is the steward's API client; the steward sees who undid it.
    expect(row.undone_by).toMatch(/^client:/);
    expect(await moves(page).textContent()).toContain(`por ${row.undone_by}`);
    expect(await personOf(api.db, 'bdua', bduaKey(CAROLINA_BDUA))).toBe(moved.marcela);

    const back = await personPage('steward', ids.marcela);
    await expect.poll(() => moves(back).textContent()).toContain(`salió hacia ${ids.carolina}`);
    expect(await moves(back).textContent()).toContain('deshecho');
    await back.context().close();
    await page.context().close();
  });

  it('a reader sees the moves but cannot undo them nor read the reason', async () => {
    const page = await personPage('reader', ids.marcela);
    await expect.poll(() => moves(page).textContent()).toContain(`salió hacia ${ids.carolina}`);
    const text = await moves(page).textContent();
    expect(text).toContain('deshecho');
    expect(text).not.toContain(REASON);
    expect(await page.getByRole('button', { name: 'Deshacer el movimiento' }).count()).toBe(0);
    await page.context().close();
  });
});
