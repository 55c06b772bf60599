import type { ColumnType } from './column-type.js';
import type { EngineLimits } from './limits.js';
import type { Column, Table } from './model.js';

/**
 * On an engine whose keys hold a bounded number of bytes (InnoDB: 3,072), unbounded text or bytes
 * cannot be a key: a SQLite `text PRIMARY KEY` spelt `longtext` is refused by MariaDB (error
 * 1170). Columns in a primary key, a unique constraint or a foreign key get a length that fits;
 * plain indexes keep the column and index a prefix of it instead, which loses no value.
 */
export interface KeyLengths {
  /** Per table, the length a column must not exceed to be part of its keys. */
  readonly columns: ReadonlyMap<Table, ReadonlyMap<string, number>>;
  /** Per table and plain index, the prefix length of a key part on long text or bytes. */
  readonly prefixes: ReadonlyMap<Table, ReadonlyMap<string, ReadonlyMap<string, number>>>;
}

/** Bytes a value of the column takes per unit of its length, when its length is bounded by a key; undefined for other kinds. */
function unitBytes(c: Column, perChar: number): number | undefined {
  if (c.type.kind === 'text') return perChar;
  if (c.type.kind === 'binary') return 1;
  return undefined;
}

/** A non-text key part counts as this many bytes (a bigint or a datetime(6); rarely more). */
const OTHER_PART_BYTES = 16;

export function keyLengths(tables: readonly Table[], limit: EngineLimits['textKey']): KeyLengths {
  const columns = new Map<Table, Map<string, number>>();
  const prefixes = new Map<Table, Map<string, Map<string, number>>>();
  if (limit === undefined) return { columns, prefixes };
  const column = (t: Table, name: string) => t.columns.find((c) => c.name === name);
  /** The length each bounded part of a key may have, the key's bytes shared out evenly. */
  const share = (t: Table, names: readonly string[]): Map<string, number> => {
    const parts = names.flatMap((n) => {
      const c = column(t, n);
      const unit = c === undefined ? undefined : unitBytes(c, limit.perChar);
      return c === undefined || unit === undefined ? [] : [{ c, unit }];
    });
    const budget = limit.bytes - (names.length - parts.length) * OTHER_PART_BYTES;
    return new Map(parts.map(({ c, unit }) => [c.name, Math.max(1, Math.floor(budget / parts.length / unit))]));
  };
  const cap = (t: Table, name: string, n: number) => {
    const c = column(t, name);
    const current = c?.type.kind === 'text' || c?.type.kind === 'binary' ? c.type.length : undefined;
    if (current !== undefined && current <= n) return;
    let m = columns.get(t);
    if (m === undefined) columns.set(t, (m = new Map()));
    m.set(name, Math.min(n, m.get(name) ?? n));
  };
  for (const t of tables) {
    const keys = [
      ...(t.primaryKey === undefined ? [] : [t.primaryKey.columns]),
      ...t.uniques.map((u) => u.columns),
      ...t.foreignKeys.map((f) => f.columns),
      ...t.indexes.filter((i) => i.unique).map((i) => i.keys.flatMap((k) => k.column ?? [])),
    ];
    for (const key of keys) for (const [name, n] of share(t, key)) cap(t, name, n);
  }
  // A foreign key's columns and the ones it references must have one type: the shorter length wins on both sides.
  for (let pass = 0; pass < 3; pass++) {
    for (const t of tables) {
      for (const f of t.foreignKeys) {
        const parent = tables.find((p) => p.name === f.references.table && (f.references.schema === undefined || p.schema === f.references.schema));
        if (parent === undefined) continue;
        f.columns.forEach((name, i) => {
          const other = f.references.columns[i];
          if (other === undefined) return;
          const n = Math.min(columns.get(t)?.get(name) ?? Infinity, columns.get(parent)?.get(other) ?? Infinity);
          if (n === Infinity) return;
          cap(t, name, n);
          cap(parent, other, n);
        });
      }
    }
  }
  for (const t of tables) {
    for (const i of t.indexes.filter((x) => !x.unique && (x.method === undefined || x.method === 'btree'))) {
      const names = i.keys.flatMap((k) => (k.column !== undefined && k.length === undefined ? [k.column] : []));
      const lengths = share(t, names);
      for (const [name, n] of lengths) {
        const c = column(t, name);
        const current = columns.get(t)?.get(name) ?? (c?.type.kind === 'text' || c?.type.kind === 'binary' ? c.type.length : undefined);
        if (current !== undefined && current * (c === undefined ? 1 : (unitBytes(c, limit.perChar) ?? 1)) * lengths.size <= limit.bytes) continue;
        let byIndex = prefixes.get(t);
        if (byIndex === undefined) prefixes.set(t, (byIndex = new Map()));
        let parts = byIndex.get(i.name);
        if (parts === undefined) byIndex.set(i.name, (parts = new Map()));
        parts.set(name, n);
      }
    }
  }
  return { columns, prefixes };
}

/** `type` with its length cut to `n` (text or bytes; a fixed CHAR only while the engine's CHAR holds it). */
export function boundedType(type: ColumnType, n: number): ColumnType {
  if (type.kind !== 'text' && type.kind !== 'binary') return type;
  const { fixed, ...rest } = type;
  return { ...rest, length: n, ...(fixed === true && n <= 255 ? { fixed } : {}) };
}
