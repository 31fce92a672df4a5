import { describe, expect, it } from 'vitest';
import { soundexEs, soundexEsMulti } from '../../../src/domain/identity';

describe('soundexEs (domain.md §5.4)', () => {
  it.each([
    ['CASTILLO', 'K237'],
    ['RODRIGUEZ', 'R362'],
    ['GONZALEZ', 'G524'],
    ['HERNANDEZ', 'E653'],
    ['MARTINEZ', 'M635'],
    ['NUÑEZ', 'N520'],
    ['QUINTERO', 'K536'],
    ['CESAR', 'S260'],
    ['CHAVEZ', 'V120'],
    ['GERMAN', 'J650'],
    ['LLANOS', 'J520'],
    ['YOLANDA', 'J453'],
    ['PEREZ', 'P620'],
    ['ANA', 'A500'],
    ['LUZ', 'L200'],
    ['O', 'O000'],
  ])('%s → %s', (word, key) => {
    expect(soundexEs(word)).toBe(key);
  });

  it('is four characters: first letter and three digits, padded with 0 and cut', () => {
    expect(soundexEs('BUENAVENTURA')).toBe('B515');
    expect(soundexEs('BUENAVENTURA')).toHaveLength(4);
    expect(soundexEs('LI')).toBe('L000');
  });

  it('collapses adjacent equal digits after vowels are removed', () => {
    expect(soundexEs('CASAS')).toBe('K200');
    expect(soundexEs('ARRIETA')).toBe('A630');
    expect(soundexEs('PAPA')).toBe('P100');
  });

  it('is empty for no letters and strips every leading H', () => {
    expect(soundexEs('')).toBe('');
    expect(soundexEs('123')).toBe('');
    expect(soundexEs('H')).toBe('');
    expect(soundexEs('HHUGO')).toBe('U200');
  });

  it('accepts lower case and accents', () => {
    expect(soundexEs('gómez')).toBe(soundexEs('GOMEZ'));
    expect(soundexEs('Ávila')).toBe(soundexEs('AVILA'));
  });

  const same: [string, string, string][] = [
    ['B/V', 'VARGAS', 'BARGAS'],
    ['B/V inside', 'ALVAREZ', 'ALBAREZ'],
    ['B/V', 'VIVIANA', 'BIBIANA'],
    ['S/Z/C', 'GONZALEZ', 'GONSALES'],
    ['S/Z', 'ZULUAGA', 'SULUAGA'],
    ['S/C', 'CESAR', 'SESAR'],
    ['S/Z/C ending', 'MARTINEZ', 'MARTINES'],
    ['S/Z ending', 'DIAZ', 'DIAS'],
    ['X/S', 'XIMENA', 'SIMENA'],
    ['Y/LL (yeísmo)', 'CASTILLO', 'CASTIYO'],
    ['Y/LL', 'LLANOS', 'YANOS'],
    ['Y/LL', 'GUILLERMO', 'GUIYERMO'],
    ['silent H', 'HERNANDEZ', 'ERNANDEZ'],
    ['silent H', 'HUGO', 'UGO'],
    ['silent H inside', 'JHON', 'JON'],
    ['JHON/JOHN', 'JHON', 'JOHN'],
    ['G/J', 'GERMAN', 'JERMAN'],
    ['G/J', 'GIRALDO', 'JIRALDO'],
    ['G/J', 'GENNY', 'JENNY'],
    ['K/C', 'KAROL', 'CAROL'],
    ['K/QU', 'QUINTERO', 'KINTERO'],
    ['K/C inside', 'ERIKA', 'ERICA'],
    ['Ñ/N', 'NUÑEZ', 'NUNEZ'],
    ['Ñ/N', 'PEÑA', 'PENA'],
    ['Y/J', 'YEISON', 'JEISON'],
    ['Y/J', 'YULIETH', 'JULIETH'],
    ['I/Y endings', 'MARLENY', 'MARLENI'],
    ['doubled letters', 'YESSICA', 'YESICA'],
    ['STIVEN/STEVEN', 'STIVEN', 'STEVEN'],
    ['YESICA/JESSICA', 'YESICA', 'JESSICA'],
  ];
  it.each(same)('%s: %s ≈ %s', (_, a, b) => {
    expect(soundexEs(a)).toBe(soundexEs(b));
  });

  const different: [string, string][] = [
    ['PEREZ', 'GOMEZ'],
    ['CASTILLO', 'CASTRO'],
    ['JUAN', 'JOSE'],
    ['BRAYAN', 'BRIAN'],
    ['RODRIGUEZ', 'RAMIREZ'],
  ];
  it.each(different)('%s ≠ %s', (a, b) => {
    expect(soundexEs(a)).not.toBe(soundexEs(b));
  });
});

describe('soundexEsMulti', () => {
  it('keys word by word and joins with a space', () => {
    expect(soundexEsMulti('de la Hoz')).toBe('D000 L000 O200');
    expect(soundexEsMulti('MARIA DEL CARMEN')).toBe('M600 D400 K650');
    expect(soundexEsMulti('JUAN-CARLOS')).toBe('J500 K642');
  });

  it('is empty for empty input', () => {
    expect(soundexEsMulti('')).toBe('');
    expect(soundexEsMulti(null)).toBe('');
    expect(soundexEsMulti(' 12 ')).toBe('');
  });
});
