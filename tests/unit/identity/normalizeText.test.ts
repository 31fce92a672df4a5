import { describe, expect, it } from 'vitest';
import { cleanNameField, cleanNameText, isNewbornPlaceholder, isNullLikeName, splitTokens } from '../../../src/domain/identity';

describe('cleanNameText (DPS limpiador_texto)', () => {
  it('upper-cases, folds accents and Ñ, maps punctuation to spaces, removes digits', () => {
    expect(cleanNameText('  Núñez-Pérez, María2 ')).toBe('NUNEZ PEREZ MARIA');
    expect(cleanNameText('josé   maría')).toBe('JOSE MARIA');
    expect(cleanNameText('MAGÜÍ')).toBe('MAGUI');
    expect(cleanNameText('DE LA HOZ.')).toBe('DE LA HOZ');
    expect(cleanNameText('MA. DEL CARMEN')).toBe('MA DEL CARMEN');
    expect(cleanNameText('JUAN_CARLOS/2')).toBe('JUAN CARLOS');
  });

  it('joins apostrophes instead of splitting the word', () => {
    expect(cleanNameText("O'NEILL")).toBe('ONEILL');
    expect(cleanNameText('D’ALEMAN')).toBe('DALEMAN');
  });

  it('repairs UTF-8 read as Windows-1252 (ANSI pipelines)', () => {
    expect(cleanNameText('NUÃ‘EZ')).toBe('NUNEZ');
    expect(cleanNameText('MuÃ±oz')).toBe('MUNOZ');
    expect(cleanNameText('GÃ“MEZ')).toBe('GOMEZ');
  });

  it('restores a character lost as "?": Ñ between vowels, dropped elsewhere', () => {
    expect(cleanNameText('NU?EZ')).toBe('NUNEZ');
    expect(cleanNameText('MU?OZ')).toBe('MUNOZ');
    expect(cleanNameText('PE\uFFFDA')).toBe('PENA');
    expect(cleanNameText('G?MEZ')).toBe('GMEZ');
    expect(cleanNameText('MARIA?')).toBe('MARIA');
    expect(cleanNameText('?')).toBe('');
  });

  it('returns "" for empty input', () => {
    expect(cleanNameText(null)).toBe('');
    expect(cleanNameText(undefined)).toBe('');
    expect(cleanNameText('   ')).toBe('');
    expect(cleanNameText('123')).toBe('');
  });
});

describe('null-like names', () => {
  it.each(['', 'NULL', 'NA', 'N/A', 'n/a', 'NN', 'SIN DATO', 'sin datos', 'NO APLICA', 'XX', 'XXX', '.', 'RN', 'SIN NOMBRE', 'NO TIENE', 'N.N.', '---', '0'])(
    '%j is missing',
    (raw) => {
      expect(cleanNameField(raw)).toBeNull();
    },
  );

  it.each(['HIJO DE MARIA PEREZ', 'HIJA DE', 'RN HIJO DE ANA', 'RECIEN NACIDO', 'NN MASCULINO', 'BEBE DE LUZ'])('%j is a newborn placeholder', (raw) => {
    const cleaned = cleanNameText(raw);
    expect(isNewbornPlaceholder(cleaned)).toBe(true);
    expect(cleanNameField(raw)).toBeNull();
  });

  it('keeps real names that merely contain placeholder letters', () => {
    expect(cleanNameField('NATALIA')).toBe('NATALIA');
    expect(cleanNameField('NANCY')).toBe('NANCY');
    expect(cleanNameField('XIMENA')).toBe('XIMENA');
    expect(cleanNameField('HIJUELOS')).toBe('HIJUELOS');
    expect(cleanNameField('RNA')).toBe('RNA');
    expect(isNullLikeName('X')).toBe(false);
  });

  it('drops a NULL token inside a value', () => {
    expect(cleanNameField('MARIA NULL')).toBe('MARIA');
    expect(cleanNameField('NULL NULL')).toBeNull();
  });

  it('splitTokens() splits cleaned values', () => {
    expect(splitTokens('MARIA DEL CARMEN')).toEqual(['MARIA', 'DEL', 'CARMEN']);
    expect(splitTokens(null)).toEqual([]);
    expect(splitTokens('')).toEqual([]);
  });
});
