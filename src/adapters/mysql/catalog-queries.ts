/**
 * The catalog reads of the MySQL introspector: a fixed handful of information_schema queries for the
 * whole database, never one per table. Only rare objects take one SHOW CREATE each (see
 * show-create.ts), and all sequences are read in one UNION query.
 * The row shapes are private to the introspector.
 */
import { readShowCreate, type ShownCreate } from './show-create.js';
import { quoteIdent } from './sql-text.js';

/** Runs one query with `?` parameters and returns its rows. */
export type Query = <T>(sql: string, params?: readonly unknown[]) => Promise<T[]>;

/** MariaDB and MySQL 8 differ in a few catalog columns. */
export type Flavor = 'mariadb' | 'mysql';

export interface RawTable {
  name: string;
  type: string;
  engine: string | null;
  collation: string | null;
  charset: string | null;
  createOptions: string | null;
  comment: string | null;
}
export interface RawColumn {
  tableName: string;
  name: string;
  columnDefault: string | null;
  nullable: string;
  dataType: string;
  columnType: string;
  charset: string | null;
  collation: string | null;
  extra: string;
  comment: string;
  generation: string | null;
}
export interface RawIndexColumn {
  tableName: string;
  name: string;
  nonUnique: number | string;
  columnName: string | null;
  subPart: number | string | null;
  collation: string | null;
  type: string;
  comment: string;
  ignored: string;
}
export interface RawCheck {
  tableName: string;
  name: string;
  clause: string;
  level: string;
}
export interface RawForeignKeyColumn {
  tableName: string;
  name: string;
  columnName: string;
  refSchema: string;
  refTable: string;
  refColumn: string;
  onUpdate: string;
  onDelete: string;
}
export interface RawView {
  name: string;
  definition: string;
  checkOption: string;
  security: string;
  algorithm: string;
}
export interface RawTrigger {
  name: string;
  tableName: string;
  event: string;
  timing: string;
  actionOrder: number | string;
  statement: string;
  sqlMode: string;
}
export interface RawRoutine {
  name: string;
  type: string;
  returns: string | null;
  returnsCollation: string | null;
  returnsCharset: string | null;
  body: string;
  isDeterministic: string;
  dataAccess: string;
  security: string;
  comment: string;
  databaseCollation: string;
  sqlMode: string;
}
export interface RawParameter {
  routineName: string;
  routineType: string;
  position: number | string;
  mode: string | null;
  name: string | null;
  type: string;
  charset: string | null;
  collation: string | null;
}
export interface RawSequence {
  name: string;
  start: string;
  minimum: string;
  maximum: string;
  increment: string;
  cache: string;
  cycle: number | string;
}

export interface RawSrid {
  tableName: string;
  columnName: string;
  srid: number | string;
}
/** What the server's own sessions start with: stored code created under other settings records them. */
export interface ServerDefaults {
  sqlMode: string;
  timeZone: string;
}

export interface Catalog extends ShownCreate {
  readonly defaults: ServerDefaults;
  readonly tables: RawTable[];
  readonly columns: RawColumn[];
  readonly indexColumns: RawIndexColumn[];
  readonly checks: RawCheck[];
  readonly foreignKeys: RawForeignKeyColumn[];
  readonly views: RawView[];
  readonly triggers: RawTrigger[];
  readonly routines: RawRoutine[];
  readonly parameters: RawParameter[];
  readonly sequences: RawSequence[];
  readonly srids: RawSrid[];
}

const IGNORED = { mariadb: 's.IGNORED', mysql: "IF(s.IS_VISIBLE = 'NO', 'YES', 'NO')" } as const;

const CHECKS = {
  mariadb: `SELECT TABLE_NAME AS tableName, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause, LEVEL AS level
      FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`,
  mysql: `SELECT tc.TABLE_NAME AS tableName, cc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause, 'Table' AS level
      FROM information_schema.CHECK_CONSTRAINTS cc
      JOIN information_schema.TABLE_CONSTRAINTS tc
        ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK'
     WHERE cc.CONSTRAINT_SCHEMA = ?`,
} as const;

const ALGORITHM = { mariadb: 'ALGORITHM', mysql: "'UNDEFINED'" } as const;

/** Spatial reference ids set on columns: MariaDB reports them only here (not even in SHOW CREATE TABLE). */
const SRIDS = {
  mariadb: `SELECT G_TABLE_NAME AS tableName, G_GEOMETRY_COLUMN AS columnName, SRID AS srid
      FROM information_schema.GEOMETRY_COLUMNS WHERE G_TABLE_SCHEMA = ? AND SRID <> 0`,
  mysql: `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS columnName, SRS_ID AS srid
      FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND SRS_ID IS NOT NULL`,
} as const;

export async function readCatalog(query: Query, db: string, flavor: Flavor): Promise<Catalog> {
  const tables = await query<RawTable>(
    `SELECT t.TABLE_NAME AS name, t.TABLE_TYPE AS type, t.ENGINE AS engine, t.TABLE_COLLATION AS collation,
            c.CHARACTER_SET_NAME AS charset, t.CREATE_OPTIONS AS createOptions, t.TABLE_COMMENT AS comment
       FROM information_schema.TABLES t
       LEFT JOIN information_schema.COLLATIONS c ON c.COLLATION_NAME = t.TABLE_COLLATION
      WHERE t.TABLE_SCHEMA = ? ORDER BY t.TABLE_NAME`,
    [db],
  );
  const columns = await query<RawColumn>(
    `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS name, COLUMN_DEFAULT AS columnDefault, IS_NULLABLE AS nullable,
            DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation,
            EXTRA AS extra, COLUMN_COMMENT AS comment, GENERATION_EXPRESSION AS generation
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [db],
  );
  const indexColumns = await query<RawIndexColumn>(
    `SELECT s.TABLE_NAME AS tableName, s.INDEX_NAME AS name, s.NON_UNIQUE AS nonUnique, s.COLUMN_NAME AS columnName,
            s.SUB_PART AS subPart, s.COLLATION AS collation, s.INDEX_TYPE AS type, s.INDEX_COMMENT AS comment,
            ${IGNORED[flavor]} AS ignored
       FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = ? ORDER BY s.TABLE_NAME, s.INDEX_NAME, s.SEQ_IN_INDEX`,
    [db],
  );
  const checks = await query<RawCheck>(CHECKS[flavor], [db]);
  const foreignKeys = await query<RawForeignKeyColumn>(
    `SELECT k.TABLE_NAME AS tableName, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS columnName,
            k.REFERENCED_TABLE_SCHEMA AS refSchema, k.REFERENCED_TABLE_NAME AS refTable, k.REFERENCED_COLUMN_NAME AS refColumn,
            r.UPDATE_RULE AS onUpdate, r.DELETE_RULE AS onDelete
       FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.REFERENTIAL_CONSTRAINTS r
         ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
      WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
      ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    [db],
  );
  const views = await query<RawView>(
    `SELECT TABLE_NAME AS name, VIEW_DEFINITION AS definition, CHECK_OPTION AS checkOption,
            SECURITY_TYPE AS security, ${ALGORITHM[flavor]} AS algorithm
       FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`,
    [db],
  );
  const triggers = await query<RawTrigger>(
    `SELECT TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS tableName, EVENT_MANIPULATION AS event, ACTION_TIMING AS timing,
            ACTION_ORDER AS actionOrder, ACTION_STATEMENT AS statement, SQL_MODE AS sqlMode
       FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?
      ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER`,
    [db],
  );
  const routines = await query<RawRoutine>(
    `SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS type, DTD_IDENTIFIER AS returns, COLLATION_NAME AS returnsCollation,
            CHARACTER_SET_NAME AS returnsCharset, ROUTINE_DEFINITION AS body, IS_DETERMINISTIC AS isDeterministic,
            SQL_DATA_ACCESS AS dataAccess, SECURITY_TYPE AS security, ROUTINE_COMMENT AS comment,
            DATABASE_COLLATION AS databaseCollation, SQL_MODE AS sqlMode
       FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_NAME, ROUTINE_TYPE`,
    [db],
  );
  const parameters = await query<RawParameter>(
    `SELECT SPECIFIC_NAME AS routineName, ROUTINE_TYPE AS routineType, ORDINAL_POSITION AS position,
            PARAMETER_MODE AS mode, PARAMETER_NAME AS name, DTD_IDENTIFIER AS type,
            CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation
       FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = ? AND ORDINAL_POSITION > 0
      ORDER BY SPECIFIC_NAME, ORDINAL_POSITION`,
    [db],
  );
  const [defaults] = await query<ServerDefaults>('SELECT @@GLOBAL.sql_mode AS sqlMode, @@GLOBAL.time_zone AS timeZone');
  const srids = await query<RawSrid>(SRIDS[flavor], [db]);
  const shown = await readShowCreate(query, db, { tables, indexColumns, routines });
  const sequenceNames = tables.filter((t) => t.type === 'SEQUENCE').map((t) => t.name);
  const sequences =
    sequenceNames.length === 0
      ? []
      : await query<RawSequence>(
          sequenceNames
            .map(
              (name) =>
                `SELECT ? AS name, start_value AS start, minimum_value AS minimum, maximum_value AS maximum,
                        increment, cache_size AS cache, cycle_option AS cycle FROM ${quoteIdent(db)}.${quoteIdent(name)}`,
            )
            .join(' UNION ALL '),
          sequenceNames,
        );

  return {
    defaults: defaults ?? { sqlMode: '', timeZone: 'SYSTEM' },
    tables,
    columns,
    indexColumns,
    checks,
    foreignKeys,
    views,
    triggers,
    routines,
    parameters,
    sequences,
    srids,
    ...shown,
  };
}
