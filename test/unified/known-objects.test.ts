import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { knownObjects, normalizeSchema, objectKeyHash, schemaToFiles, type Column, type KnownFile, type SchemaInput } from '../../src/unified/index.js';

// Objects whose files a read already has are left out of the schema; everything else is exactly what
// the plain canonical form gives, and nothing is taken as known unless its own file vouches for it.

const int = { kind: 'integer', native: 'INTEGER', bits: 64 } as const;
const col = (name: string, nullable = true): Column => ({ name, type: int, nullable });
const oid = (text: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(text)}\0`)
    .update(text)
    .digest('hex');

const input: SchemaInput = {
  version: 1,
  engine: 'sqlite',
  tables: [
    { name: 'b', columns: [col('id', false), col('n')], primaryKey: { columns: ['id'] } },
    {
      name: 'a',
      columns: [col('id', false)],
      indexes: [
        { name: 'z', unique: false, keys: [{ column: 'id' }] },
        { name: 'y', unique: true, keys: [{ column: 'id', desc: false }] },
      ],
    },
  ],
  views: [{ name: 'v', definition: 'SELECT 1' }],
};

describe('known objects', () => {
  const plain = schemaToFiles(normalizeSchema(structuredClone(input)));
  /** What a first read records: each object's key → the file it gave. */
  const record = new Map<string, KnownFile>();
  const first = knownObjects(() => undefined);
  const read = normalizeSchema(structuredClone(input), first);

  it('gives the same files as the plain canonical form when nothing is known', () => {
    expect(first.reused).toEqual([]);
    expect(schemaToFiles(read)).toEqual(plain);
    for (const [kind, list] of [
      ['table', input.tables ?? []],
      ['view', input.views ?? []],
    ] as const)
      for (const object of list) {
        const key = objectKeyHash(kind, object) as string;
        const path = `${kind}s/${(object as { name: string }).name}.yaml`;
        record.set(key, { path, oid: oid(plain.get(path) as string) });
      }
    expect(record.size).toBe(3);
  });

  it('leaves out the objects whose files are known, and only those', () => {
    const changed = structuredClone(input);
    (changed.tables?.[0] as { columns: Column[] }).columns.push(col('added'));
    const known = knownObjects((key) => record.get(key));
    const schema = normalizeSchema(changed, known);
    expect(known.reused.map((r) => r.file.path).sort()).toEqual(['tables/a.yaml', 'views/v.yaml']);
    expect(schema.tables.map((t) => t.name)).toEqual(['b']);
    expect(schema.views).toEqual([]);
    expect(schemaToFiles(schema).get('tables/b.yaml')).toContain('added');
  });

  it('does not believe a record that names another object’s file', () => {
    const known = knownObjects((key) => (record.has(key) ? { path: 'tables/b.yaml', oid: '0'.repeat(40) } : undefined));
    const schema = normalizeSchema(structuredClone(input), known);
    expect(known.reused.map((r) => r.file.path)).toEqual(['tables/b.yaml']);
    expect(schemaToFiles({ ...schema, tables: [...schema.tables, ...normalizeSchema(structuredClone(input)).tables.filter((t) => t.name === 'b')] })).toEqual(
      plain,
    );
  });

  it('never keys what its JSON would not say in full', () => {
    expect(objectKeyHash('table', { name: 'a', when: new Date(0) })).toBeUndefined();
    expect(objectKeyHash('table', { name: 'a', size: Number.NaN })).toBeUndefined();
    expect(objectKeyHash('table', { name: 'a', list: [undefined] })).toBeUndefined();
    expect(objectKeyHash('table', { name: 'a' })).not.toBe(objectKeyHash('view', { name: 'a' }));
  });
});
