import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/replicate/json-text.js';
import { comparisonType, normalizer } from '../../src/replicate/normalize.js';
import { coercer, decoder, plainDecimal, timestampText } from '../../src/replicate/values.js';
import type { ColumnType } from '../../src/unified/index.js';

/** The portable form of values and verify's canonical text: pure functions, no server. */

const float64: ColumnType = { kind: 'float', native: 'double precision', bits: 64 };
const float32: ColumnType = { kind: 'float', native: 'real', bits: 32 };
const decimal: ColumnType = { kind: 'decimal', native: 'numeric(38,10)', precision: 38, scale: 10 };
const timestamp: ColumnType = { kind: 'timestamp', native: 'timestamp', tz: false };
const date: ColumnType = { kind: 'date', native: 'date' };
const json: ColumnType = { kind: 'json', native: 'jsonb', binary: true };

describe('portable values keep every bit', () => {
  it('a 32-bit float printed in its own shortest digits becomes its exact value, not the nearest double to those digits', () => {
    const decode = decoder('postgres', float32);
    expect(decode('3.1415927')).toBe(Math.fround(3.1415927));
    expect(decode('3.4028235e+38')).toBe(3.4028234663852886e38);
    expect(decode('-0')).toBe(-0);
    expect(Object.is(decode('-0'), -0)).toBe(true);
    expect(decode('NaN')).toBeNaN();
    expect(decode('-Infinity')).toBe(-Infinity);
  });

  it('a double read as text keeps its sign of zero and its specials', () => {
    const decode = decoder('postgres', float64);
    expect(Object.is(decode('-0'), -0)).toBe(true);
    expect(decode('90.33333333333333')).toBe(90.33333333333333);
    expect(decode('inf')).toBe(Infinity);
  });

  it('a decimal held as a double or in exponent form becomes plain digits, exactly', () => {
    const decode = decoder('sqlite', decimal);
    expect(decode(1e-7)).toBe('0.0000001');
    expect(decode(1.2345678901234568e29)).toBe('123456789012345680000000000000');
    expect(decode('-1.5E+3')).toBe('-1500');
    expect(decode(12.5)).toBe('12.5');
    expect(decode(9007199254740993n)).toBe('9007199254740993');
    expect(plainDecimal('12.50')).toBe('12.50');
    expect(plainDecimal('5e-3')).toBe('0.005');
    expect(plainDecimal('.5e1')).toBe('5');
  });

  it('dates and timestamps keep years before 1 and after 9999', () => {
    expect(timestampText('0044-03-15 12:00:00 BC')).toBe('0044-03-15 12:00:00 BC');
    expect(timestampText('0044-03-15 (BC) 12:00:00.500000')).toBe('0044-03-15 12:00:00.5 BC');
    expect(timestampText('12345-06-07 08:09:10.000011')).toBe('12345-06-07 08:09:10.000011');
    expect(timestampText('2024-01-01T10:00:00.500+02:00')).toBe('2024-01-01 08:00:00.5');
    expect(timestampText('0044-03-15 12:00:00+00 BC')).toBe('0044-03-15 12:00:00 BC');
    expect(decoder('postgres', date)('12345-06-07')).toBe('12345-06-07');
    expect(decoder('duckdb', date)('0044-03-15 (BC)')).toBe('0044-03-15 BC');
    expect(decoder('postgres', date)('0044-03-15 BC')).toBe('0044-03-15 BC');
  });

  it('a double written into a text column reads back as the same double', () => {
    expect(coercer({ kind: 'text', native: 'text' })(-0)).toBe('-0');
    expect(coercer({ kind: 'text', native: 'text' })(0.1)).toBe('0.1');
  });
});

describe("verify's canonical text", () => {
  it('tells apart doubles one bit apart, and -0 from 0', () => {
    const n = normalizer(float64);
    expect(n(90.33333333333333)).not.toBe(n(90.33333333333334));
    expect(n(-0)).not.toBe(n(0));
    expect(n(NaN)).toBe(n(Number('NaN')));
  });

  it('compares a 32-bit float with a double as a double: the double must hold the exact value', () => {
    const as = comparisonType(float32, float64);
    expect(as).toEqual(float64);
    const n = normalizer(as);
    const f = Math.fround(0.1);
    expect(n(decoder('postgres', float32)('0.1'))).toBe(n(f));
    expect(n(0.1)).not.toBe(n(f));
  });

  it('compares decimals by value, whatever their spelling', () => {
    const n = normalizer(decimal);
    expect(n('12.50')).toBe(n('12.5'));
    expect(n('0.0000001')).toBe(n('1e-7'));
    expect(n('-0.000')).toBe(n('0'));
    expect(n('12345678901234567891')).not.toBe(n('12345678901234567890'));
  });

  it('compares JSON documents by meaning, numbers exactly', () => {
    expect(canonicalJson('{"b":1, "a":[1.0,2e3,"x"]}')).toBe(canonicalJson('{"a": [1, 2000, "x"], "b": 1}'));
    expect(canonicalJson('{"dup":1,"dup":2}')).toBe(canonicalJson('{"dup": 2}'));
    expect(canonicalJson('{"a":12345678901234567891}')).not.toBe(canonicalJson('{"a":12345678901234567890}'));
    expect(canonicalJson('"\\u0041"')).toBe(canonicalJson('"A"'));
    expect(canonicalJson('not json')).toBe('not json');
    expect(normalizer(json)('{"a":0.10}')).toBe(normalizer(json)('{"a":1e-1}'));
  });

  it('compares timestamps across their spellings and eras', () => {
    const n = normalizer(timestamp);
    expect(n('0044-03-15 (BC) 12:00:00')).toBe(n('0044-03-15 12:00:00 BC'));
    expect(n('0044-03-15 12:00:00 BC')).not.toBe(n('0044-03-15 12:00:00'));
  });
});
