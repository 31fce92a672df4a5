import { describe, expect, it } from 'vitest';
import { parseDate, ageAt, isOpenEnd } from '../../../connectors/common/dates';
import { normalizeDocumentNumber } from '../../../src/domain/identity/documentNumber';
import { cleanField, municipalityCode, municipalityFromParts, nameValue, isSuspiciousName, smallInt } from '../../../connectors/common/values';

describe('parseDate', () => {
  it.each([
    ['14/03/1972', '1972-03-14'],
    ['4/3/1972', '1972-03-04'],
    ['14-03-1972', '1972-03-14'],
    ['14.03.1972', '1972-03-14'],
    ['14/03/1972 00:00:00', '1972-03-14'],
    ['1972-03-14', '1972-03-14'],
    ['1972/03/14', '1972-03-14'],
    ['1972-03-14T00:00:00Z', '1972-03-14'],
    ['29/02/2000', '2000-02-29'],
    ['31/12/2999', '2999-12-31'],
  ])('%s → %s', (raw, iso) => expect(parseDate(raw)).toBe(iso));

  it.each(['31/02/2001', '29/02/1900', '00/01/2000', '15/13/1990', '03/14/1972', '14/03/72', '1990/31/12', 'NO SABE', '', '14031972'])('rejects %j', (raw) => {
    expect(parseDate(raw)).toBeNull();
  });

  it('computes completed years and recognizes open end dates', () => {
    expect(ageAt('2018-07-01', '2025-06-30')).toBe(6);
    expect(ageAt('2018-06-30', '2025-06-30')).toBe(7);
    expect(isOpenEnd('2999-12-31')).toBe(true);
  });
});

describe('normalizeDocumentNumber', () => {
  it.each([
    ['CC', '1.023.456.789', '1023456789'],
    ['CC', ' 43 876 512 ', '43876512'],
    ['CC', '0043876512', '43876512'],
    ['TI', '1,034,567,890', '1034567890'],
    ['RC', '00123', '123'],
    ['CE', 'e-123456', 'E123456'],
    ['PA', 'ab 12.34', 'AB1234'],
    ['PE', '123456789012345', '123456789012345'],
    ['MS', '76001I8125', '76001I8125'],
    ['AS', '08001s8125', '08001S8125'],
  ] as const)('%s %j → %s', (type, raw, value) => {
    expect(normalizeDocumentNumber(type, raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['CC', '12345678901', 'INVALID_DOCUMENT_NUMBER'],
    ['CC', '12A45', 'INVALID_DOCUMENT_NUMBER'],
    ['TI', '0000', 'INVALID_DOCUMENT_NUMBER'],
    ['CC', '   ', 'MISSING_REQUIRED'],
    ['AS', 'ABC', 'INVALID_DOCUMENT_NUMBER'],
    ['MS', '7600I12', 'INVALID_DOCUMENT_NUMBER'],
    ['PA', 'ÑA123', 'INVALID_DOCUMENT_NUMBER'],
    ['CE', '12#45', 'INVALID_DOCUMENT_NUMBER'],
  ] as const)('%s %j → %s, without quoting the value', (type, raw, code) => {
    const r = normalizeDocumentNumber(type, raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      if (raw.trim()) expect(r.reason).not.toContain(raw.trim());
    }
  });
});

describe('municipality codes', () => {
  it('pads to 5 digits and keeps strings', () => {
    expect(municipalityCode('5001')).toBe('05001');
    expect(municipalityCode('05001')).toBe('05001');
    expect(municipalityCode('5001.0')).toBe('05001');
    expect(municipalityCode('123456')).toBeNull();
    expect(municipalityCode('ABCDE')).toBeNull();
    expect(municipalityFromParts('5', '1')).toBe('05001');
    expect(municipalityFromParts('05', '001')).toBe('05001');
    expect(municipalityFromParts('05', '05001')).toBe('05001');
    expect(municipalityFromParts('08', '05001')).toBeNull();
  });
});

describe('field cleaning', () => {
  it('repairs double-encoded UTF-8 per field', () => {
    expect(cleanField(' NUÃ‘EZ ', true)).toBe('NUÑEZ');
    expect(cleanField('GÃ“MEZ', true)).toBe('GÓMEZ');
    expect(cleanField('BOGOTÃ\u0081', true)).toBe('BOGOTÁ');
  });

  it('gives the same value for NFC and NFD spellings', () => {
    const nfd = 'NU\u0301N\u0303EZ';
    const nfc = 'NÚÑEZ';
    expect(nfd).not.toBe(nfc);
    expect(cleanField(nfd, true)).toBe(nfc);
    expect(cleanField(nfc, true)).toBe(nfc);
  });

  it('builds display names: upper case, single spaces, placeholders → null', () => {
    expect(nameValue('maría  del carmen')).toBe('MARÍA DEL CARMEN');
    expect(nameValue('DE LA HOZ')).toBe('DE LA HOZ');
    expect(nameValue('NULL')).toBeNull();
    expect(nameValue('sin dato')).toBeNull();
    expect(nameValue('.')).toBeNull();
    expect(isSuspiciousName('NU?EZ')).toBe(true);
    expect(isSuspiciousName("D'ALEMAN")).toBe(false);
  });

  it('reads small integers', () => {
    expect(smallInt('01', 1, 99)).toBe(1);
    expect(smallInt('3.0', 1, 19)).toBe(3);
    expect(smallInt('20', 1, 19)).toBeNull();
    expect(smallInt('x', 1, 19)).toBeNull();
  });
});
