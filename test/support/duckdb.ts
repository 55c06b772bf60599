import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { DuckDBInstance } from '@duckdb/node-api';
import { factsOf, loadAdapter } from '../../src/adapters/registry.js';
import { topologicalOrder } from '../../src/adapters/topological-order.js';
import { diffSchemas, translateSchema } from '../../src/unified/index.js';
import { tempDir, type ScratchDb, type TestEngine } from './scratch.js';

/** Open a DuckDB file, run `work` on a connection, and close it again (so other processes can open the file). */
export async function withDuckdb<T>(file: string, work: (run: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    return await work(async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Rows of one query on a DuckDB file, values as JSON (big integers as strings). */
export const duckdbRows = (file: string, sql: string): Promise<Record<string, unknown>[]> => withDuckdb(file, (run) => run(sql));

/** Every scratch database is a fresh DuckDB file in its own temporary directory. */
export const duckdbEngine: TestEngine = {
  engine: 'duckdb',
  async create(): Promise<ScratchDb> {
    const dir = tempDir('redb-duckdb-');
    const file = join(dir.path, 'db.duckdb');
    await withDuckdb(file, async () => undefined);
    return {
      url: `duckdb:${file}`,
      exec: (sql) => withDuckdb(file, async (run) => void (await run(sql))),
      drop: async () => dir.cleanup(),
    };
  },
};

/**
 * Chinook in DuckDB, made the way a user would get it: the SQLite model translated by redb itself,
 * applied through the DuckDB adapter, and the rows copied with DuckDB's appender.
 */
export async function loadChinook(sqliteFile: string, duckdbFile: string): Promise<void> {
  const sqlite = await loadAdapter('sqlite');
  const duckdb = await loadAdapter('duckdb');
  const source = await sqlite.connect({ name: 'chinook', url: `sqlite:${sqliteFile}`, cwd: process.cwd() });
  const model = translateSchema(await source.introspect(), factsOf('duckdb')).schema;
  await source.close();
  await withDuckdb(duckdbFile, async () => undefined);
  const target = await duckdb.connect({ name: 'chinook', url: `duckdb:${duckdbFile}`, cwd: process.cwd() });
  try {
    const empty = await target.introspect();
    await target.apply(duckdb.dialect.compile({ operations: diffSchemas(empty, model), from: empty, to: model }));
  } finally {
    await target.close();
  }
  const db = new Sqlite(sqliteFile, { readonly: true });
  const instance = await DuckDBInstance.create(duckdbFile);
  const connection = await instance.connect();
  try {
    // Parents first: the appender checks foreign keys as it goes.
    const byName = new Map(model.tables.map((t) => [t.name, t]));
    const ordered = topologicalOrder(model.tables, (t) => t.foreignKeys.flatMap((f) => byName.get(f.references.table) ?? []));
    for (const table of ordered) {
      const appender = await connection.createAppender(table.name);
      const selfReferencing = table.foreignKeys.some((f) => f.references.table === table.name);
      for (const row of db.prepare(`SELECT * FROM "${table.name}"`).raw().all() as unknown[][]) {
        row.forEach((value, i) => {
          const kind = table.columns[i]?.type.kind;
          if (value === null) appender.appendNull();
          else if (kind === 'integer') appender.appendBigInt(BigInt(value as number));
          else if (typeof value === 'number') appender.appendDouble(value);
          else appender.appendVarchar(String(value));
        });
        appender.endRow();
        // A row may reference one appended before it (Employee.ReportsTo): it must be in the table first.
        if (selfReferencing) appender.flushSync();
      }
      appender.closeSync();
    }
  } finally {
    db.close();
    connection.closeSync();
    instance.closeSync();
  }
}
