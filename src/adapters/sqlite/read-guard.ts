/**
 * SQLite has no privileges, so what a client's statement reads is read from its own bytecode: EXPLAIN
 * lists every b-tree the statement opens (OpenRead: a table or an index, by root page) and every
 * column it takes from a table (Column: cursor and storage position). A statement that opens an
 * index holding a masked or denied column, takes such a column from a table, or opens a table whose
 * row order is such a column (a masked rowid alias, a WITHOUT ROWID key), is refused before it runs;
 * so is one that opens a virtual table redb cannot see into (dbstat reads page sizes, an FTS index
 * its text). Views, CTEs and subqueries are compiled into the same bytecode, so they are covered.
 * The catalog and the statement are read in one read transaction: the schema cannot change between.
 */
import { errors } from '../../errors.js';
import type { ReadPolicy } from '../adapter.js';

type Database = import('better-sqlite3').Database;

interface Op {
  readonly opcode: string;
  readonly p1: number;
  readonly p2: number;
  readonly p3: number;
  readonly p4: unknown;
  readonly p5: number;
}

interface TableInfo {
  readonly name: string;
  /** Column names by storage position (the Column opcode's p2). */
  readonly byStorage: readonly string[];
  /** The columns a statement may not read, and why. */
  readonly hidden: ReadonlyMap<string, 'denied' | 'masked'>;
  /** Why any open of it is refused: denied, or its row order is a sensitive value. */
  readonly opaque?: string | undefined;
}

type Root = { readonly table: TableInfo } | { readonly index: string; readonly refused?: string | undefined };

/** Eponymous virtual tables that read nothing of the data: JSON walkers and schema pragmas. */
const HARMLESS_VTABS = [
  'json_each',
  'json_tree',
  'pragma_table_info',
  'pragma_table_xinfo',
  'pragma_index_list',
  'pragma_index_xinfo',
  'pragma_foreign_key_list',
];
/** OpenRead's p5 flag: the root page is in a register, not known until it runs. */
const P2_IS_REGISTER = 0x10;

export interface SqliteGuard {
  /** Throws REDB_MCP_COLUMN_WITHHELD when the statement would read what the policy hides. */
  check(sql: string): void;
}

/** The guard for one read transaction; undefined when the policy hides nothing in this file. */
export function sqliteGuard(db: Database, policy: ReadPolicy): SqliteGuard | undefined {
  if (policy.empty) return undefined;
  const list = db.prepare("SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main'").all() as { name: string; type: string; wr: number }[];
  const verdict = (table: string, column: string) => policy.column({ name: table }, column);
  const roots = new Map<number, Root>();
  const tables = new Map<string, TableInfo>();
  let anything = false;
  for (const t of list.filter((x) => x.type === 'table' || x.type === 'shadow' || x.type === 'virtual')) {
    const columns = db.prepare('SELECT name, pk, hidden FROM pragma_table_xinfo(?)').all(t.name) as { name: string; pk: number; hidden: number }[];
    const hidden = new Map<string, 'denied' | 'masked'>();
    for (const c of columns) {
      const v = verdict(t.name, c.name);
      if (v !== undefined) hidden.set(c.name, v);
    }
    // A stored generated column is read from its own storage, not from what it is computed from:
    // where the table hides anything, such a column may be computed from it.
    if (hidden.size > 0) for (const c of columns.filter((x) => x.hidden === 3 && !hidden.has(x.name))) hidden.set(c.name, 'denied');
    const sensitive = [...hidden.keys()];
    // Stored columns keep their order; virtual generated ones come after them (sqlite3TableColumnToStorage).
    const byStorage = [...columns.filter((c) => c.hidden !== 2), ...columns.filter((c) => c.hidden === 2)].map((c) => c.name);
    const keys = columns.filter((c) => c.pk > 0).map((c) => c.name);
    let opaque: string | undefined;
    if (policy.tableDenied({ name: t.name })) opaque = `table ${t.name} is denied`;
    else if (sensitive.length > 0 && t.type !== 'table') opaque = `${t.type} table ${t.name} holds masked or denied columns`;
    else if (sensitive.length > 0 && t.wr === 1 && keys.some((k) => sensitive.includes(k)))
      opaque = `the rows of ${t.name} are ordered by ${keys.join(', ')}, which the policy hides`;
    else if (t.wr !== 1 && keys.length === 1 && sensitive.includes(keys[0] as string))
      opaque = `${t.name}.${keys[0]} is its rowid, which orders every read of the table`;
    if (sensitive.length > 0 || opaque !== undefined) anything = true;
    if (/^sqlite_stat[34]$/.test(t.name)) opaque = `${t.name} holds samples of indexed values`;
    tables.set(t.name, { name: t.name, byStorage, hidden, opaque });
  }
  // Shadow tables (an FTS index's content) carry the text of their virtual table under other names.
  for (const t of list.filter((x) => x.type === 'shadow')) {
    const owner = list.find((v) => v.type === 'virtual' && t.name.startsWith(`${v.name}_`));
    const ownerInfo = owner === undefined ? undefined : tables.get(owner.name);
    if (owner === undefined || ownerInfo?.opaque !== undefined)
      tables.set(t.name, { ...(tables.get(t.name) as TableInfo), opaque: `${t.name} holds the data of a virtual table redb cannot check` });
  }
  if (!anything) return undefined;
  const master = tables.get('sqlite_schema');
  if (master !== undefined) roots.set(1, { table: master });

  const schema = db.prepare('SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema WHERE rootpage > 0').all() as {
    type: string;
    name: string;
    tbl_name: string;
    rootpage: number;
    sql: string | null;
  }[];
  for (const o of schema) {
    const table = tables.get(o.tbl_name);
    if (o.type === 'table' && table !== undefined) roots.set(o.rootpage, { table });
    if (o.type !== 'index') continue;
    if (table?.opaque !== undefined) {
      roots.set(o.rootpage, { index: o.name, refused: table.opaque });
      continue;
    }
    const keys = db.prepare('SELECT cid, name FROM pragma_index_xinfo(?)').all(o.name) as { cid: number; name: string | null }[];
    const held = keys.find((k) => k.name !== null && table?.hidden.has(k.name) === true);
    const tableHides = (table?.hidden.size ?? 0) > 0;
    const shaped = keys.some((k) => k.cid === -2) || (o.sql !== null && /\bwhere\b/i.test(o.sql));
    const refused =
      held?.name != null
        ? `index ${o.name} holds ${o.tbl_name}.${held.name}`
        : shaped && tableHides
          ? `index ${o.name} is built from an expression or a condition on ${o.tbl_name}`
          : undefined;
    roots.set(o.rootpage, { index: o.name, refused });
  }
  const vtab = (name: string): unknown => (db.prepare(`EXPLAIN SELECT * FROM ${name}('[]')`).all() as Op[]).find((op) => op.opcode === 'VOpen')?.p4;
  const harmless = new Set<unknown>(HARMLESS_VTABS.map(vtab).filter((p) => p !== undefined));

  return {
    check(sql) {
      const program = db.prepare(`EXPLAIN ${sql}`).all() as Op[];
      const cursors = new Map<number, TableInfo[]>();
      for (const op of program) {
        switch (op.opcode) {
          case 'OpenRead':
          case 'ReopenIdx':
          case 'OpenWrite': {
            if ((op.p5 & P2_IS_REGISTER) !== 0 || op.p3 !== 0) throw errors.mcpColumnWithheld('the statement opens a table redb cannot name');
            const root = roots.get(op.p2);
            if (root === undefined) throw errors.mcpColumnWithheld('the statement opens a table redb cannot name');
            if ('table' in root) {
              if (root.table.opaque !== undefined) throw errors.mcpColumnWithheld(root.table.opaque);
              cursors.set(op.p1, [...(cursors.get(op.p1) ?? []), root.table]);
            } else if (root.refused !== undefined) throw errors.mcpColumnWithheld(root.refused);
            break;
          }
          case 'Column':
          case 'Offset':
          case 'RowData': {
            for (const t of cursors.get(op.p1) ?? []) {
              // Offset and RowData see a whole record: any hidden column of the table counts.
              const name = op.opcode === 'Column' ? t.byStorage[op.p2] : [...t.hidden.keys()][0];
              if (name === undefined && op.opcode === 'Column') throw errors.mcpColumnWithheld(`the statement reads a column of ${t.name} redb cannot name`);
              const v = name === undefined ? undefined : t.hidden.get(name);
              if (v !== undefined) throw errors.mcpColumnWithheld(`column ${t.name}.${name as string} is ${v}`);
            }
            break;
          }
          case 'VOpen':
            if (!harmless.has(op.p4)) throw errors.mcpColumnWithheld('the statement reads a virtual table redb cannot see into');
            break;
          default:
        }
      }
    },
  };
}
