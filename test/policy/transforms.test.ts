import { describe, expect, test } from 'vitest';
import { column, decimal, integer, masker, text, thrown } from './helpers.js';

const values = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

/** The Luhn check, written out here independently of the code under test. */
function luhn(card: string): boolean {
  const digits = card.replace(/\D/g, '').split('').reverse().map(Number);
  const sum = digits.reduce((total, d, i) => total + (i % 2 === 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
  return sum % 10 === 0;
}

describe('every keyed transform is deterministic given the secret', () => {
  const cases: [string, ReturnType<typeof column>, unknown, Record<string, unknown>?][] = [
    ['hash', column(text()), 'alice'],
    ['pseudonym', column(integer(32)), 42],
    ['pseudonym', column(text(10)), 'ALFKI'],
    ['email', column(text(100)), 'alice@corp.com'],
    ['name', column(text(40)), 'Alice Smith'],
    ['phone', column(text(30)), '+1 (555) 123-4567'],
    ['credit-card', column(text(19)), '4111 1111 1111 1111'],
    ['shift-date', column({ kind: 'date', native: 'date' }), new Date('2020-02-29T00:00:00Z')],
    ['noise', column(decimal(10, 2)), '1234.56'],
    ['keep-format', column(text(20)), 'AB-1234-xy'],
  ];
  test.each(cases)('%s', (transform, col, value, options) => {
    const a = masker(transform, col, options, 'secret one');
    const b = masker(transform, col, options, 'secret one');
    const other = masker(transform, col, options, 'secret two');
    expect(a(value)).toEqual(b(value));
    expect(a(value)).not.toEqual(value);
    expect(other(value)).not.toEqual(a(value));
  });
});

describe('pseudonym', () => {
  test('maps 100k distinct integers to 100k distinct integers of the same JS type, sign and type range', () => {
    const mask = masker('pseudonym', column(integer(32), { unique: true }));
    const seen = new Set<number>();
    for (let i = 1; i <= 100_000; i++) {
      const out = mask(i);
      expect(typeof out).toBe('number');
      seen.add(out as number);
    }
    expect(seen.size).toBe(100_000);
    expect(Math.min(...seen)).toBeGreaterThan(0);
    expect(Math.max(...seen)).toBeLessThan(2 ** 31);
  });

  test('keeps small integer types in range, and bigint and text-encoded int8 as they came', () => {
    const tiny = masker('pseudonym', column(integer(8)));
    const outs = new Set(values(128, (i) => String(tiny(i))));
    expect(outs.size).toBe(128);
    for (const o of outs) expect(Number(o)).toBeLessThanOrEqual(127);
    expect(Number(tiny(-128))).toBeGreaterThanOrEqual(-128);
    const big = masker('pseudonym', column(integer(64)));
    expect(typeof big(9_000_000_000_000_000_000n)).toBe('bigint');
    expect(big('123')).toMatch(/^\d+$/);
    // The same key gives the same pseudonym whichever way the driver spelt it.
    expect(big('123')).toBe(String(big(123)));
    expect(big(123n)).toBe(BigInt(big(123) as number));
  });

  test('matches across integer widths, so a key and its reference agree across tables and engines', () => {
    expect(masker('pseudonym', column(integer(32)))(1234)).toBe(masker('pseudonym', column(integer(64)))(1234));
  });

  test('maps 100k distinct texts injectively, within the column length', () => {
    const mask = masker('pseudonym', column(text(8), { unique: true }));
    const outs = new Set(values(100_000, (i) => mask(`K${i}`) as string));
    expect(outs.size).toBe(100_000);
    for (const o of outs) expect(o.length).toBeLessThanOrEqual(8);
  });

  test('keeps uuids and binary values of the same shape', () => {
    const uuid = masker('pseudonym', column({ kind: 'uuid', native: 'uuid' }))('123e4567-e89b-12d3-a456-426614174000') as string;
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const bytes = masker('pseudonym', column({ kind: 'binary', native: 'bytea' }))(Buffer.from([1, 2, 3, 4, 5]));
    expect(Buffer.isBuffer(bytes) && bytes.length).toBe(5);
  });
});

describe('email', () => {
  test('maps 100k distinct addresses to 100k distinct addresses at example.com', () => {
    const mask = masker('email', column(text(255), { unique: true }));
    const outs = new Set(values(100_000, (i) => mask(`user${i}@corp.com`) as string));
    expect(outs.size).toBe(100_000);
    for (const o of outs) expect(o).toMatch(/^[a-z2-7]{26}@example\.com$/);
  });

  test('fits a short column, keeps the domain when asked, and refuses a unique column too short for a safe token', () => {
    expect((masker('email', column(text(20)))('someone@corp.com') as string).length).toBeLessThanOrEqual(20);
    expect(masker('email', column(text(100)), { keepDomain: true })('a@corp.com')).toMatch(/@corp\.com$/);
    expect(thrown(() => masker('email', column(text(20), { unique: true }))).code).toBe('REDB_POLICY_INVALID');
  });
});

describe('text shapes', () => {
  test('credit-card keeps length, separators and issuer digits and is Luhn-valid', () => {
    const mask = masker('credit-card', column(text(19)), { keep: 1 });
    for (const card of ['4111 1111 1111 1111', '5500-0000-0000-0004', '340000000000009']) {
      const out = mask(card) as string;
      expect(out.length).toBe(card.length);
      expect(out.replace(/\d/g, '0')).toBe(card.replace(/\d/g, '0'));
      expect(out[0]).toBe(card[0]);
      expect(luhn(card)).toBe(true);
      expect(luhn(out)).toBe(true);
      expect(out).not.toBe(card);
    }
  });

  test('keep-format keeps length and each character class, and stays injective', () => {
    const mask = masker('keep-format', column(text(20)));
    const classOf = (s: string) => s.replace(/[0-9]/g, '9').replace(/[a-z]/g, 'a').replace(/[A-Z]/g, 'A');
    const inputs = values(5000, (i) => `Ab-${i}-${String.fromCharCode(97 + (i % 26))}Z é`);
    const outs = inputs.map((v) => mask(v) as string);
    outs.forEach((o, i) => expect(classOf(o)).toBe(classOf(inputs[i] as string)));
    expect(new Set(outs).size).toBe(inputs.length);
    const long = 'x'.repeat(200) + '1234';
    expect((mask(long) as string).length).toBe(204);
  });

  test('phone keeps punctuation and the leading digits asked for', () => {
    const out = masker('phone', column(text(30)), { keep: 2 })('+55 (12) 3923-5555') as string;
    expect(out).toMatch(/^\+55 \(\d\d\) \d{4}-\d{4}$/);
    expect(out).not.toBe('+55 (12) 3923-5555');
  });

  test('hash gives hex within the column length', () => {
    expect(masker('hash', column(text(12)))('alice')).toMatch(/^[0-9a-f]{12}$/);
    expect(masker('hash', column(text()), { length: 16 })('alice')).toMatch(/^[0-9a-f]{16}$/);
  });

  test('name stays within the column length', () => {
    expect((masker('name', column(text(5)))('Alice Smith') as string).length).toBeLessThanOrEqual(5);
    expect(masker('name', column(text(40)), { part: 'first' })('Alice')).toMatch(/^[A-Z][a-z]+$/);
  });

  test('redact keeps length and the characters asked for', () => {
    expect(masker('redact', column(text()), { keepFirst: 1, keepLast: 2 })('secret')).toBe('s***et');
  });
});

describe('null, constant', () => {
  test('null empties a nullable column and is a policy error on a NOT NULL one', () => {
    expect(masker('null', column(text()))('x')).toBeNull();
    const e = thrown(() => masker('null', column(text(), { nullable: false })));
    expect(e.code).toBe('REDB_POLICY_INVALID');
    expect(e.message).toMatch(/NOT NULL/);
  });

  test('constant comes back in the JS type of the value it replaces, and must fit the column', () => {
    expect(masker('constant', column(integer(64)), { value: 7 })(5n)).toBe(7n);
    expect(masker('constant', column(text(10)), { value: 'n/a' })('secret')).toBe('n/a');
    expect(thrown(() => masker('constant', column(text(2)), { value: 'n/a' })).code).toBe('REDB_POLICY_INVALID');
    expect(thrown(() => masker('constant', column(integer(8)), { value: 1000 })).code).toBe('REDB_POLICY_INVALID');
  });
});

describe('noise', () => {
  test('stays within the percent, the decimal scale and precision', () => {
    const mask = masker('noise', column(decimal(6, 2)), { percent: 10 });
    let moved = 0;
    for (let i = 1; i < 2000; i++) {
      const value = (i * 4.99).toFixed(2);
      const out = mask(value) as string;
      expect(out).toMatch(/^-?\d+\.\d{2}$/);
      expect(Math.abs(Number(out) - Number(value))).toBeLessThanOrEqual(Number(value) * 0.1 + 1e-9);
      expect(Math.abs(Number(out))).toBeLessThanOrEqual(9999.99);
      if (out !== value) moved++;
    }
    expect(moved).toBeGreaterThan(1900);
    expect(mask('9999.99')).not.toBe('10999.99');
    expect(Number(mask('9999.99'))).toBeLessThanOrEqual(9999.99);
  });

  test('keeps integers integral and inside their type, as number, bigint or text', () => {
    const small = masker('noise', column(integer(8)), { percent: 50 });
    for (let i = 100; i <= 127; i++) {
      const out = small(i) as number;
      expect(Number.isInteger(out)).toBe(true);
      expect(out).toBeLessThanOrEqual(127);
      expect(Math.abs(out - i)).toBeLessThanOrEqual(i * 0.5);
    }
    const big = masker('noise', column(integer(64)));
    expect(typeof big(10_000n)).toBe('bigint');
    expect(big('10000')).toMatch(/^\d+$/);
  });

  test('floats move within the percent', () => {
    const out = masker('noise', column({ kind: 'float', native: 'double', bits: 64 }), { percent: 5 })(200.5) as number;
    expect(Math.abs(out - 200.5)).toBeLessThanOrEqual(200.5 * 0.05);
  });
});

describe('shift-date', () => {
  test('moves Dates and date text by a non-zero number of days within the bound, keeping the time as written', () => {
    const mask = masker('shift-date', column({ kind: 'timestamp', native: 'datetime', tz: false }), { days: 10 });
    for (let i = 0; i < 200; i++) {
      const d = new Date(Date.UTC(2000, 0, 1 + i, 13, 45, 0));
      const out = mask(d) as Date;
      expect(out).toBeInstanceOf(Date);
      const days = Math.abs(out.getTime() - d.getTime()) / 86_400_000;
      expect(days).toBeGreaterThanOrEqual(1);
      expect(days).toBeLessThanOrEqual(10);
      expect(Number.isInteger(days)).toBe(true);
    }
    expect(mask('1962-02-18 00:00:00')).toMatch(/^\d{4}-\d{2}-\d{2} 00:00:00$/);
  });

  test('does not apply to text columns', () => {
    expect(thrown(() => masker('shift-date', column(text()))).message).toMatch(/date and timestamp/);
  });
});

test('NULL stays NULL under every transform', () => {
  expect(masker('email', column(text()))(null)).toBeNull();
  expect(masker('pseudonym', column(integer(32)))(null)).toBeNull();
});

test('transforms that can merge values refuse a unique column', () => {
  for (const transform of ['name', 'redact', 'noise']) {
    const col = column(transform === 'noise' ? integer(32) : text(50), { unique: true });
    expect(thrown(() => masker(transform, col)).message).toMatch(/unique/);
  }
});
