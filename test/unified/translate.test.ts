import { describe, expect, it } from 'vitest';
import { normalizeSchema, translateSchema, type SchemaInput } from '../../src/unified/index.js';

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
  const { schema, losses } = translateSchema(normalizeSchema(pg), 'mysql');
  const events = schema.tables[0];
  const col = (name: string) => events?.columns.find((c) => c.name === name);
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
    expect(lossOf('column public.events.code')).toEqual(['default expression is engine-specific']);
  });

  it('leaves out what the target cannot hold, and lists each omission', () => {
    expect(events?.schema).toBeUndefined();
    expect(events?.indexes).toEqual([]);
    expect(events?.policies).toEqual([]);
    expect(lossOf('index public.events.events_body')).toEqual(['gin indexes are specific to postgres']);
    expect(lossOf('index public.events.events_recent')).toEqual(['MySQL has no partial indexes']);
    expect(lossOf('table public.events')).toEqual(['row-level security is specific to PostgreSQL']);
    expect(lossOf('trigger public.audit')).toEqual(['trigger bodies are engine-specific']);
    expect(schema.triggers).toEqual([]);
  });

  it('changes nothing within one engine', () => {
    const same = translateSchema(normalizeSchema(pg), 'postgres');
    expect(same.losses).toEqual([]);
    expect(same.schema).toEqual(normalizeSchema(pg));
  });

  it('treats widening into PostgreSQL as lossless', () => {
    const sqlite = normalizeSchema({
      version: 1,
      engine: 'sqlite',
      tables: [{ name: 't', columns: [{ name: 'a', type: { kind: 'text', native: 'NVARCHAR(40)', length: 40 }, nullable: true }] }],
    });
    const out = translateSchema(sqlite, 'postgres');
    expect(out.losses).toEqual([]);
    expect(out.schema.tables[0]).toMatchObject({ schema: 'public', columns: [{ type: { native: 'character varying(40)' } }] });
  });
});
