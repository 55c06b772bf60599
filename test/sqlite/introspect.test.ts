import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { introspectSqlite } from '../../src/adapters/sqlite/introspect.js';
import { compileSqlite } from '../../src/adapters/sqlite/compile.js';
import { diffSchemas, emptySchema } from '../../src/unified/index.js';

const schemaOf = (sql: string) => {
  const db = new Sqlite(':memory:');
  db.exec(sql);
  const schema = introspectSqlite(db);
  db.close();
  return schema;
};

describe('SQLite introspection keeps what the CREATE text says', () => {
  it('keeps descending primary key parts', () => {
    const schema = schemaOf('CREATE TABLE e (a INTEGER, b TEXT, PRIMARY KEY (a DESC, b))');
    expect(schema.tables[0]?.primaryKey).toEqual({ columns: ['a', 'b'], keys: [{ column: 'a', desc: true }, { column: 'b' }] });
    const plan = compileSqlite({ operations: diffSchemas(emptySchema('sqlite'), schema), from: emptySchema('sqlite'), to: schema });
    expect(plan.steps[0]?.statements[0]).toContain('PRIMARY KEY ("a" DESC, "b")');
  });

  it('lifts column constraints to the table, with their names', () => {
    const schema = schemaOf('CREATE TABLE t (a INTEGER CONSTRAINT pos CHECK (a > 0) CONSTRAINT uq UNIQUE, b TEXT REFERENCES t (a) ON DELETE CASCADE)');
    const t = schema.tables[0];
    expect(t?.checks).toEqual([{ name: 'pos', expression: 'a > 0' }]);
    expect(t?.uniques).toEqual([{ name: 'uq', columns: ['a'] }]);
    expect(t?.foreignKeys).toEqual([{ columns: ['b'], references: { table: 't', columns: ['a'] }, onDelete: 'cascade' }]);
  });

  it('keeps virtual tables as native objects, and leaves their shadow tables out', () => {
    const schema = schemaOf('CREATE VIRTUAL TABLE docs USING fts5(title, body)');
    expect(schema.tables).toEqual([]);
    expect(schema.natives).toEqual([
      expect.objectContaining({ type: 'virtual table', name: 'docs', definition: 'CREATE VIRTUAL TABLE docs USING fts5(title, body)' }),
    ]);
  });
});
