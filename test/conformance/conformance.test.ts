import { describe, expect, it } from 'vitest';
import { CONFORMANCE_ENGINES } from './engines.js';
import { roundTrip } from './round-trip.js';

describe.each(CONFORMANCE_ENGINES.map((e) => [e.test.engine, e] as const))('conformance: %s', (_name, { test, cases }) => {
  it.each(Object.entries(cases))('round trip is exact: %s', async (_case, sql) => {
    const { source, copy, schema } = await roundTrip(test, sql);
    // Every case creates something: an empty model would make the comparison vacuous.
    expect(schema.tables.length + schema.views.length + schema.natives.length + schema.enums.length + schema.sequences.length).toBeGreaterThan(0);
    expect(copy).toBe(source);
  });
});
