import { describe, expect, it } from 'vitest';
import { duckdbColumnType } from '../../src/adapters/duckdb/types.js';
import { mysqlColumnType } from '../../src/adapters/mysql/types.js';
import { pgColumnType, type PgTypeInfo } from '../../src/adapters/postgres/types.js';
import { sqliteColumnType } from '../../src/adapters/sqlite/types.js';
import { normalizeSchema, schemaProblems, spellType, type ColumnType, type Engine, type SchemaInput } from '../../src/unified/index.js';
import { factsOf } from '../../src/adapters/registry.js';

/** What each adapter reads back for a native spelling must pass the check: no false alarm on a real schema. */
describe('the kind a native spelling carries agrees with what each adapter reads', () => {
  const accepted = (engine: Engine, t: ColumnType) => {
    const kinds = factsOf(engine).nativeKinds(t.native);
    expect(kinds === undefined || kinds.includes(t.kind), `${engine} ${t.native} → ${t.kind}, lexicon says ${kinds?.join(',')}`).toBe(true);
  };

  it('SQLite', () => {
    for (const n of [
      'INTEGER',
      'INT',
      'BIGINT',
      'TINYINT',
      'UNSIGNED BIG INT',
      'NVARCHAR(120)',
      'VARCHAR(10)',
      'CHAR(3)',
      'TEXT',
      'CLOB',
      'BLOB',
      'REAL',
      'DOUBLE',
      'FLOAT',
      'NUMERIC(10,2)',
      'DECIMAL',
      'BOOLEAN',
      'DATE',
      'DATETIME',
      'TIME',
      'TIMESTAMPTZ',
      'JSON',
      'JSONB',
      'UUID',
      'MONEY',
      'POINT',
      '',
    ]) {
      accepted('sqlite', sqliteColumnType(n));
    }
  });

  it('MariaDB/MySQL', () => {
    for (const [n, d] of [
      ['int(11)', 'int'],
      ['int(10) unsigned zerofill', 'int'],
      ['tinyint(1)', 'tinyint'],
      ['bigint(20) unsigned', 'bigint'],
      ['year(4)', 'year'],
      ['decimal(10,2)', 'decimal'],
      ['float', 'float'],
      ['double', 'double'],
      ['varchar(255)', 'varchar'],
      ['char(36)', 'char'],
      ['longtext', 'longtext'],
      ['mediumblob', 'mediumblob'],
      ['varbinary(16)', 'varbinary'],
      ['datetime(6)', 'datetime'],
      ['timestamp', 'timestamp'],
      ['time(3)', 'time'],
      ["enum('a)','b')", 'enum'],
      ["set('x','y')", 'set'],
      ['bit(3)', 'bit'],
      ['json', 'json'],
      ['uuid', 'uuid'],
      ['inet6', 'inet6'],
      ['point', 'point'],
      ['geometry', 'geometry'],
    ] as const) {
      accepted('mysql', mysqlColumnType(n, d));
    }
  });

  it('DuckDB', () => {
    for (const n of [
      'BOOLEAN',
      'TINYINT',
      'UBIGINT',
      'INTEGER',
      'HUGEINT',
      'FLOAT',
      'DOUBLE',
      'DECIMAL(18,3)',
      'VARCHAR',
      'BLOB',
      'DATE',
      'TIME',
      'TIME WITH TIME ZONE',
      'TIMESTAMP WITH TIME ZONE',
      'TIMESTAMP_NS',
      'INTERVAL',
      'UUID',
      'JSON',
      'BIT',
      "ENUM('a', 'b')",
      'INTEGER[]',
      'VARCHAR[][]',
      'FLOAT[3]',
      'INTEGER[4]',
      'STRUCT(a INTEGER)',
      'MAP(VARCHAR, INTEGER)',
      'GEOMETRY',
    ]) {
      accepted('duckdb', duckdbColumnType(n));
    }
  });

  it('PostgreSQL', () => {
    const types = new Map<string, PgTypeInfo>();
    const builtin: [string, string][] = [
      ['int2', 'smallint'],
      ['int4', 'integer'],
      ['int8', 'bigint'],
      ['numeric', 'numeric(10,2)'],
      ['float4', 'real'],
      ['float8', 'double precision'],
      ['varchar', 'character varying(20)'],
      ['bpchar', 'character(5)'],
      ['text', 'text'],
      ['bytea', 'bytea'],
      ['bool', 'boolean'],
      ['date', 'date'],
      ['time', 'time(3) without time zone'],
      ['timetz', 'time with time zone'],
      ['timestamp', 'timestamp without time zone'],
      ['timestamptz', 'timestamp(6) with time zone'],
      ['interval', 'interval'],
      ['uuid', 'uuid'],
      ['json', 'json'],
      ['jsonb', 'jsonb'],
      ['bit', 'bit(3)'],
      ['varbit', 'bit varying(5)'],
      ['inet', 'inet'],
      ['cidr', 'cidr'],
      ['money', 'money'],
      ['xml', 'xml'],
      ['char', '"char"'],
      ['name', 'name'],
      ['point', 'point'],
      ['tsvector', 'tsvector'],
      ['int4range', 'int4range'],
    ];
    builtin.forEach(([name], i) => types.set(String(i), { name, schema: 'pg_catalog', typtype: 'b', category: 'N', elem: undefined }));
    types.set('e', { name: 'mood', schema: 'public', typtype: 'e', category: 'E', elem: undefined });
    types.set('d', { name: 'posint', schema: 'public', typtype: 'd', category: 'N', elem: undefined });
    types.set('a', { name: '_int4', schema: 'pg_catalog', typtype: 'b', category: 'A', elem: '1' });
    builtin.forEach(([, formatted], i) => accepted('postgres', pgColumnType(formatted, String(i), 0, types)));
    accepted('postgres', pgColumnType('mood', 'e', 0, types));
    accepted('postgres', pgColumnType('posint', 'd', 0, types));
    accepted('postgres', pgColumnType('integer[]', 'a', 1, types));
  });

  it('and every spelling the translator writes for another engine', () => {
    const sample: ColumnType[] = [
      { kind: 'integer', native: 'x', bits: 32 },
      { kind: 'integer', native: 'x', bits: 64, unsigned: true },
      { kind: 'decimal', native: 'x', precision: 10, scale: 2 },
      { kind: 'float', native: 'x', bits: 32 },
      { kind: 'text', native: 'x', length: 20 },
      { kind: 'text', native: 'x' },
      { kind: 'binary', native: 'x', length: 4, fixed: true },
      { kind: 'boolean', native: 'x' },
      { kind: 'date', native: 'x' },
      { kind: 'time', native: 'x', tz: true },
      { kind: 'timestamp', native: 'x', tz: true, precision: 3 },
      { kind: 'interval', native: 'x' },
      { kind: 'uuid', native: 'x' },
      { kind: 'json', native: 'x', binary: true },
      { kind: 'enum', native: 'x', values: ['a'] },
      { kind: 'set', native: 'x', values: ['a'] },
      { kind: 'array', native: 'x', of: { kind: 'integer', native: 'integer', bits: 32 } },
      { kind: 'vector', native: 'x', dims: 3 },
      { kind: 'network', native: 'x' },
      { kind: 'bit', native: 'x', length: 3, varying: true },
      { kind: 'spatial', native: 'x' },
      { kind: 'other', native: 'x' },
    ];
    for (const to of ['postgres', 'mysql', 'sqlite', 'duckdb'] as const) {
      for (const t of sample) {
        const spelled = spellType(t, factsOf(to));
        if (spelled !== undefined) accepted(to, spelled.type);
      }
    }
  });
});

const table = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  columns: [
    { name: 'id', type: { kind: 'integer', native: 'INTEGER', bits: 32 }, nullable: false },
    { name: 'label', type: { kind: 'text', native: 'VARCHAR' }, nullable: true },
  ],
  primaryKey: { columns: ['id'] },
  ...extra,
});
const problems = (engine: Engine, tables: unknown[], more: Partial<SchemaInput> = {}) =>
  schemaProblems(normalizeSchema({ version: 1, engine, tables, ...more } as SchemaInput), factsOf(engine)).map(
    (p) => `${p.level} ${(p.object as { name: string }).name} ${p.field}: ${p.detail}`,
  );

describe('a schema that cannot exist', () => {
  it('finds a kind that contradicts its native spelling', () => {
    const t = table('a');
    t.columns[1] = { name: 'label', type: { kind: 'integer', native: 'NVARCHAR(120)', bits: 32 } as never, nullable: true };
    expect(problems('sqlite', [t])).toEqual([
      'error a columns.1.type.kind: native NVARCHAR(120) is a text type on sqlite, but kind says integer: change both together',
    ]);
    expect(problems('duckdb', [t])).toEqual([]);
  });

  it('finds two columns of one name, and keys on columns that do not exist', () => {
    const t = table('a', {
      primaryKey: { columns: ['nope'] },
      uniques: [{ name: 'u', columns: ['label', 'gone'] }],
      indexes: [{ name: 'i', unique: false, keys: [{ column: 'ghost' }], include: ['phantom'] }],
      foreignKeys: [{ columns: ['absent'], references: { table: 'a', columns: ['id'] } }],
    });
    t.columns.push({ name: 'label', type: { kind: 'text', native: 'VARCHAR' }, nullable: true });
    expect(problems('duckdb', [t])).toEqual([
      "error a columns.2.name: a second column named 'label'",
      "error a primaryKey.columns.0: the primary key names column 'nope', which a does not have",
      "error a uniques.0.columns.1: unique constraint u names column 'gone', which a does not have",
      "error a foreignKeys.0.columns.0: foreign key 0 names column 'absent', which a does not have",
      "error a indexes.0.keys.0: index i names column 'ghost', which a does not have",
      "error a indexes.0.include.0: index i names column 'phantom', which a does not have",
      // With the primary key gone, the self-reference points at columns that are not a key.
      'error a foreignKeys.0.references.columns: foreign key 0 references a(id), which are not a key there: it needs a primary key or unique constraint on exactly these columns',
    ]);
  });

  it('finds foreign keys to a missing table, to missing columns and to columns that are not a key', () => {
    const child = table('b', {
      foreignKeys: [
        { name: 'to_missing', columns: ['id'], references: { table: 'gone', columns: ['id'] } },
        { name: 'to_absent_column', columns: ['id'], references: { table: 'a', columns: ['nope'] } },
        { name: 'to_non_key', columns: ['label'], references: { table: 'a', columns: ['label'] } },
        { name: 'arity', columns: ['id', 'label'], references: { table: 'a', columns: ['id'] } },
        { name: 'fine', columns: ['id'], references: { table: 'a', columns: ['id'] } },
      ],
    });
    expect(problems('duckdb', [table('a'), child])).toEqual([
      // Foreign keys are listed by name, as in their file.
      'error b foreignKeys.0.references.columns: foreign key arity has 2 column(s) but references 1',
      'error b foreignKeys.2.references.columns: foreign key to_absent_column references a(nope), which a does not have',
      'error b foreignKeys.3.references.table: foreign key to_missing references table gone, which does not exist',
      'error b foreignKeys.4.references.columns: foreign key to_non_key references a(label), which are not a key there: it needs a primary key or unique constraint on exactly these columns',
    ]);
    // SQLite creates such keys and fails at the first insert: a warning, not a refusal.
    expect(problems('sqlite', [table('a'), child]).filter((p) => p.startsWith('warning'))).toHaveLength(3);
    // InnoDB takes any index that starts with the referenced columns.
    const indexed = table('a', { indexes: [{ name: 'by_label', unique: false, keys: [{ column: 'label' }, { column: 'id' }] }] });
    expect(problems('mysql', [indexed, child]).some((p) => p.includes('to_non_key'))).toBe(false);
    expect(problems('duckdb', [indexed, child]).some((p) => p.includes('to_non_key'))).toBe(true);
  });

  it('finds triggers on missing tables and a view named like a table; a real schema has none', () => {
    expect(
      problems('sqlite', [table('a')], {
        triggers: [{ table: 'gone', name: 't1', definition: 'CREATE TRIGGER t1 ...' }],
        views: [{ name: 'a', definition: 'SELECT 1' }],
      }),
    ).toEqual(['error t1 table: trigger t1 is on gone, which does not exist', 'error a name: a table is named a too']);
    expect(problems('sqlite', [table('a'), table('b', { foreignKeys: [{ columns: ['id'], references: { table: 'a', columns: ['id'] } }] })])).toEqual([]);
  });
});
