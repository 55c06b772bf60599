import { z } from 'zod';
import type { DbTarget } from '../adapter.js';
import { shadowName } from '../shadow-name.js';
import { openMysql, parseMysqlUrl } from './connect.js';
import { dropStaleShadows } from './shadow.js';
import { quoteIdent } from './sql-text.js';
import { mysqlColumnType } from './types.js';
import type { Column as ModelColumn } from '../../unified/index.js';

type Driver = import('mysql2/promise').Connection;

/**
 * The shape of every table of a source database at the point of its binary log a stream has read
 * to, kept the way Debezium keeps its schema history. Without binlog_row_metadata=FULL a row event
 * holds values by position only; naming them from the catalog as it is now would put a row written
 * before an ALTER into the columns the table has after it (or stop the stream). So the stream starts
 * from the shapes stored with the job's position in its target (`state()`), and each schema change
 * it passes is replayed on a copy of the tables in a scratch database on the same server: the
 * server's own parser says what the statement did, and the copy's catalog is read back.
 *
 * Where the login cannot create a scratch database, a statement cannot be replayed, or nothing was
 * stored (a job begun by an earlier redb), the table is named from the catalog as before
 * (`unavailable` says why, for status).
 */

/** A column as the catalog describes it (COLUMN_TYPE, DATA_TYPE, ...), and whether it is in the primary key. */
const Column = z
  .object({
    name: z.string(),
    type: z.string(),
    dataType: z.string(),
    charset: z.string().nullable(),
    collation: z.string().nullable(),
    nullable: z.boolean(),
    key: z.boolean(),
  })
  .strict();
const Shape = z.object({ columns: z.array(Column), create: z.string() }).strict();
type Shape = z.infer<typeof Shape>;
const State = z.object({ version: z.literal(1), tables: z.record(z.string(), Shape) }).strict();

/** The rows zongji would read from INFORMATION_SCHEMA.COLUMNS (COLUMN_KEY besides, for the key). */
export interface ColumnSchema {
  COLUMN_NAME: string;
  COLUMN_TYPE: string;
  CHARACTER_SET_NAME: string | null;
  COLLATION_NAME: string | null;
  COLUMN_COMMENT: string;
  COLUMN_KEY: string;
  DATA_TYPE: string;
  IS_NULLABLE: string;
}

interface RawColumn {
  t: string;
  name: string;
  type: string;
  dataType: string;
  cs: string | null;
  co: string | null;
  nullable: string;
  k: string;
}

const query = async <T>(driver: Driver, sql: string, values?: unknown[]): Promise<T[]> => (await driver.query(sql, values))[0] as T[];
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Statements that make, change or remove a table's columns; anything else leaves the shapes as they are. */
const SHAPING = /^\s*(?:\/\*.*?\*\/\s*)*(?:ALTER\s+(?:ONLINE\s+|IGNORE\s+)*TABLE|CREATE\s+(?:OR\s+REPLACE\s+)?TABLE|DROP\s+TABLE|RENAME\s+TABLES?)\b/is;
const NAME = '(?:`((?:[^`]|``)+)`|([\\w$]+))';
/** The tables a shaping statement names (`db.t` of any database included): those forgotten when it cannot be replayed. */
const NAMED = new RegExp(`(?:TABLES?|EXISTS|,|\\bTO)\\s+(?:${NAME}\\s*\\.\\s*)?${NAME}`, 'gi');

/** Every base table's columns, in order, in one catalog query. */
async function readColumns(driver: Driver, database: string): Promise<Map<string, z.infer<typeof Column>[]>> {
  const rows = await query<RawColumn>(
    driver,
    `SELECT c.TABLE_NAME AS t, c.COLUMN_NAME AS name, c.COLUMN_TYPE AS type, c.DATA_TYPE AS dataType, c.CHARACTER_SET_NAME AS cs, c.COLLATION_NAME AS co,
            c.IS_NULLABLE AS nullable, c.COLUMN_KEY AS k
       FROM information_schema.COLUMNS c JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
      WHERE c.TABLE_SCHEMA = ? AND t.TABLE_TYPE = 'BASE TABLE' ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`,
    [database],
  );
  const columns = new Map<string, z.infer<typeof Column>[]>();
  for (const r of rows) {
    const list = columns.get(r.t) ?? [];
    list.push({ name: r.name, type: r.type, dataType: r.dataType, charset: r.cs, collation: r.co, nullable: r.nullable === 'YES', key: r.k === 'PRI' });
    columns.set(r.t, list);
  }
  return columns;
}

async function showCreate(driver: Driver, database: string, table: string): Promise<string> {
  const [shown] = await query<Record<string, string>>(driver, `SHOW CREATE TABLE ${quoteIdent(database)}.${quoteIdent(table)}`);
  return shown?.['Create Table'] ?? '';
}

/** Every base table's shape as the catalog has it now. */
export async function readShapes(driver: Driver, database: string): Promise<Map<string, Shape>> {
  const shapes = new Map<string, Shape>();
  for (const [table, columns] of await readColumns(driver, database)) shapes.set(table, { columns, create: await showCreate(driver, database, table) });
  return shapes;
}

/** Tables' columns as text, in name order: two reads compare equal when no ALTER came between them. */
const columnsText = (tables: Iterable<readonly [string, readonly z.infer<typeof Column>[]]>): string =>
  JSON.stringify([...tables].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Every base table's columns as the catalog has them now, as text (`SchemaHistory.columnsText` compares with it). */
export const catalogColumnsText = async (driver: Driver, database: string): Promise<string> => columnsText(await readColumns(driver, database));

const same = (a: Shape | undefined, b: Shape | undefined): boolean => JSON.stringify(a?.columns) === JSON.stringify(b?.columns);

export class SchemaHistory {
  private scratch: { driver: Driver; name: string } | undefined;
  /** Replays run one after the other, in the order of the log. */
  private chain: Promise<unknown> = Promise.resolve();
  /** Why statements are not replayed (no scratch database), once that is known. */
  unavailable: string | undefined;

  private constructor(
    private readonly target: DbTarget,
    private readonly database: string,
    private readonly tables: Map<string, Shape>,
  ) {}

  /** The shapes stored with a position, or (none stored) the catalog's now. */
  static async open(target: DbTarget, database: string, state: string | undefined, catalog: Driver): Promise<SchemaHistory> {
    const stored = state === undefined ? undefined : State.safeParse(safeJson(state));
    if (stored?.success === true) return new SchemaHistory(target, database, new Map(Object.entries(stored.data.tables)));
    return new SchemaHistory(target, database, await readShapes(catalog, database));
  }

  /** The state to store with a position this history is at. */
  state(): string {
    return JSON.stringify({ version: 1, tables: Object.fromEntries([...this.tables].sort(([a], [b]) => (a < b ? -1 : 1))) });
  }

  /** Every known table's columns, as text (see `catalogColumnsText`). */
  columnsText(): string {
    return columnsText([...this.tables].map(([name, shape]) => [name, shape.columns] as const));
  }

  /** The tables whose shapes are known here. */
  tableNames(): string[] {
    return [...this.tables.keys()];
  }

  /** A table's columns as zongji reads them from the catalog, fresh objects (it writes into them); undefined: not known here. */
  columnSchemas(table: string): ColumnSchema[] | undefined {
    return this.tables.get(table)?.columns.map((c) => ({
      COLUMN_NAME: c.name,
      COLUMN_TYPE: c.type,
      CHARACTER_SET_NAME: c.charset,
      COLLATION_NAME: c.collation,
      COLUMN_COMMENT: '',
      COLUMN_KEY: c.key ? 'PRI' : '',
      DATA_TYPE: c.dataType,
      IS_NULLABLE: c.nullable ? 'YES' : 'NO',
    }));
  }

  /** After every replay queued before (the shapes at that point of the log). */
  settled(): Promise<void> {
    return this.chain.then(() => undefined);
  }

  /**
   * A statement of the log, replayed on the copy if it shapes tables; resolves to the state after it.
   * Never rejects: a statement that cannot be replayed makes the tables it names unknown here.
   */
  replay(statement: string): Promise<string> {
    const next = this.chain.then(() => this.run(statement));
    this.chain = next;
    return next;
  }

  private async run(statement: string): Promise<string> {
    if (!SHAPING.test(statement)) return this.state();
    const scratch = await this.open();
    if (scratch === undefined) {
      await this.forget(statement);
      return this.state();
    }
    try {
      await scratch.driver.query(this.rewrite(statement, scratch.name));
      const columns = await readColumns(scratch.driver, scratch.name);
      const named = new Set(this.named(statement));
      for (const name of [...this.tables.keys()]) if (!columns.has(name)) this.tables.delete(name);
      // Read whole again (SHOW CREATE TABLE) where the statement named the table or its columns changed.
      for (const [name, list] of columns) {
        const shape = { columns: list, create: '' };
        if (named.has(name) || !same(this.tables.get(name), shape))
          this.tables.set(name, { columns: list, create: await showCreate(scratch.driver, scratch.name, name) });
      }
    } catch {
      // The server refused it here (it refers to something the copy lacks): those tables are named from the catalog.
      await this.forget(statement);
    }
    return this.state();
  }

  /** The statement as it runs in the scratch database: names qualified with the source's database point at the copy. */
  private rewrite(statement: string, scratch: string): string {
    const db = this.database;
    let sql = statement.split(`\`${db.replace(/`/g, '``')}\`.`).join(`${quoteIdent(scratch)}.`);
    sql = sql.replace(
      new RegExp(`(^|[^\\w$\`.])${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\.`, 'g'),
      (_m, pre: string) => `${pre}${quoteIdent(scratch)}.`,
    );
    return sql;
  }

  /** The tables of this database a statement names (its first word after TABLE, TO, EXISTS or a comma). */
  private named(statement: string): string[] {
    const out: string[] = [];
    for (const m of statement.matchAll(NAMED)) {
      const db = m[1]?.replace(/``/g, '`') ?? m[2];
      const table = m[3]?.replace(/``/g, '`') ?? m[4];
      if (table !== undefined && (db === undefined || db === this.database)) out.push(table);
    }
    return out;
  }

  /** The tables a statement names, unknown from here on; gone from the copy too, so that no later replay reads their old shape back. */
  private async forget(statement: string): Promise<void> {
    const named = this.named(statement);
    const scratch = this.scratch;
    if (named.length === 0) {
      this.tables.clear();
      // Nothing left to copy: the scratch database is made again, empty, at the next statement.
      this.scratch = undefined;
      if (scratch !== undefined) await this.discard(scratch);
      return;
    }
    for (const t of named) {
      this.tables.delete(t);
      await scratch?.driver.query(`DROP TABLE IF EXISTS ${quoteIdent(t)}`).catch(() => undefined);
    }
  }

  private async discard(s: { driver: Driver; name: string }): Promise<void> {
    await s.driver.query(`DROP DATABASE IF EXISTS ${quoteIdent(s.name)}`).catch(() => undefined);
    await s.driver.end().catch(() => undefined);
  }

  /** The scratch database with a copy of every known table, made on first need; undefined where the login may not. */
  private async open(): Promise<{ driver: Driver; name: string } | undefined> {
    if (this.scratch !== undefined || this.unavailable !== undefined) return this.scratch;
    const source = parseMysqlUrl(this.target.url);
    const name = shadowName(source.database);
    let driver: Driver | undefined;
    try {
      driver = await openMysql(this.target);
      await dropStaleShadows(driver);
      const [defaults] = await query<{ cs: string; co: string }>(
        driver,
        'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [source.database],
      );
      await driver.query(`CREATE DATABASE ${quoteIdent(name)}${defaults === undefined ? '' : ` CHARACTER SET ${defaults.cs} COLLATE ${defaults.co}`}`);
    } catch (e) {
      await driver?.end().catch(() => undefined);
      this.unavailable = `cannot create a scratch database on the source to follow its schema changes in: ${message(e)}`;
      return undefined;
    }
    try {
      // Kept in use for as long as the stream runs, so no other redb takes it for a leftover.
      await driver.query(`USE ${quoteIdent(name)}`);
      await driver.query('SET SESSION foreign_key_checks = 0');
      // Replicas of the source have no use for the copy (where the login may say so).
      await driver.query('SET SESSION sql_log_bin = 0').catch(() => undefined);
      for (const shape of this.tables.values()) await driver.query(shape.create);
    } catch (e) {
      await driver.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`).catch(() => undefined);
      await driver.end().catch(() => undefined);
      this.unavailable = `cannot copy the tables into a scratch database on the source: ${message(e)}`;
      return undefined;
    }
    this.scratch = { driver, name };
    return this.scratch;
  }

  async close(): Promise<void> {
    await this.chain.catch(() => undefined);
    const s = this.scratch;
    this.scratch = undefined;
    if (s !== undefined) await this.discard(s);
  }
}

/**
 * Why the login cannot keep a schema history on this server (it may not create a scratch database),
 * or undefined when it can: a database made and dropped at once.
 */
export async function scratchUnavailable(driver: Driver, database: string): Promise<string | undefined> {
  const name = shadowName(database);
  try {
    await driver.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (e) {
    return `the login cannot create a scratch database on the source (${message(e)})`;
  }
  await driver.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`).catch(() => undefined);
  return undefined;
}

/** What a source whose log does not name its columns, and whose login cannot keep a schema history, is warned of. */
export const noHistoryNote = (why: string): string =>
  `binlog_row_metadata is not FULL and ${why}: a job behind a schema change names the rows before it from the catalog as it is now, and may stop and ask for a copy; SET GLOBAL binlog_row_metadata = 'FULL', or GRANT CREATE, DROP ON *.* so that redb can replay schema changes on a scratch copy`;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A column the history knows, in the model's terms: what a follower needs of a column the catalog no longer has, or has retyped. */
export const modelColumn = (c: ColumnSchema): ModelColumn => ({
  name: c.COLUMN_NAME,
  type: mysqlColumnType(c.COLUMN_TYPE, c.DATA_TYPE),
  nullable: c.IS_NULLABLE === 'YES',
  // The table's character set and collation: the catalog's own reading leaves them out where they are the defaults.
});
