import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyParseStats, type ParseContext, type RowResult } from '../../../connectors/types';
import { municipalityCodes } from '../../../src/synthetic';

export const MUNICIPALITIES = municipalityCodes();
export const TODAY = '2025-06-30';

export function ctx(fileName = 'file.txt', extra: Partial<ParseContext> = {}): ParseContext {
  return { fileName, today: TODAY, municipalities: MUNICIPALITIES, stats: emptyParseStats(), ...extra };
}

export async function collect(rows: AsyncIterable<RowResult>): Promise<RowResult[]> {
  const out: RowResult[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'juntos-connectors-'));
let n = 0;
/** Writes bytes to a fresh temporary file and returns its path. */
export function tempFile(bytes: Uint8Array | string, name = `f${n++}.txt`): string {
  const p = join(dir, `${n++}-${name}`);
  writeFileSync(p, bytes);
  return p;
}

export function latin1(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

export function okRows(rows: RowResult[]) {
  return rows.flatMap((r) => (r.ok ? [r] : []));
}

export function errorRows(rows: RowResult[]) {
  return rows.flatMap((r) => (r.ok ? [] : [r]));
}
