/**
 * The answer as an Excel workbook (exceljs, streaming writer: rows are committed as they are added,
 * so a 100,000-line answer does not hold a full workbook model in memory). One sheet, "cruce", with
 * the same header and cells as the CSV; the line number and the name distance are numbers.
 */
import { PassThrough } from 'node:stream';
// Loaded when a workbook is written: not by every process importing this module (~23 MB of RSS).

const NUMERIC = new Set(['linea', 'distancia_nombres']);

export async function writeXlsx(header: readonly string[], rows: readonly (readonly string[])[]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet('cruce', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = header.map((h) => ({ header: h, key: h, width: Math.max(10, h.length + 2) }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  const numeric = header.map((h) => NUMERIC.has(h));
  for (const r of rows) {
    ws.addRow(r.map((v, i) => (numeric[i] && v !== '' ? Number(v) : v))).commit();
  }
  ws.commit();
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}
