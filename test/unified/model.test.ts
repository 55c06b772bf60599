import { describe, expect, it } from 'vitest';
import { factsOf } from '../../src/adapters/registry.js';
import { RedbError } from '../../src/errors.js';
import {
  canonicalText,
  describeOperation,
  diffSchemas,
  hazardsOf,
  isWidening,
  normalizeSchema,
  schemaFromFiles,
  schemaToFiles,
  typeContradiction,
  type Column,
  type SchemaInput,
} from '../../src/unified/index.js';

const int = { kind: 'integer', native: 'INTEGER', bits: 64 } as const;
const text = (n?: number) => ({ kind: 'text', native: n === undefined ? 'TEXT' : `VARCHAR(${n})`, ...(n === undefined ? {} : { length: n }) }) as const;
const col = (name: string, type: Column['type'] = int, nullable = true): Column => ({ name, type, nullable });

const base: SchemaInput = {
  version: 1,
  engine: 'sqlite',
  tables: [
    { name: 'b', columns: [col('id', int, false), col('name', text(28))], primaryKey: { columns: ['id'] } },
    {
      name: 'a',
      columns: [col('id', int, false)],
      indexes: [
        { name: 'z', unique: false, keys: [{ column: 'id' }] },
        { name: 'y', unique: true, keys: [{ column: 'id', desc: false }] },
      ],
    },
  ],
};

describe('canonical form', () => {
  it('is the same bytes however the input was ordered or spelled', () => {
    const shuffled: SchemaInput = { ...base, tables: [...(base.tables ?? [])].reverse() };
    expect(canonicalText(normalizeSchema(shuffled))).toBe(canonicalText(normalizeSchema(base)));
    const a = normalizeSchema(base).tables.find((t) => t.name === 'a');
    expect(a?.indexes.map((i) => i.name)).toEqual(['y', 'z']);
    // `desc: false` means the same as leaving it out.
    expect(schemaToFiles(normalizeSchema(base)).get('tables/a.yaml')).not.toContain('desc');
  });

  it('round-trips through files', () => {
    const schema = normalizeSchema(base);
    expect(canonicalText(schemaFromFiles(schemaToFiles(schema)))).toBe(canonicalText(schema));
  });

  it('keeps odd names readable and unambiguous in file names', () => {
    const files = schemaToFiles(
      normalizeSchema({ version: 1, engine: 'postgres', tables: [{ schema: 'sales', name: 'Order Items/2024', columns: [col('x')] }] }),
    );
    expect([...files.keys()]).toContain('tables/sales.Order%20Items%2F2024.yaml');
  });

  it('reports the file and field of an invalid object', () => {
    const files = schemaToFiles(normalizeSchema(base));
    files.set('tables/a.yaml', (files.get('tables/a.yaml') as string).replace('unique: true', 'unique: "yes"'));
    try {
      schemaFromFiles(files, 'schema/');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RedbError);
      expect((e as RedbError).data).toMatchObject({ file: 'schema/tables/a.yaml', field: 'indexes.0.unique' });
    }
  });
});

describe('diff', () => {
  it('finds nothing between a schema and itself', () => {
    expect(diffSchemas(normalizeSchema(base), normalizeSchema(base))).toEqual([]);
  });

  it('yields entity-level operations: tables, columns, keys, indexes', () => {
    const to = normalizeSchema({
      ...base,
      tables: [
        {
          name: 'b',
          columns: [col('id', int, false), col('name', text(30), false), col('email', text())],
          primaryKey: { columns: ['id'] },
          uniques: [{ columns: ['email'] }],
        },
        { name: 'c', columns: [col('id')] },
      ],
    });
    const ops = diffSchemas(normalizeSchema(base), to);
    expect(ops.map((o) => o.op)).toEqual(['drop_object', 'alter_column', 'add_column', 'add_constraint', 'create_object']);
    expect(ops.map((o) => describeOperation(o)).map((l) => `${l.sign} ${l.kind} ${l.id}`)).toEqual([
      '- table a',
      '~ column b.name',
      '+ column b.email',
      '+ unique b',
      '+ table c',
    ]);
    expect(describeOperation(ops[1] as (typeof ops)[number]).detail).toBe('type VARCHAR(28) → VARCHAR(30), set NOT NULL');
  });
});

describe('hazards', () => {
  it('treats widening as safe and narrowing as data-dependent', () => {
    expect(isWidening(text(28), text(30))).toBe(true);
    expect(isWidening(text(30), text(28))).toBe(false);
    expect(isWidening({ kind: 'integer', native: 'int', bits: 32 }, { kind: 'integer', native: 'bigint', bits: 64 })).toBe(true);
    expect(
      isWidening({ kind: 'decimal', native: 'numeric(10,2)', precision: 10, scale: 2 }, { kind: 'decimal', native: 'numeric(12,2)', precision: 12, scale: 2 }),
    ).toBe(true);
    expect(
      isWidening({ kind: 'decimal', native: 'numeric(10,2)', precision: 10, scale: 2 }, { kind: 'decimal', native: 'numeric(10,4)', precision: 10, scale: 4 }),
    ).toBe(false);
    const widen = hazardsOf({ op: 'alter_column', table: { name: 'b' }, from: col('name', text(28)), to: col('name', text(30)) });
    expect(widen).toEqual([]);
    const narrow = hazardsOf({ op: 'alter_column', table: { name: 'b' }, from: col('name', text(30)), to: col('name', text(28)) });
    expect(narrow.map((h) => h.name)).toEqual(['data-dependent']);
  });

  it('marks drops as destroying data', () => {
    const drop = hazardsOf({ op: 'drop_column', table: { name: 'b' }, column: col('name') });
    expect(drop.map((h) => h.name)).toEqual(['drops-data', 'breaks-compatibility']);
  });
});

describe('model versions', () => {
  it('refuses a tree written by a newer redb, saying so', () => {
    const files = schemaToFiles(normalizeSchema(base));
    files.set('redb.yaml', 'version: 2\nengine: sqlite\n');
    try {
      schemaFromFiles(files, 'schema/');
      expect.unreachable();
    } catch (e) {
      expect((e as RedbError).code).toBe('REDB_INVALID_SCHEMA_FILE');
      expect((e as RedbError).message).toContain('written by a newer redb');
    }
  });
});

describe('structural equality', () => {
  it('ignores key order and undefined keys, and sees every other difference', async () => {
    const { deepEqual } = await import('../../src/unified/index.js');
    expect(deepEqual({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toBe(true);
    expect(deepEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: false })).toBe(false);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual({ a: [] }, { a: {} })).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
  });
});

describe('column types whose fields contradict their native spelling', () => {
  it('agree when the numbers match or cannot be compared', () => {
    expect(typeContradiction({ kind: 'text', native: 'character varying(24)', length: 24 })).toBeUndefined();
    expect(typeContradiction({ kind: 'text', native: 'text', length: 65535 })).toBeUndefined();
    expect(typeContradiction({ kind: 'decimal', native: 'numeric(12,2)', precision: 12, scale: 2 })).toBeUndefined();
    expect(typeContradiction({ kind: 'decimal', native: 'numeric(5)', precision: 5, scale: 0 })).toBeUndefined();
    expect(typeContradiction({ kind: 'timestamp', native: 'timestamp(3) with time zone', tz: true, precision: 3 })).toBeUndefined();
    expect(typeContradiction({ kind: 'integer', native: 'int(11)', bits: 32 })).toBeUndefined();
  });

  it('name the field that disagrees, in arrays too', () => {
    expect(typeContradiction({ kind: 'text', native: 'VARCHAR(30)', length: 28 })).toEqual({
      field: 'length',
      detail: 'native VARCHAR(30) says 30, but length says 28: change both together',
    });
    expect(typeContradiction({ kind: 'decimal', native: 'decimal(10,2)', precision: 10, scale: 3 })?.field).toBe('scale');
    expect(typeContradiction({ kind: 'timestamp', native: 'datetime(6)', tz: false, precision: 3 })?.field).toBe('precision');
    expect(typeContradiction({ kind: 'array', native: 'character varying(5)[]', of: { kind: 'text', native: 'character varying(5)', length: 9 } })?.field).toBe(
      'of.length',
    );
  });

  it('are refused when files are read as hand-edited, and kept as they are from history', () => {
    const files = schemaToFiles(
      normalizeSchema({ ...base, tables: [{ name: 'b', columns: [col('id', int, false), col('name', { kind: 'text', native: 'VARCHAR(30)', length: 28 })] }] }),
    );
    expect(schemaFromFiles(files).tables[0]?.columns[1]?.type).toMatchObject({ native: 'VARCHAR(30)', length: 28 });
    expect(() => schemaFromFiles(files, 'schema/', { edited: true, facts: factsOf })).toThrow(
      /schema\/tables\/b\.yaml: columns\.1\.type\.length: native VARCHAR\(30\) says 30, but length says 28/,
    );
  });
});
