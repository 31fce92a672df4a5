import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBytes, detectEncoding } from '../../../connectors/common/decode';
import { inspectFile, decodeFile } from '../../../src/imports';
import { FileFormatError } from '../../../connectors/types';
import { latin1, tempFile } from './helpers';

async function text(path: string, encoding: 'utf-8' | 'windows-1252'): Promise<string> {
  let s = '';
  for await (const t of decodeFile(path, encoding)) s += t;
  return s;
}

describe('inspectFile', () => {
  it('computes the SHA-256 of the exact bytes and the size', async () => {
    const bytes = Buffer.from('a;b\r\n1;2\r\n', 'utf8');
    const info = await inspectFile(tempFile(bytes));
    expect(info.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(info.bytes).toBe(bytes.length);
  });

  it('decides UTF-8 for strictly valid UTF-8 (BOM stripped from the head lines)', async () => {
    const info = await inspectFile(tempFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('pri_apellido;pri_nombre\nMUÑOZ;JOSÉ\n')])));
    expect(info.encoding).toBe('utf-8');
    expect(info.headLines.slice(0, 2)).toEqual(['pri_apellido;pri_nombre', 'MUÑOZ;JOSÉ']);
  });

  it('decides Windows-1252 for Latin-1 / ANSI bytes', async () => {
    const info = await inspectFile(tempFile(latin1('NUÑEZ,PEÑA\r\nGÜIZA,ÁLVAREZ\r\n')));
    expect(info.encoding).toBe('windows-1252');
    expect(info.headLines.slice(0, 2)).toEqual(['NUÑEZ,PEÑA', 'GÜIZA,ÁLVAREZ']);
  });

  it('judges the whole file: one Latin-1 byte after the first megabytes makes it Windows-1252', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0x41);
    for (let i = 100; i < big.length; i += 100) big[i] = 0x0a;
    const bytes = Buffer.concat([Buffer.from('MUÑOZ\n'), big, latin1('PEÑA\n')]);
    const info = await inspectFile(tempFile(bytes));
    expect(info.encoding).toBe('windows-1252');
  });

  it('keeps UTF-8 when a multi-byte character straddles the 1 MiB read boundary', async () => {
    const pad = Buffer.alloc((1 << 20) - 1, 0x41);
    const bytes = Buffer.concat([pad, Buffer.from('Ñ\n')]);
    expect(bytes[(1 << 20) - 1]).toBe(0xc3);
    const info = await inspectFile(tempFile(bytes));
    expect(info.encoding).toBe('utf-8');
  });

  it('treats a UTF-8 sequence truncated at the end of the file as not UTF-8', async () => {
    expect((await inspectFile(tempFile(Buffer.from([0x41, 0x0a, 0xc3])))).encoding).toBe('windows-1252');
  });

  it.each([
    ['NUL bytes', Buffer.from([0x41, 0x42, 0x00, 0x43, 0x0a]), 'BINARY_FILE'],
    ['mostly control characters', Buffer.from(Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 0x41 : 0x07))), 'BINARY_FILE'],
    ['a ZIP / xlsx archive', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), 'BINARY_FILE'],
    ['gzip', Buffer.from([0x1f, 0x8b, 0x08, 0x00]), 'BINARY_FILE'],
    ['UTF-16 with BOM', Buffer.from([0xff, 0xfe, 0x41, 0x00, 0x0a, 0x00]), 'UNSUPPORTED_ENCODING'],
    ['an empty file', Buffer.alloc(0), 'EMPTY_FILE'],
  ])('rejects %s with FileFormatError', async (_name, bytes, code) => {
    const err = await inspectFile(tempFile(bytes)).catch((e) => e);
    expect(err).toBeInstanceOf(FileFormatError);
    expect(err.code).toBe(code);
  });

  it('reports the byte offset of a NUL deep in the file', async () => {
    const bytes = Buffer.concat([Buffer.alloc(2_000_000, 0x41), Buffer.from([0])]);
    const err = await inspectFile(tempFile(bytes)).catch((e) => e);
    expect(err).toBeInstanceOf(FileFormatError);
    expect(err.message).toContain('2000000');
  });
});

describe('decodeFile / decodeBytes', () => {
  it('streams UTF-8 text with the BOM removed', async () => {
    const p = tempFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a»b\n')]));
    expect(await text(p, 'utf-8')).toBe('a»b\n');
  });

  it('decodes Windows-1252 including the 0x80–0x9F range (€, Š) and » (0xBB)', async () => {
    const p = tempFile(Buffer.from([0x80, 0x8a, 0xbb, 0xd1, 0x0a]));
    expect(await text(p, 'windows-1252')).toBe('€Š»Ñ\n');
  });

  it('removes a UTF-8 BOM even when the file is read as Windows-1252', async () => {
    const p = tempFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), latin1('PEÑA\n')]));
    expect(await text(p, 'windows-1252')).toBe('PEÑA\n');
  });

  it('decodes a UTF-8 character split across chunks', async () => {
    const p = tempFile(Buffer.concat([Buffer.alloc((1 << 20) - 1, 0x41), Buffer.from('Ñ\n')]));
    const s = await text(p, 'utf-8');
    expect(s.endsWith('AÑ\n')).toBe(true);
    expect(s.includes('\ufffd')).toBe(false);
  });

  it('reports progress in bytes', async () => {
    const p = tempFile(Buffer.alloc(3_000_000, 0x41));
    const seen: number[] = [];
    for await (const _ of decodeFile(p, 'utf-8', (b) => seen.push(b))) void _;
    expect(seen.at(-1)).toBe(3_000_000);
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });

  it('decodeBytes applies the same rules in memory', () => {
    expect(detectEncoding(latin1('Ñ'))).toBe('windows-1252');
    expect(decodeBytes(latin1('PEÑA»X'))).toBe('PEÑA»X');
    expect(() => decodeBytes(Buffer.from([0x41, 0]))).toThrow(FileFormatError);
  });
});
