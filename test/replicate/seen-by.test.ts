import { describe, expect, it } from 'vitest';
import { seenBy } from '../../src/adapters/postgres/later-snapshot.js';

/** Which transactions of a stream a later snapshot saw: those it shows committed are not applied again to what it copied. */
describe('seenBy: a PostgreSQL snapshot and a stream transaction', () => {
  it('sees what ended before its xmin, and what ended before its xmax unless it was running', () => {
    const snapshot = '1000:1010:1003,1007';
    expect(seenBy(snapshot, '999')).toBe(true);
    expect(seenBy(snapshot, '1000')).toBe(true);
    expect(seenBy(snapshot, '1003')).toBe(false);
    expect(seenBy(snapshot, '1005')).toBe(true);
    expect(seenBy(snapshot, '1007')).toBe(false);
    expect(seenBy(snapshot, '1010')).toBe(false);
    expect(seenBy(snapshot, '2000')).toBe(false);
  });

  it('compares a 32-bit transaction id with 64-bit snapshot ids across an epoch', () => {
    // Epoch 1: 64-bit ids past 2^32; the stream's xids wrap to small numbers.
    const base = 2n ** 32n;
    const snapshot = `${base + 10n}:${base + 20n}:${base + 15n}`;
    expect(seenBy(snapshot, '5')).toBe(true);
    expect(seenBy(snapshot, '15')).toBe(false);
    expect(seenBy(snapshot, '17')).toBe(true);
    expect(seenBy(snapshot, '25')).toBe(false);
    // Just before the wrap, seen from just after it: older.
    expect(seenBy(`${base + 3n}:${base + 3n}:`, String(2n ** 32n - 5n))).toBe(true);
  });

  it('sees nothing of a transaction without an id', () => {
    expect(seenBy('1000:1010:', 'x')).toBe(false);
  });
});
