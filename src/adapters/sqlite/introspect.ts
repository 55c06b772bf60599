import type { Database } from 'better-sqlite3';
import {
  MODEL_VERSION,
  normalizeSchema,
  type KnownObjects,
  type Check,
  type Column,
  type ForeignKey,
  type Index,
  type NativeObject,
  type PrimaryKey,
  type Schema,
  type Table,
  type Trigger,
  type UniqueConstraint,
  type View,
} from '../../unified/index.js';
import { parseCreateIndex, parseCreateTable, parseCreateView, type ParsedConstraint, type ParsedTable } from './parse-ddl.js';
import { sqliteColumnType } from './types.js';
import { groupBy } from '../group-by.js';
import { unhandled } from '../../unified/unhandled.js';

/** redb's own migration history lives beside the schema, never in it. */
export const HISTORY_TABLE = 'redb_migrations';
/** A replication target's positions (one row per job), beside the history. */
export const REPLICATION_TABLE = 'redb_replication';
/**
 * redb's own tables are never part of the schema: the history, replication positions, and what
 * change capture installs on a source (`redb_changes_<job>`, `redb_capture_<job>`, and triggers
 * that write into a change table).
 */
const ownTable = (column: string): string =>
  `${column} NOT IN ('${HISTORY_TABLE}', '${REPLICATION_TABLE}') AND ${column} NOT LIKE 'redb\\_changes\\_%' ESCAPE '\\' AND ${column} NOT LIKE 'redb\\_capture\\_%' ESCAPE '\\'`;
const NOT_OURS = `${ownTable('tbl_name')} AND NOT (type = 'trigger' AND instr(sql, '"redb_changes_') > 0)`;
const TABLE_NOT_OURS = (alias: string): string => ownTable(`${alias}.name`);

/** Raw catalog rows: private to this file, mapped once into model objects. */
interface RawObject {
  type: 'table' | 'view' | 'index' | 'trigger';
  name: string;
  tbl_name: string;
  sql: string | null;
}
interface RawTableInfo {
  name: string;
  type: string;
  wr: number;
  strict: number;
}
interface RawColumn {
  tbl: string;
  cid: number;
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}
interface RawIndex {
  tbl: string;
  name: string;
  origin: 'c' | 'u' | 'pk';
}

/** Five catalog queries for the whole database, never one per table. */
function readCatalog(db: Database) {
  const objects = db
    .prepare<[], RawObject>(`SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND ${NOT_OURS} ORDER BY name`)
    .all();
  const tableInfo = db.prepare<[], RawTableInfo>(`SELECT name, type, wr, strict FROM pragma_table_list WHERE schema = 'main'`).all();
  const columns = db
    .prepare<[], RawColumn>(
      `SELECT m.name AS tbl, p.cid, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden
         FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p
        WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND ${TABLE_NOT_OURS('m')}
        ORDER BY m.name, p.cid`,
    )
    .all();
  const indexes = db
    .prepare<[], RawIndex>(
      `SELECT m.name AS tbl, il.name, il.origin FROM sqlite_schema m JOIN pragma_index_list(m.name) il
        WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND ${TABLE_NOT_OURS('m')}`,
    )
    .all();
  return { objects, tableInfo, columns, indexes };
}

function mapColumn(raw: RawColumn, parsed: ParsedTable | undefined): Column {
  const p = parsed?.columns.find((c) => c.name === raw.name);
  const generated = raw.hidden === 2 || raw.hidden === 3;
  return {
    name: raw.name,
    type: sqliteColumnType(raw.type),
    nullable: raw.notnull === 0,
    default: raw.dflt_value ?? undefined,
    generated: generated && p?.generated !== undefined ? { expression: p.generated, stored: raw.hidden === 3 } : undefined,
    autoIncrement: p?.autoIncrement === true ? true : undefined,
    collation: p?.collation,
    notNullOnConflict: p?.notNullOnConflict,
  };
}

function mapConstraints(parsed: ParsedTable, pkOf: (table: string) => readonly string[]) {
  let primaryKey: PrimaryKey | undefined;
  const uniques: UniqueConstraint[] = [];
  const checks: Check[] = [];
  const foreignKeys: ForeignKey[] = [];
  for (const c of parsed.constraints as ParsedConstraint[]) {
    switch (c.kind) {
      case 'primary':
        primaryKey = { name: c.name, columns: [...c.columns], keys: c.keys?.map((k) => ({ ...k })), onConflict: c.onConflict };
        break;
      case 'unique':
        uniques.push({ name: c.name, columns: [...c.columns], keys: c.keys?.map((k) => ({ ...k })), onConflict: c.onConflict });
        break;
      case 'check':
        checks.push({ name: c.name, expression: c.expression });
        break;
      case 'foreign': {
        const r = c.references;
        // `REFERENCES parent` without columns means the parent's primary key.
        const refColumns = r.columns.length > 0 ? r.columns : pkOf(r.table);
        foreignKeys.push({
          name: c.name,
          columns: [...c.columns],
          references: { table: r.table, columns: [...(refColumns.length > 0 ? refColumns : c.columns)] },
          onDelete: r.onDelete,
          onUpdate: r.onUpdate,
          match: r.match,
          deferrable: r.deferrable,
          initiallyDeferred: r.initiallyDeferred,
        });
        break;
      }
      default:
        unhandled(c);
    }
  }
  return { primaryKey, uniques, checks, foreignKeys };
}

function mapIndex(name: string, sql: string): Index {
  const parsed = parseCreateIndex(sql);
  return {
    name,
    unique: parsed.unique,
    keys: parsed.keys.map((k) => ({ column: k.column, expression: k.expression, desc: k.desc, collation: k.collation })),
    where: parsed.where,
  };
}

export function introspectSqlite(db: Database, known?: KnownObjects): Schema {
  const { objects, tableInfo, columns, indexes } = readCatalog(db);
  const info = new Map(tableInfo.map((t) => [t.name, t]));
  const columnsByTable = groupBy(columns, (c) => c.tbl);
  const userIndexes = new Set(indexes.filter((i) => i.origin === 'c').map((i) => i.name));
  const natives: NativeObject[] = [];
  const parsedTables = new Map<string, ParsedTable>();

  const ordinaryTables = objects.filter((o) => o.type === 'table' && info.get(o.name)?.type === 'table');
  for (const o of ordinaryTables) parsedTables.set(o.name, parseCreateTable(o.sql ?? ''));
  const pkOf = (table: string): readonly string[] => {
    const parsed = parsedTables.get(table);
    const pk = parsed?.constraints.find((c) => c.kind === 'primary');
    return pk?.kind === 'primary' ? pk.columns : [];
  };

  const indexesByTable = groupBy(
    objects.filter((o) => o.type === 'index' && o.sql !== null && userIndexes.has(o.name)),
    (o) => o.tbl_name,
  );

  const tables: Table[] = ordinaryTables.map((o) => {
    const parsed = parsedTables.get(o.name) as ParsedTable;
    const t = info.get(o.name) as RawTableInfo;
    return {
      name: o.name,
      columns: (columnsByTable.get(o.name) ?? []).map((c) => mapColumn(c, parsed)),
      ...mapConstraints(parsed, pkOf),
      exclusions: [],
      indexes: (indexesByTable.get(o.name) ?? []).map((i) => mapIndex(i.name, i.sql as string)),
      policies: [],
      options: t.wr === 1 || t.strict === 1 ? { withoutRowid: t.wr === 1 || undefined, strict: t.strict === 1 || undefined } : undefined,
    };
  });

  // Virtual tables (FTS, R*Tree, ...) have no place in the model: kept verbatim, with their shadow tables implied.
  for (const o of objects) {
    if (o.type === 'table' && info.get(o.name)?.type === 'virtual') {
      natives.push({ type: 'virtual table', name: o.name, definition: o.sql ?? '', reason: 'SQLite virtual tables are kept as their CREATE text' });
    }
  }

  const views: View[] = objects
    .filter((o) => o.type === 'view')
    .map((o) => {
      const parsed = parseCreateView(o.sql ?? '');
      return { name: o.name, definition: parsed.definition, columns: parsed.columns === undefined ? undefined : [...parsed.columns], indexes: [] };
    });

  const triggers: Trigger[] = objects.filter((o) => o.type === 'trigger').map((o) => ({ table: o.tbl_name, name: o.name, definition: o.sql ?? '' }));

  return normalizeSchema({ version: MODEL_VERSION, engine: 'sqlite', tables, views, triggers, natives }, known);
}
