import { describe, expect, it } from 'vitest';
import {
  documentClass,
  documentKey,
  documentTypeRelation,
  isNuipShaped,
  isOneKeyingError,
  isPlaceholderDocumentNumber,
  lifeCycleRank,
  normalizeDocumentType,
} from '../../../src/domain/identity';

describe('documentKey', () => {
  it('CC with dots, spaces and commas', () => {
    expect(documentKey('CC', '1.023.456.789')).toEqual({ type: 'CC', key: '1023456789' });
    expect(documentKey('CC', ' 1 023 456 789 ')).toEqual({ type: 'CC', key: '1023456789' });
    expect(documentKey('CC', '79,845,123')).toEqual({ type: 'CC', key: '79845123' });
  });

  it('drops leading zeros of numeric types', () => {
    expect(documentKey('TI', '0098052312345')).toEqual({ type: 'TI', key: '98052312345' });
  });

  it('drops leading zeros of all-digit numbers of any type, so the key ignores the type', () => {
    expect(documentKey('PE', '000987123456').key).toBe('987123456');
    expect(documentKey(null, '00045678').key).toBe('45678');
  });

  it('keeps letters of alphanumeric types, upper-cased, without separators', () => {
    expect(documentKey('PA', 'ab-123456')).toEqual({ type: 'PA', key: 'AB123456' });
    expect(documentKey('CE', '0AB12')).toEqual({ type: 'CE', key: '0AB12' });
  });

  it('AS/MS numbers (Res. 812/2007): DDMMM + letter + consecutive', () => {
    expect(documentKey('AS', '76001I0012')).toEqual({ type: 'AS', key: '76001I0012' });
    expect(documentKey('MS', '08001S8125')).toEqual({ type: 'MS', key: '08001S8125' });
  });

  it('a number that cannot be of its type keeps its characters and loses the type', () => {
    expect(documentKey('CC', '1023456789X')).toEqual({ type: null, key: '1023456789X' });
    expect(documentKey('AS', 'ABC')).toEqual({ type: null, key: 'ABC' });
  });

  it('placeholders and empty numbers are missing', () => {
    for (const n of ['0', '000000', '1111111', '99999999', '123456789', '1234567890', '987654321', '12', '', '   ', '-']) {
      expect(documentKey('CC', n).key).toBeNull();
    }
    expect(documentKey('CC', null)).toEqual({ type: 'CC', key: null });
    expect(documentKey(undefined, undefined)).toEqual({ type: null, key: null });
  });

  it('accepts aliases of document types', () => {
    expect(documentKey('NUIP', '1023456789').type).toBe('NU');
    expect(documentKey('PEP', '123456789012345').type).toBe('PE');
    expect(documentKey('DNI', 'V12345678').type).toBe('DE');
    expect(documentKey('xx', '52123456').type).toBeNull();
  });
});

describe('isPlaceholderDocumentNumber', () => {
  it('flags fillers but not real numbers', () => {
    expect(isPlaceholderDocumentNumber('12345')).toBe(true);
    expect(isPlaceholderDocumentNumber('AAAA')).toBe(true);
    expect(isPlaceholderDocumentNumber('4567890')).toBe(false);
    expect(isPlaceholderDocumentNumber('1234')).toBe(false);
    expect(isPlaceholderDocumentNumber('52123456')).toBe(false);
  });
});

describe('normalizeDocumentType', () => {
  it.each([
    ['cc', 'CC'],
    [' TI ', 'TI'],
    ['NUIP', 'NU'],
    ['UN', 'NU'],
    ['NV', 'CN'],
    ['PPT', 'PT'],
    ['PAS', 'PA'],
    ['SR', 'SC'],
    ['ZZ', null],
    [null, null],
  ] as const)('%j → %j', (raw, code) => {
    expect(normalizeDocumentType(raw)).toBe(code);
  });
});

describe('document classes and life cycle', () => {
  it('classifies types', () => {
    expect(['CN', 'RC', 'NU', 'TI', 'CC'].map((t) => documentClass(t as 'CC'))).toEqual(Array(5).fill('lifecycle'));
    expect(['CE', 'PA', 'CD', 'SC', 'PE', 'PT', 'DE'].map((t) => documentClass(t as 'CE'))).toEqual(Array(7).fill('foreign'));
    expect(['AS', 'MS', 'SI'].map((t) => documentClass(t as 'AS'))).toEqual(Array(3).fill('provisional'));
    expect([
      lifeCycleRank('CN'),
      lifeCycleRank('RC'),
      lifeCycleRank('NU'),
      lifeCycleRank('TI'),
      lifeCycleRank('CC'),
      lifeCycleRank('PE'),
      lifeCycleRank(null),
    ]).toEqual([0, 1, 1, 2, 3, null, null]);
  });

  it('relates types: equal, evolution, unknown, incompatible', () => {
    expect(documentTypeRelation('CC', 'CC')).toBe('equal');
    expect(documentTypeRelation('RC', 'NU')).toBe('equal');
    expect(documentTypeRelation('TI', 'CC')).toBe('evolution');
    expect(documentTypeRelation('CC', 'TI')).toBe('evolution');
    expect(documentTypeRelation('RC', 'TI')).toBe('evolution');
    expect(documentTypeRelation('CN', 'CC')).toBe('evolution');
    expect(documentTypeRelation('NU', 'CC')).toBe('evolution');
    expect(documentTypeRelation(null, 'CC')).toBe('unknown');
    expect(documentTypeRelation('CC', 'CE')).toBe('incompatible');
    expect(documentTypeRelation('PE', 'DE')).toBe('incompatible');
    expect(documentTypeRelation('TI', 'PA')).toBe('incompatible');
  });

  it('NUIP-era numbers have 10 digits', () => {
    expect(isNuipShaped('1023456789')).toBe(true);
    expect(isNuipShaped('23456789')).toBe(false);
    expect(isNuipShaped('98052312345')).toBe(false);
    expect(isNuipShaped('10234567AB')).toBe(false);
  });
});

describe('isOneKeyingError', () => {
  it('one substitution, insertion, deletion or adjacent transposition', () => {
    expect(isOneKeyingError('1023456789', '1023456780')).toBe(true);
    expect(isOneKeyingError('1023456789', '1032456789')).toBe(true);
    expect(isOneKeyingError('1023456789', '102345678')).toBe(true);
    expect(isOneKeyingError('102345678', '1023456789')).toBe(true);
    expect(isOneKeyingError('1023456789', '10234567891')).toBe(true);
    expect(isOneKeyingError('1023456789', '11023456789')).toBe(true);
  });

  it('not for equal numbers, two errors, distant swaps or short numbers', () => {
    expect(isOneKeyingError('1023456789', '1023456789')).toBe(false);
    expect(isOneKeyingError('1023456789', '1023456700')).toBe(false);
    expect(isOneKeyingError('1023456789', '1923456781')).toBe(false);
    expect(isOneKeyingError('1023456789', '10234567')).toBe(false);
    expect(isOneKeyingError('12345', '12346')).toBe(false);
  });
});
