import { beforeAll, describe, expect, it } from 'vitest';
import { loadExpressionTranslator } from '../../src/adapters/expressions/index.js';
import { normalizeSchema, translateSchema, type Schema, type SchemaInput, type Translation } from '../../src/unified/index.js';
import { factsOf } from '../../src/adapters/registry.js';

const pg: SchemaInput = {
  version: 1,
  engine: 'postgres',
  enums: [{ schema: 'public', name: 'mood', values: ['sad', 'ok', 'happy'] }],
  tables: [
    {
      schema: 'public',
      name: 'events',
      columns: [
        { name: 'id', type: { kind: 'integer', native: 'bigint', bits: 64 }, nullable: false, identity: { always: true } },
        { name: 'at', type: { kind: 'timestamp', native: 'timestamp with time zone', tz: true }, nullable: false, default: 'now()' },
        { name: 'mood', type: { kind: 'enum', native: 'mood', ref: 'public.mood' }, nullable: true },
        { name: 'tags', type: { kind: 'array', native: 'text[]', of: { kind: 'text', native: 'text' } }, nullable: true },
        { name: 'body', type: { kind: 'json', native: 'jsonb', binary: true }, nullable: true, default: "'{}'::jsonb" },
        { name: 'code', type: { kind: 'text', native: 'character varying(12)', length: 12 }, nullable: true, default: 'gen_code()' },
      ],
      primaryKey: { columns: ['id'] },
      indexes: [
        { name: 'events_body', unique: false, method: 'gin', keys: [{ column: 'body' }] },
        { name: 'events_recent', unique: false, keys: [{ column: 'at' }], where: "at > '2020-01-01'" },
      ],
      policies: [{ name: 'own', permissive: true, command: 'select', roles: ['app'], using: 'true' }],
    },
  ],
  triggers: [{ schema: 'public', table: 'events', name: 'audit', definition: 'CREATE TRIGGER audit ...' }],
};

describe('cross-engine translation', () => {
  let schema: Schema;
  let losses: Translation['losses'];
  beforeAll(async () => {
    ({ schema, losses } = translateSchema(normalizeSchema(pg), factsOf('mysql'), { expressions: await loadExpressionTranslator('postgres', 'mysql') }));
  });
  const events = () => schema.tables[0];
  const col = (name: string) => events()?.columns.find((c) => c.name === name);
  const lossOf = (object: string) => losses.filter((l) => l.object === object).map((l) => l.reason);

  it('spells types the target way and says what is lost', () => {
    expect(col('at')?.type).toEqual({ kind: 'timestamp', native: 'datetime(6)', tz: false, precision: 6 });
    expect(lossOf('column public.events.at')).toEqual(['time zone dropped: values are stored as UTC wall time']);
    expect(col('mood')?.type).toEqual({ kind: 'enum', native: "enum('sad','ok','happy')", values: ['sad', 'ok', 'happy'] });
    expect(col('tags')?.type.kind).toBe('json');
    expect(lossOf('column public.events.tags')).toEqual(['text[] becomes a JSON array']);
  });

  it('maps identity to auto-increment and portable defaults to the target spelling', () => {
    expect(col('id')).toMatchObject({ autoIncrement: true });
    expect(col('id')?.identity).toBeUndefined();
    expect(col('at')?.default).toBe('current_timestamp()');
    expect(col('body')?.default).toBe("'{}'");
    expect(col('code')?.default).toBeUndefined();
    expect(lossOf('column public.events.code')).toEqual(["PostgreSQL's gen_code() has no equivalent redb knows"]);
  });

  it('leaves out what the target cannot hold, and lists each omission', () => {
    expect(events()?.schema).toBeUndefined();
    expect(events()?.indexes).toEqual([]);
    expect(events()?.policies).toEqual([]);
    expect(lossOf('index public.events.events_body')).toEqual(['gin indexes are specific to postgres']);
    expect(lossOf('index public.events.events_recent')).toEqual(['MySQL has no partial indexes']);
    expect(lossOf('table public.events')).toEqual(['row-level security is specific to PostgreSQL']);
    expect(lossOf('trigger public.audit')).toEqual(['trigger bodies are engine-specific']);
    expect(schema.triggers).toEqual([]);
  });

  it('changes nothing within one engine', () => {
    const same = translateSchema(normalizeSchema(pg), factsOf('postgres'));
    expect(same.losses).toEqual([]);
    expect(same.schema).toEqual(normalizeSchema(pg));
  });

  it('treats widening into PostgreSQL as lossless', () => {
    const sqlite = normalizeSchema({
      version: 1,
      engine: 'sqlite',
      tables: [{ name: 't', columns: [{ name: 'a', type: { kind: 'text', native: 'NVARCHAR(40)', length: 40 }, nullable: true }] }],
    });
    const out = translateSchema(sqlite, factsOf('postgres'));
    expect(out.losses).toEqual([]);
    expect(out.schema.tables[0]).toMatchObject({ schema: 'public', columns: [{ type: { native: 'character varying(40)' } }] });
  });
});

describe('expressions in a translated schema', () => {
  const int = { kind: 'integer', native: 'integer', bits: 32 } as const;
  const num = { kind: 'decimal', native: 'numeric(5,2)', precision: 5, scale: 2 } as const;
  const text = { kind: 'text', native: 'text' } as const;
  const source = normalizeSchema({
    version: 1,
    engine: 'postgres',
    tables: [
      {
        schema: 'public',
        name: 'items',
        columns: [
          { name: 'id', type: int, nullable: false },
          { name: 'qty', type: int, nullable: false, default: '1' },
          { name: 'price', type: num, nullable: false },
          { name: 'name', type: text, nullable: false, default: "'it''s'::text" },
          { name: 'half', type: int, nullable: true, generated: { expression: '(qty / 2)', stored: true } },
          { name: 'share', type: num, nullable: true, generated: { expression: '(price / (qty)::numeric)', stored: true } },
        ],
        primaryKey: { columns: ['id'] },
        checks: [
          { name: 'qty_even', expression: '(qty % 2) = 0 OR qty = 1' },
          { name: 'cheap', expression: '(price / 2::numeric) < 100::numeric' },
        ],
        indexes: [
          { name: 'items_big', unique: false, keys: [{ column: 'qty' }], where: 'qty > 10' },
          { name: 'items_lower', unique: false, keys: [{ expression: 'lower(name)' }] },
        ],
      },
    ],
    views: [
      { schema: 'public', name: 'named', definition: "SELECT i.id, i.name || '!'::text AS shout FROM public.items i WHERE i.qty > 1" },
      { schema: 'public', name: 'ordered', definition: 'SELECT i.id FROM public.items i ORDER BY i.id' },
    ],
  });
  const to = async (engine: 'mysql' | 'sqlite' | 'duckdb') =>
    translateSchema(source, factsOf(engine), { expressions: await loadExpressionTranslator('postgres', engine) });

  it('writes checks, defaults, generated columns, predicates and views in the target SQL, and lists what it cannot', async () => {
    const { schema, losses } = await to('mysql');
    const items = schema.tables[0];
    expect(items?.checks).toEqual([{ name: 'qty_even', expression: '((`qty` % 2) = 0) OR (`qty` = 1)' }]);
    expect(items?.columns.find((c) => c.name === 'name')?.default).toBe("'it''s'");
    expect(items?.columns.find((c) => c.name === 'half')?.generated).toEqual({ expression: '`qty` DIV 2', stored: true });
    // Not translatable: a plain column, its values copied.
    expect(items?.columns.find((c) => c.name === 'share')?.generated).toBeUndefined();
    expect(items?.indexes.map((i) => [i.name, i.keys])).toEqual([['items_lower', [{ column: undefined, expression: 'LOWER(`name`)', desc: undefined }]]]);
    expect(schema.views.map((v) => [v.name, v.definition])).toEqual([
      ['named', "SELECT `i`.`id` AS `id`, CONCAT(`i`.`name`, '!') AS `shout` FROM `items` AS `i` WHERE `i`.`qty` > 1"],
    ]);
    expect(losses.map((l) => [l.object, l.to, l.reason])).toEqual(
      expect.arrayContaining([
        ['check public.items.cheap', '(not created)', 'division of decimals rounds differently on each engine'],
        // An integer made numeric is a decimal now (`price / qty::numeric`): what is lost is how decimals divide.
        ['column public.items.share', '(a plain column)', 'division of decimals rounds differently on each engine'],
        ['index public.items.items_big', '(not created)', 'MySQL has no partial indexes'],
        ['view public.ordered', '(not created)', 'ORDER BY in a view'],
      ]),
    );
  });

  it('keeps partial indexes where the target has them, and generates DuckDB columns virtually', async () => {
    expect((await to('sqlite')).schema.tables[0]?.indexes.find((i) => i.name === 'items_big')?.where).toBe('"qty" > 10');
    const duck = await to('duckdb');
    expect(duck.losses.map((l) => l.object)).toContain('index public.items.items_big');
    expect(duck.schema.tables[0]?.columns.find((c) => c.name === 'half')?.generated).toEqual({ expression: '"qty" // 2', stored: false });
  });

  it('carries only constants when no reader is given, and lists every other expression', () => {
    const { schema, losses } = translateSchema(source, factsOf('sqlite'));
    expect(schema.tables[0]?.checks).toEqual([]);
    expect(schema.tables[0]?.columns.find((c) => c.name === 'qty')?.default).toBe('1');
    expect(schema.views).toEqual([]);
    expect(losses.filter((l) => l.reason.includes('without a reader')).map((l) => l.object)).toEqual(
      expect.arrayContaining(['check public.items.qty_even', 'column public.items.name', 'view public.named']),
    );
  });
});
