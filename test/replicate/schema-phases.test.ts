import { describe, expect, it } from 'vitest';
import { translateTables } from '../../src/replicate/schema-phases.js';
import { emptySchema, type Schema, type Table } from '../../src/unified/index.js';

/** The schema a copy of some tables creates: what belongs to tables left out stays out. */

const table = (name: string): Table =>
  ({
    schema: 'public',
    name,
    columns: [{ name: 'id', type: { kind: 'integer', native: 'integer', bits: 32 }, nullable: false }],
    primaryKey: { columns: ['id'] },
    uniques: [],
    foreignKeys: [],
    checks: [],
    indexes: [],
  }) as unknown as Table;

describe('translateTables', () => {
  it('leaves out a sequence owned by a table that is not copied, and keeps the others', () => {
    const kept = table('kept');
    const source: Schema = {
      ...emptySchema('postgres'),
      tables: [kept, table('left')],
      sequences: [
        { schema: 'public', name: 'left_id_seq', ownedBy: { schema: 'public', table: 'left', column: 'id' } },
        { schema: 'public', name: 'kept_id_seq', ownedBy: { schema: 'public', table: 'kept', column: 'id' } },
        { schema: 'public', name: 'free_seq' },
      ],
    } as Schema;
    const { schema } = translateTables(source, [kept], 'postgres', false, 'target');
    expect(schema.sequences.map((s) => s.name).sort()).toEqual(['free_seq', 'kept_id_seq']);
  });
});
