import {
  MODEL_VERSION,
  normalizeSchema,
  type KnownObjects,
  type Check,
  type Column,
  type FkAction,
  type ForeignKey,
  type Index,
  type IndexKey,
  type PrimaryKey,
  type Schema,
  type Table,
  type TableOptions,
} from '../../unified/index.js';
import { readCatalog, type Catalog, type Flavor, type Query, type RawCheck, type RawColumn, type RawIndexColumn, type RawTable } from './catalog-queries.js';
import { mapCode } from './introspect-code.js';
import { quoteIdent, quoteString, splitOptions, unqualify } from './sql-text.js';
import { MARIADB_JSON, MARIADB_JSON_COLLATION, mysqlColumnType } from './types.js';
import { groupBy } from '../group-by.js';

/**
 * MariaDB/MySQL catalog → unified model. Objects carry no `schema`: a URL names one database, and a
 * schema pulled from one database can be applied to another of a different name.
 *
 * Choices that keep round trips exact:
 * - Tables always record engine, charset and collation; columns record charset/collation only where
 *   they differ from their table's.
 * - A nullable column's implicit `DEFAULT NULL` (reported as the text `NULL`) is no default.
 * - Unique keys are indexes (`unique: true`): MySQL has no unique constraint apart from its index.
 * - The primary key's name is always PRIMARY, so it is left out. Its DESC and prefix parts are kept in
 *   `keys`, present only when some part has one.
 * - MariaDB's JSON (LONGTEXT in utf8mb4_bin + `json_valid` column check) is read back as `json`.
 * - A column-level CHECK is a check named after its column (MariaDB's own naming); the compiler
 *   writes such a check inline again. A table-level check deliberately named like a column comes
 *   back column-level: same model, same behaviour but for dying with its column.
 * - Names in defaults, generated columns, checks and view bodies lose their database qualifier.
 * - CREATE_OPTIONS other than row_format (max_rows=…, checksum=…, transactional=…) are kept verbatim
 *   in `options.with`, which CREATE TABLE accepts as written.
 * - A FULLTEXT parser is the index's `with`, as SHOW CREATE TABLE spells it: PARSER `ngram`.
 * - A spatial column's SRID is part of its native type, as its column attribute: `point REF_SYSTEM_ID=4326`
 *   (MariaDB), `point SRID 4326` (MySQL). A spatial index has no SRID of its own.
 * - Stored code records a sql_mode (events also a time_zone) that differs from the server's default
 *   (IGNORE_SPACE aside, which only changes parsing and which drivers set by themselves); Oracle-mode
 *   routines keep the server's own text; packages are native objects (introspect-code.ts).
 * What has no place in the model is a native object, and natives are reported wherever they matter.
 * Left out on purpose: DEFINER clauses (the applying user becomes the definer).
 */

const nonEmpty = (s: string | null | undefined): string | undefined => (s === null || s === undefined || s === '' ? undefined : s);

const FK_ACTIONS: Readonly<Record<string, FkAction | undefined>> = {
  'NO ACTION': undefined,
  RESTRICT: 'restrict',
  CASCADE: 'cascade',
  'SET NULL': 'set null',
  'SET DEFAULT': 'set default',
};

/** CREATE_OPTIONS lists only options set explicitly: row_format=… goes to rowFormat, the rest to `with` verbatim. */
function tableOptions(t: RawTable): TableOptions | undefined {
  let rowFormat: string | undefined;
  const rest: string[] = [];
  for (const item of splitOptions(t.createOptions ?? '')) {
    const m = /^row_format=(.+)$/i.exec(item);
    if (m !== null) rowFormat = m[1];
    else if (item.toLowerCase() !== 'partitioned') rest.push(item);
  }
  const options: TableOptions = {
    engine: nonEmpty(t.engine),
    charset: nonEmpty(t.charset),
    collation: nonEmpty(t.collation),
    rowFormat,
    with: rest.length === 0 ? undefined : rest.join(' '),
  };
  return Object.values(options).some((v) => v !== undefined) ? options : undefined;
}

const isJsonCheck = (c: RawCheck, column: string) => c.level === 'Column' && c.name === column && c.clause === `json_valid(${quoteIdent(column)})`;

const NUMERIC = /^(tinyint|smallint|mediumint|int|integer|bigint|decimal|numeric|float|double|real|bit|year)$/i;

/**
 * The default as DDL text. MariaDB reports it that way already (string literals quoted, a nullable
 * column's implicit default as the text NULL, which is no default). MySQL 8 reports the bare value
 * and marks expressions DEFAULT_GENERATED.
 */
function columnDefault(raw: RawColumn, flavor: Flavor, db: string): string | undefined {
  const d = raw.columnDefault;
  if (d === null || (flavor === 'mariadb' && d === 'NULL')) return undefined;
  if (flavor === 'mariadb') return unqualify(d, db);
  if (/\bDEFAULT_GENERATED\b/i.test(raw.extra)) return /^current_timestamp(\(\d*\))?$/i.test(d) ? d : `(${unqualify(d, db)})`;
  return NUMERIC.test(raw.dataType) || /^b'[01]*'$/.test(d) ? d : quoteString(d);
}

/** The SRID as the column attribute each flavor writes it. */
const sridSpelling = (srid: string | undefined, flavor: Flavor): string =>
  srid === undefined ? '' : flavor === 'mariadb' ? ` REF_SYSTEM_ID=${srid}` : ` SRID ${srid}`;

function mapColumn(raw: RawColumn, table: RawTable, jsonCheck: boolean, catalog: TableCatalog): Column {
  const db = catalog.db;
  const srid = catalog.srids.get(`${raw.tableName}\u0000${raw.name}`);
  const json = jsonCheck && raw.dataType.toLowerCase() === 'longtext' && raw.collation === MARIADB_JSON_COLLATION;
  const generated = raw.generation !== null && raw.generation !== '' && /GENERATED/i.test(raw.extra);
  const onUpdate = /\bon update (\S+)/i.exec(raw.extra)?.[1];
  const dflt = generated ? undefined : columnDefault(raw, catalog.flavor, db);
  const collation = json || raw.collation === table.collation ? undefined : nonEmpty(raw.collation);
  const charset = json || raw.charset === table.charset ? undefined : nonEmpty(raw.charset);
  return {
    name: raw.name,
    type: json ? MARIADB_JSON : mysqlColumnType(raw.columnType + sridSpelling(srid, catalog.flavor), raw.dataType),
    nullable: raw.nullable === 'YES',
    default: dflt,
    generated: generated ? { expression: unqualify(raw.generation as string, db), stored: /STORED/i.test(raw.extra) } : undefined,
    autoIncrement: /\bauto_increment\b/i.test(raw.extra) || undefined,
    charset,
    collation,
    onUpdate,
    invisible: /\bINVISIBLE\b/.test(raw.extra) || undefined,
    zerofill: /\bzerofill\b/i.test(raw.columnType) || undefined,
    comment: nonEmpty(raw.comment),
  };
}

/** `FULLTEXT KEY `name` (...) ... /*!50100 WITH PARSER `parser` *\/`, one line per index in SHOW CREATE TABLE. */
const PARSER_LINE = /^\s*FULLTEXT KEY (`(?:[^`]|``)*`) .*\/\*!\d+ WITH (PARSER `(?:[^`]|``)*`) \*\/\s*,?$/gm;

function fulltextParsers(ddl: string | undefined): Map<string, string> {
  const parsers = new Map<string, string>();
  for (const m of (ddl ?? '').matchAll(PARSER_LINE)) parsers.set((m[1] ?? '').slice(1, -1).replace(/``/g, '`'), m[2] ?? '');
  return parsers;
}

function mapIndexes(rows: readonly RawIndexColumn[], ddl: string | undefined): { primaryKey: PrimaryKey | undefined; indexes: Index[] } {
  let primaryKey: PrimaryKey | undefined;
  const indexes: Index[] = [];
  const parsers = fulltextParsers(ddl);
  for (const [name, parts] of groupBy(rows, (r) => r.name)) {
    const first = parts[0] as RawIndexColumn;
    const type = first.type.toUpperCase();
    const keys = parts.map(
      (k): IndexKey => ({
        column: k.columnName ?? undefined,
        // SPATIAL keys report an internal prefix length that cannot be written back.
        length: k.subPart === null || type === 'SPATIAL' ? undefined : Number(k.subPart),
        desc: k.collation === 'D' || undefined,
      }),
    );
    if (name === 'PRIMARY') {
      const plain = keys.every((k) => k.length === undefined && k.desc === undefined);
      primaryKey = { columns: keys.map((k) => k.column ?? ''), keys: plain ? undefined : keys, comment: nonEmpty(first.comment) };
      continue;
    }
    indexes.push({
      name,
      unique: Number(first.nonUnique) === 0,
      method: type === 'BTREE' ? undefined : type.toLowerCase(),
      keys,
      invisible: first.ignored === 'YES' || undefined,
      with: parsers.get(name),
      comment: nonEmpty(first.comment),
    });
  }
  return { primaryKey, indexes };
}

function mapTable(t: RawTable, catalog: TableCatalog): Table {
  const db = catalog.db;
  const checks = catalog.checks.get(t.name) ?? [];
  const jsonColumns = new Set(checks.flatMap((c) => (isJsonCheck(c, c.name) ? [c.name] : [])));
  const columns = (catalog.columns.get(t.name) ?? []).map((c) => mapColumn(c, t, jsonColumns.has(c.name), catalog));
  // The json_valid check of a JSON column is part of its type, not a check of its own.
  const absorbed = new Set(columns.filter((c) => jsonColumns.has(c.name) && c.type.kind === 'json').map((c) => c.name));
  const foreignKeys: ForeignKey[] = [...groupBy(catalog.foreignKeys.get(t.name) ?? [], (f) => f.name)].map(([name, cols]) => {
    const f = cols[0] as (typeof cols)[number];
    return {
      name,
      columns: cols.map((c) => c.columnName),
      references: { schema: f.refSchema === db ? undefined : f.refSchema, table: f.refTable, columns: cols.map((c) => c.refColumn) },
      onDelete: FK_ACTIONS[f.onDelete],
      onUpdate: FK_ACTIONS[f.onUpdate],
    };
  });
  return {
    name: t.name,
    columns,
    ...mapIndexes(catalog.indexes.get(t.name) ?? [], catalog.tableDdl.get(t.name)),
    uniques: [],
    foreignKeys,
    checks: checks.filter((c) => !(absorbed.has(c.name) && isJsonCheck(c, c.name))).map((c): Check => ({ name: c.name, expression: unqualify(c.clause, db) })),
    exclusions: [],
    policies: [],
    options: tableOptions(t),
    comment: nonEmpty(t.comment),
  };
}

interface TableCatalog {
  readonly db: string;
  readonly flavor: Flavor;
  readonly columns: Map<string, RawColumn[]>;
  readonly indexes: Map<string, RawIndexColumn[]>;
  readonly checks: Map<string, RawCheck[]>;
  readonly foreignKeys: Map<string, Catalog['foreignKeys']>;
  readonly srids: Map<string, string>;
  readonly tableDdl: Catalog['tableDdl'];
}

export function mapCatalog(catalog: Catalog, db: string, flavor: Flavor, known?: KnownObjects): Schema {
  const byTable: TableCatalog = {
    db,
    flavor,
    columns: groupBy(catalog.columns, (c) => c.tableName),
    indexes: groupBy(catalog.indexColumns, (i) => i.tableName),
    checks: groupBy(catalog.checks, (c) => c.tableName),
    foreignKeys: groupBy(catalog.foreignKeys, (f) => f.tableName),
    srids: new Map(catalog.srids.map((s) => [`${s.tableName}\u0000${s.columnName}`, String(s.srid)])),
    tableDdl: catalog.tableDdl,
  };
  const tables = catalog.tables.filter((t) => t.type === 'BASE TABLE').map((t) => mapTable(t, byTable));
  return normalizeSchema({ version: MODEL_VERSION, engine: 'mysql', tables, ...mapCode(catalog, db) }, known);
}

export async function introspectMysql(query: Query, db: string, flavor: Flavor, known?: KnownObjects): Promise<Schema> {
  return mapCatalog(await readCatalog(query, db, flavor), db, flavor, known);
}
