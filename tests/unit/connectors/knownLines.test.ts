/**
 * The parser's side of known lines (issue 15): a one-line record the pipeline says it holds is
 * neither mapped nor yielded, every other record is yielded as before with its line, the header is
 * never offered, and the line accounting still counts every record.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getConnector, parseText } from '../../../connectors';
import type { KnownLines } from '../../../connectors/types';
import { collect, ctx } from './helpers';

const SAMPLE = new URL('../../../connectors/sisben/samples/sisben_iv_personas_muestra.csv', import.meta.url);

describe('known lines in parseDelimited', () => {
  it('skips exactly the lines the pipeline knows, and offers each record line once with its text', async () => {
    const text = readFileSync(SAMPLE, 'utf8');
    const connector = getConnector('sisben');
    const all = await collect(parseText(text, connector, ctx('s.csv')));
    expect(all.length).toBeGreaterThan(12);

    const offered: number[] = [];
    let reading = '';
    const rawByLine = new Map(all.map((r) => [r.line, r.raw]));
    const known: KnownLines = {
      begin: (r) => void (reading = r),
      known(raw, line) {
        offered.push(line);
        expect(raw).toBe(rawByLine.get(line));
        return line % 2 === 0;
      },
    };
    const c = ctx('s.csv', { knownLines: known });
    const some = await collect(parseText(text, connector, c));
    // The reading names the layout and the header line (the same text means the same record only under the same header).
    const header = text.split(/\r?\n/)[0];
    expect(reading).toContain(header);
    expect(offered).toEqual(all.filter((r) => r.raw.indexOf('\n') < 0).map((r) => r.line));
    expect(some.map((r) => r.line)).toEqual(all.filter((r) => r.line % 2 !== 0).map((r) => r.line));
    expect(c.stats!.records).toBe(all.length);
  });
});
