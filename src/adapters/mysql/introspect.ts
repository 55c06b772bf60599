import {
  MODEL_VERSION,
  normalizeSchema,
  type Check,
  type Column,
  type FkAction,
  type ForeignKey,
  type Index,
  type PrimaryKey,
  type Schema,
  type Table,
  type TableOptions,
} from '../../unified/index.js';
import { readCatalog, type Catalog, type Flavor, type Query, type RawCheck, type RawColumn, type RawIndexColumn, type RawTable } from './catalog-queries.js';
import { mapCode } from './introspect-code.js';
import { quoteIdent, quoteString, splitOptions, unqualify } from './sql-text.js';
import { MARIADB_JSON, MARIADB_JSON_COLLATION, mysqlColumnType } from './types.js';

/**
 * MariaDB/MySQL catalog → unified model. Objects carry no `schema`: a URL names one database, and a
 * schema pulled from one database can be applied to another of a different name.
 *
 * Choices that keep round trips exact:
 * - Tables always record engine, charset and collation; columns record charset/collation only where
 *   they differ from their table's.
 * - A nullable column's implicit `DEFAULT NULL` (reported as the text `NULL`) is no default.
 * - Unique keys are indexes (`unique: true`): MySQL has no unique constraint apart from its index.
 * - The primary key's name is always PRIMARY, so it is left out.
 * - MariaDB's JSON (LONGTEXT in utf8mb4_bin + `json_valid` column check) is read back as `json`.
 * - A column-level CHECK is a check named after its column (MariaDB's own naming); the compiler
 *   writes such a check inline again. A table-level check deliberately named like a column comes
 *   back column-level: same model, same behaviour but for dying with its column.
 * - Names in defaults, generated columns, checks and view bodies lose their database qualifier.
 * - CREATE_OPTIONS other than row_format (max_rows=…, checksum=…, transactional=…) are kept verbatim
 *   in `options.with`, which CREATE TABLE accepts as written.
 * Not kept: DESC or prefix parts of the PRIMARY KEY, FULLTEXT parsers, spatial SRIDs, routine and
 * trigger sql_mode, Oracle-mode packages.
 */

const groupBy = <T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return out;
};

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

function mapColumn(raw: RawColumn, table: RawTable, jsonCheck: boolean, catalog: TableCatalog): Column {
  const db = catalog.db;
  const json = jsonCheck && raw.dataType.toLowerCase() === 'longtext' && raw.collation === MARIADB_JSON_COLLATION;
  const generated = raw.generation !== null && raw.generation !== '' && /GENERATED/i.test(raw.extra);
  const onUpdate = /\bon update (\S+)/i.exec(raw.extra)?.[1];
  const dflt = generated ? undefined : columnDefault(raw, catalog.flavor, db);
  const collation = json || raw.collation === table.collation ? undefined : nonEmpty(raw.collation);
  const charset = json || raw.charset === table.charset ? undefined : nonEmpty(raw.charset);
  return {
    name: raw.name,
    type: json ? MARIADB_JSON : mysqlColumnType(raw.columnType, raw.dataType),
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

function mapIndexes(rows: readonly RawIndexColumn[]): { primaryKey: PrimaryKey | undefined; indexes: Index[] } {
  let primaryKey: PrimaryKey | undefined;
  const indexes: Index[] = [];
  for (const [name, keys] of groupBy(rows, (r) => r.name)) {
    const first = keys[0] as RawIndexColumn;
    if (name === 'PRIMARY') {
      primaryKey = { columns: keys.map((k) => k.columnName ?? ''), comment: nonEmpty(first.comment) };
      continue;
    }
    const type = first.type.toUpperCase();
    indexes.push({
      name,
      unique: Number(first.nonUnique) === 0,
      method: type === 'BTREE' ? undefined : type.toLowerCase(),
      keys: keys.map((k) => ({
        column: k.columnName ?? undefined,
        // SPATIAL keys report an internal prefix length that cannot be written back.
        length: k.subPart === null || type === 'SPATIAL' ? undefined : Number(k.subPart),
        desc: k.collation === 'D' || undefined,
      })),
      invisible: first.ignored === 'YES' || undefined,
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
    ...mapIndexes(catalog.indexes.get(t.name) ?? []),
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
}

export function mapCatalog(catalog: Catalog, db: string, flavor: Flavor): Schema {
  const byTable: TableCatalog = {
    db,
    flavor,
    columns: groupBy(catalog.columns, (c) => c.tableName),
    indexes: groupBy(catalog.indexColumns, (i) => i.tableName),
    checks: groupBy(catalog.checks, (c) => c.tableName),
    foreignKeys: groupBy(catalog.foreignKeys, (f) => f.tableName),
  };
  const tables = catalog.tables.filter((t) => t.type === 'BASE TABLE').map((t) => mapTable(t, byTable));
  return normalizeSchema({ version: MODEL_VERSION, engine: 'mysql', tables, ...mapCode(catalog, db) });
}

export async function introspectMysql(query: Query, db: string, flavor: Flavor): Promise<Schema> {
  return mapCatalog(await readCatalog(query, db, flavor), db, flavor);
}
