import { describe, expect, it } from 'vitest';
import { parseCell, rowTyper } from './cells.ts';

describe('parseCell', () => {
  it('empty is null for every type', () => {
    for (const type of ['string', 'int', 'float', 'bool', 'timestamp'] as const) expect(parseCell('', type)).toBeNull();
  });

  it('numbers: integers, floats with exponents and spaces; nothing else', () => {
    expect(parseCell('4000', 'int')).toBe(4000);
    expect(parseCell(' -12 ', 'int')).toBe(-12);
    expect(parseCell('1.5', 'float')).toBe(1.5);
    expect(parseCell('.25', 'float')).toBe(0.25);
    expect(parseCell('-3e2', 'float')).toBe(-300);
    for (const bad of ['1.5', 'wide', '0x10', '1e3', '99999999999999999999']) expect(() => parseCell(bad, 'int')).toThrow(/not an integer/);
    for (const bad of ['NaN', 'Infinity', '0x10', '1,5', '1.2.3', '-', 'e5']) expect(() => parseCell(bad, 'float')).toThrow(/not a number/);
  });

  it('booleans are t/f (or true/false)', () => {
    expect(parseCell('t', 'bool')).toBe(true);
    expect(parseCell('f', 'bool')).toBe(false);
    expect(parseCell('true', 'bool')).toBe(true);
    expect(() => parseCell('yes', 'bool')).toThrow('not a boolean (t/f): "yes"');
  });

  it('timestamps become UTC ISO strings, with or without a fraction, zone or not', () => {
    expect(parseCell('2020-05-13 15:28:22.457', 'timestamp')).toBe('2020-05-13T15:28:22.457Z');
    expect(parseCell('2020-05-13 15:28:22', 'timestamp')).toBe('2020-05-13T15:28:22.000Z');
    expect(parseCell('2020-05-13 15:28:22.457123', 'timestamp')).toBe('2020-05-13T15:28:22.457Z');
    expect(parseCell('2020-05-13T15:28:22.4', 'timestamp')).toBe('2020-05-13T15:28:22.400Z');
    expect(parseCell('2020-05-13 15:28:22+02:00', 'timestamp')).toBe('2020-05-13T13:28:22.000Z');
    for (const bad of ['yesterday', '2020-05-13', '2021-02-30 00:00:00', '2020-05-13 25:00:00', '2020-13-01 00:00:00', '13/05/2020 15:28']) {
      expect(() => parseCell(bad, 'timestamp')).toThrow(/not a timestamp/);
    }
  });
});

describe('rowTyper', () => {
  it('types by header name in any order; known columns the header lacks are null; unknown ones pass as text', () => {
    const typed = rowTyper('keywords', ['keyword', 'photo_id', 'ai_service_2_confidence', 'new_column'], 'keywords.tsv000');
    expect(typed(['dog', 'aaaaaaaaaaa', '35.5', '7'])).toEqual({
      keyword: 'dog',
      photo_id: 'aaaaaaaaaaa',
      ai_service_1_confidence: null,
      ai_service_2_confidence: 35.5,
      suggested_by_user: null,
      new_column: '7',
    });
  });

  it('names the column of a bad field; rejects an empty key or an id that is not an id', () => {
    const typed = rowTyper('colors', ['photo_id', 'hex', 'red'], 'colors.tsv000');
    expect(() => typed(['aaaaaaaaaaa', 'ff0000', 'lots'])).toThrow('column red: not an integer: "lots"');
    expect(() => typed(['aaaaaaaaaaa', 'ff0000', 'lots'])).toThrow(expect.objectContaining({ code: 'DATA_MALFORMED' }));
    expect(() => typed(['', 'ff0000', '1'])).toThrow('missing photo_id');
    expect(() => typed(['aaaaaaaaaaa', '', '1'])).toThrow('missing hex');
    expect(() => typed(['../etc/pass', 'ff0000', '1'])).toThrow('photo_id "../etc/pass" is not an id');
  });

  it('a header without the key column, or with a column twice, is one clear error', () => {
    expect(() => rowTyper('photos', ['photo_url', 'photo_width'], 'photos.tsv000')).toThrow('table reader: photos.tsv000: the header has no photo_id column');
    expect(() => rowTyper('conversions', ['photo_id', 'keyword'], 'c.tsv')).toThrow(/no converted_at, anonymous_user_id column/);
    expect(() => rowTyper('photos', ['photo_id', 'photo_id'], 'photos.tsv000')).toThrow('the header names photo_id twice');
  });
});
