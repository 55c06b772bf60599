import { z } from 'zod';
import { normalizeSchema } from './canonical.js';
import { deepEqual } from './equal.js';
import type { Column, ForeignKey, Index, Schema, Table, View } from './model.js';
import { tableRef, type Operation, type TableRef } from './operations.js';

/**
 * Renames are never guessed: `redb mv` records one, the commit carries it (as a `Redb-Rename:` trailer
 * in its message, readable with plain `git log`), and the diff between two models turns a recorded
 * rename into a rename operation instead of a drop and an add. Likely renames the diff sees without a
 * record are offered as suggestions only.
 */

export const RENAME_KINDS = ['table', 'view', 'column', 'index'] as const;
export type RenameKind = (typeof RENAME_KINDS)[number];

export const Rename = z
  .object({
    kind: z.enum(RENAME_KINDS),
    schema: z.string().optional(),
    /** For columns and indexes: the table, by its name when the rename was recorded. */
    table: z.string().optional(),
    from: z.string().min(1),
    to: z.string().min(1),
  })
  .strict();
export type Rename = z.infer<typeof Rename>;

const TRAILER = 'Redb-Rename';

/** `table public.album -> albums`, `column public.album.title -> name`. */
export function renameText(r: Rename): string {
  const owner = [r.schema, r.table].filter((p) => p !== undefined).join('.');
  return `${r.kind} ${owner === '' ? '' : `${owner}.`}${r.from} -> ${r.to}`;
}

export const renameTrailers = (renames: readonly Rename[]): string =>
  renames.length === 0 ? '' : `\n\n${renames.map((r) => `${TRAILER}: ${JSON.stringify(r)}`).join('\n')}\n`;

/** The renames a commit message carries, in the order they were recorded. */
export function parseRenameTrailers(message: string): Rename[] {
  const out: Rename[] = [];
  for (const line of message.split('\n')) {
    if (!line.startsWith(`${TRAILER}: `)) continue;
    try {
      const parsed = Rename.safeParse(JSON.parse(line.slice(TRAILER.length + 2)));
      if (parsed.success) out.push(parsed.data);
    } catch {
      // A hand-written line that is not ours is not a rename.
    }
  }
  return out;
}

/** The same renames undone: for migrating back to where they started. */
export const reverseRenames = (renames: readonly Rename[]): Rename[] => [...renames].reverse().map((r) => ({ ...r, from: r.to, to: r.from }));

const sameSchema = (a: string | undefined, b: string | undefined) => (a ?? '') === (b ?? '');
const findTable = (s: Schema, schema: string | undefined, name: string): Table | undefined =>
  s.tables.find((t) => t.name === name && sameSchema(t.schema, schema));
const findView = (s: Schema, schema: string | undefined, name: string): View | undefined =>
  s.views.find((v) => v.name === name && sameSchema(v.schema, schema));

/** Where a rename ends up after the later renames of the same thing (a → b, then b → c: c). */
function finalName(r: Rename, later: readonly Rename[]): string {
  let name = r.to;
  for (const next of later) {
    if (next.kind === r.kind && sameSchema(next.schema, r.schema) && next.table === r.table && next.from === name) name = next.to;
  }
  return name;
}

const renameIn = (names: readonly string[], from: string, to: string): string[] => names.map((n) => (n === from ? to : n));

function renameTableIn(s: Schema, schema: string | undefined, from: string, to: string): void {
  for (const t of s.tables) {
    if (t.name === from && sameSchema(t.schema, schema)) t.name = to;
    for (const fk of t.foreignKeys) if (fk.references.table === from && sameSchema(fk.references.schema ?? t.schema, schema)) fk.references.table = to;
    if (t.partitionOf !== undefined && t.partitionOf.table === from && sameSchema(t.partitionOf.schema, schema)) t.partitionOf.table = to;
  }
  for (const q of s.sequences) if (q.ownedBy !== undefined && q.ownedBy.table === from && sameSchema(q.ownedBy.schema, schema)) q.ownedBy.table = to;
  for (const g of s.triggers) if (g.table === from && sameSchema(g.schema, schema)) g.table = to;
}

function renameColumnIn(s: Schema, table: Table, from: string, to: string): Column {
  const column = table.columns.find((c) => c.name === from) as Column;
  column.name = to;
  if (table.primaryKey !== undefined) {
    table.primaryKey.columns = renameIn(table.primaryKey.columns, from, to);
    for (const k of table.primaryKey.keys ?? []) if (k.column === from) k.column = to;
  }
  for (const u of table.uniques) {
    u.columns = renameIn(u.columns, from, to);
    for (const k of u.keys ?? []) if (k.column === from) k.column = to;
  }
  for (const fk of table.foreignKeys) fk.columns = renameIn(fk.columns, from, to);
  for (const i of table.indexes) {
    for (const k of i.keys) if (k.column === from) k.column = to;
    if (i.include !== undefined) i.include = renameIn(i.include, from, to);
  }
  const pointsHere = (fk: ForeignKey, owner: Table) => fk.references.table === table.name && sameSchema(fk.references.schema ?? owner.schema, table.schema);
  for (const t of s.tables) for (const fk of t.foreignKeys) if (pointsHere(fk, t)) fk.references.columns = renameIn(fk.references.columns, from, to);
  for (const q of s.sequences) {
    if (q.ownedBy?.table === table.name && sameSchema(q.ownedBy.schema, table.schema) && q.ownedBy.column === from) q.ownedBy.column = to;
  }
  return column;
}

/**
 * Carry out one rename on `model` (in place) if the old name exists and the new one is free; `lands`
 * says whether the far side has where the rename ends up. Returns the rename operation, if it applied.
 */
function applyOne(model: Schema, r: Rename, lands: (kind: RenameKind, name: string) => boolean): Operation | undefined {
  switch (r.kind) {
    case 'table': {
      const table = findTable(model, r.schema, r.from);
      if (table === undefined || findTable(model, r.schema, r.to) !== undefined || !lands('table', r.to)) return undefined;
      const old = tableRef(table);
      renameTableIn(model, r.schema, r.from, r.to);
      return { op: 'rename_object', target: { kind: 'table', object: table }, from: old };
    }
    case 'view': {
      const view = findView(model, r.schema, r.from);
      if (view === undefined || findView(model, r.schema, r.to) !== undefined || !lands('view', r.to)) return undefined;
      const old = tableRef(view);
      view.name = r.to;
      return { op: 'rename_object', target: { kind: 'view', object: view }, from: old };
    }
    case 'column': {
      const table = findTable(model, r.schema, r.table ?? '');
      if (table === undefined || !table.columns.some((c) => c.name === r.from) || table.columns.some((c) => c.name === r.to) || !lands('column', r.to))
        return undefined;
      return { op: 'rename_column', table: tableRef(table), from: r.from, column: renameColumnIn(model, table, r.from, r.to) };
    }
    case 'index': {
      const table = findTable(model, r.schema, r.table ?? '');
      const index = table?.indexes.find((x) => x.name === r.from);
      if (table === undefined || index === undefined || table.indexes.some((x) => x.name === r.to) || !lands('index', r.to)) return undefined;
      index.name = r.to;
      return { op: 'rename_index', table: tableRef(table), from: r.from, index };
    }
  }
}

/** One rename on a copy of `schema` (as `redb mv` records it); undefined when the old name is missing or the new one taken. */
export function renameInSchema(schema: Schema, r: Rename): Schema | undefined {
  const copy = structuredClone(normalizeSchema(schema)) as Schema;
  return applyOne(copy, r, () => true) === undefined ? undefined : normalizeSchema(copy);
}

/**
 * Apply recorded renames to a copy of `from` where they fit: the old name exists on the `from` side,
 * the new one does not, and the `to` side has where the renames end up. Renames that do not fit (the
 * object was dropped since, or the record belongs to another history) are left out. Returns the
 * rename operations and `from` as renamed, which the rest of the diff and the compilers start from.
 */
export function applyRenames(fromInput: Schema, to: Schema, renames: readonly Rename[]): { operations: Operation[]; from: Schema } {
  if (renames.length === 0) return { operations: [], from: fromInput };
  const from = structuredClone(normalizeSchema(fromInput)) as Schema;
  const operations: Operation[] = [];
  renames.forEach((r, i) => {
    const target = finalName(r, renames.slice(i + 1));
    // A column or index renamed before its table was: the table is on the far side under its last name.
    const owner = r.table === undefined ? '' : finalName({ kind: 'table', schema: r.schema, from: r.table, to: r.table }, renames.slice(i + 1));
    const after = findTable(to, r.schema, owner);
    const lands = (kind: RenameKind): boolean => {
      switch (kind) {
        case 'table':
          return findTable(to, r.schema, target) !== undefined;
        case 'view':
          return findView(to, r.schema, target) !== undefined;
        case 'column':
          return after?.columns.some((c) => c.name === target) === true;
        case 'index':
          return after?.indexes.some((x) => x.name === target) === true;
      }
    };
    const op = applyOne(from, r, lands);
    // A snapshot: later renames go on changing the same objects (a → tmp, b → a, tmp → b).
    if (op !== undefined) operations.push(structuredClone(op));
  });
  return { operations, from: normalizeSchema(from) };
}

/** A rename the diff saw but nobody recorded, with the command that records it. */
export interface RenameSuggestion {
  readonly rename: Rename;
  readonly command: string;
}

const qualifiedArg = (schema: string | undefined, ...parts: string[]) => [schema, ...parts].filter((p) => p !== undefined).join('.');

function suggestion(rename: Rename): RenameSuggestion {
  const old =
    rename.kind === 'table' || rename.kind === 'view' ? qualifiedArg(rename.schema, rename.from) : qualifiedArg(rename.schema, rename.table ?? '', rename.from);
  return { rename, command: `redb mv ${rename.kind} ${old} ${rename.to}` };
}

/** Pairs of one dropped and one added thing that match exactly; ambiguous matches are not offered. */
function uniquePairs<T>(dropped: readonly T[], added: readonly T[], alike: (a: T, b: T) => boolean): [T, T][] {
  const out: [T, T][] = [];
  for (const d of dropped) {
    const matches = added.filter((a) => alike(d, a));
    if (matches.length === 1 && dropped.filter((x) => alike(x, matches[0] as T)).length === 1) out.push([d, matches[0] as T]);
  }
  return out;
}

const columnShape = (c: Column) => ({ ...c, name: '' });
const tableShape = (t: Table) => ({ columns: t.columns, primaryKey: t.primaryKey === undefined ? undefined : { ...t.primaryKey, name: undefined } });

/** Likely renames in a diff: a dropped and an added object (or column, or index) of the same shape. */
export function suggestRenames(operations: readonly Operation[]): RenameSuggestion[] {
  const dropped = (kind: 'table' | 'view') =>
    operations.flatMap((o) => (o.op === 'drop_object' && o.target.kind === kind ? [o.target.object as Table & View] : []));
  const created = (kind: 'table' | 'view') =>
    operations.flatMap((o) => (o.op === 'create_object' && o.target.kind === kind ? [o.target.object as Table & View] : []));
  const out: RenameSuggestion[] = [];
  for (const [a, b] of uniquePairs(dropped('table'), created('table'), (x, y) => sameSchema(x.schema, y.schema) && deepEqual(tableShape(x), tableShape(y)))) {
    out.push(suggestion({ kind: 'table', schema: a.schema, from: a.name, to: b.name }));
  }
  for (const [a, b] of uniquePairs(dropped('view'), created('view'), (x, y) => sameSchema(x.schema, y.schema) && x.definition === y.definition)) {
    out.push(suggestion({ kind: 'view', schema: a.schema, from: a.name, to: b.name }));
  }
  type Part<T> = { table: TableRef; item: T };
  const sameTable = (x: TableRef, y: TableRef) => x.name === y.name && sameSchema(x.schema, y.schema);
  const cols = (op: 'drop_column' | 'add_column') => operations.flatMap((o): Part<Column>[] => (o.op === op ? [{ table: o.table, item: o.column }] : []));
  for (const [a, b] of uniquePairs(
    cols('drop_column'),
    cols('add_column'),
    (x, y) => sameTable(x.table, y.table) && deepEqual(columnShape(x.item), columnShape(y.item)),
  )) {
    out.push(suggestion({ kind: 'column', schema: a.table.schema, table: a.table.name, from: a.item.name, to: b.item.name }));
  }
  const idx = (op: 'drop_index' | 'add_index') => operations.flatMap((o): Part<Index>[] => (o.op === op ? [{ table: o.table, item: o.index }] : []));
  const indexShape = (i: Index) => ({ ...i, name: '' });
  for (const [a, b] of uniquePairs(
    idx('drop_index'),
    idx('add_index'),
    (x, y) => sameTable(x.table, y.table) && x.item.name !== y.item.name && deepEqual(indexShape(x.item), indexShape(y.item)),
  )) {
    out.push(suggestion({ kind: 'index', schema: a.table.schema, table: a.table.name, from: a.item.name, to: b.item.name }));
  }
  return out;
}
