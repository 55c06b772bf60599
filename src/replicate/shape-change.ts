import type { ChangeColumn } from '../adapters/changes.js';
import type { Column, Rename, Table } from '../unified/index.js';

/**
 * What a relation event says about a table's columns, against what the job knew of them, and the
 * target table that follows it. Pure decisions over data: the follower (job-schema.ts) feeds them
 * the stream's relation, the source's catalog and the renames `redb migrate` recorded.
 *
 * A column gone and another come is a rename only when a recorded rename leads from the one to the
 * other (a `redb mv` the source was migrated with); otherwise it is a drop and an add, never guessed.
 */

export interface ShapeChange {
  /** Source column names. */
  readonly added: readonly string[];
  readonly dropped: readonly string[];
  readonly renamed: readonly { readonly from: string; readonly to: string }[];
  readonly retyped: readonly string[];
}

export const isNoChange = (c: ShapeChange): boolean => c.added.length + c.dropped.length + c.renamed.length + c.retyped.length === 0;

const sameType = (a: Column, b: Column): boolean => a.type.native.toLowerCase() === b.type.native.toLowerCase();

const sameSchema = (a: string | undefined, b: string | undefined): boolean => a === undefined || b === undefined || a === b;

/**
 * `known`: the source columns the job maps now; `relation`: the shape the stream now carries;
 * `live`: the source table as its catalog has it (types, generated columns); `renames`: recorded
 * renames, oldest first.
 */
export function shapeChange(known: readonly Column[], relation: readonly ChangeColumn[], live: Table, renames: readonly Rename[]): ShapeChange {
  const names = new Set(relation.map((c) => c.name));
  const knownNames = new Set(known.map((c) => c.name));
  const generated = new Set(live.columns.filter((c) => c.generated !== undefined).map((c) => c.name));
  const gone = known.filter((c) => !names.has(c.name)).map((c) => c.name);
  const come = relation.map((c) => c.name).filter((n) => !knownNames.has(n) && !generated.has(n));
  const renamed: { from: string; to: string }[] = [];
  for (const g of gone) {
    let name = g;
    for (const r of renames) {
      if (r.kind === 'column' && r.table === live.name && sameSchema(r.schema, live.schema) && r.from === name) name = r.to;
    }
    if (name !== g && come.includes(name) && !renamed.some((x) => x.to === name)) renamed.push({ from: g, to: name });
  }
  const liveColumn = (n: string) => live.columns.find((c) => c.name === n);
  const retyped = known.flatMap((c) => {
    const to = renamed.find((r) => r.from === c.name)?.to ?? c.name;
    const now = liveColumn(to);
    return names.has(to) && now !== undefined && !sameType(c, now) ? [to] : [];
  });
  return {
    added: come.filter((n) => !renamed.some((r) => r.to === n)),
    dropped: gone.filter((n) => !renamed.some((r) => r.from === n)),
    renamed,
    retyped,
  };
}

/** Text for events and status: `added x, dropped y, renamed a → b, retyped c`. */
export function describeShapeChange(c: ShapeChange): string {
  const parts = [
    ...(c.added.length > 0 ? [`added ${c.added.join(', ')}`] : []),
    ...(c.dropped.length > 0 ? [`dropped ${c.dropped.join(', ')}`] : []),
    ...c.renamed.map((r) => `renamed ${r.from} → ${r.to}`),
    ...(c.retyped.length > 0 ? [`retyped ${c.retyped.join(', ')}`] : []),
  ];
  return parts.length === 0 ? 'no change' : parts.join('; ');
}

const find = (columns: readonly Column[], name: string): Column | undefined =>
  columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase());

export interface TargetFollow {
  /** The target table as it should be after the change. */
  readonly table: Table;
  /** Target column renames, for the planner (a rename keeps its values). */
  readonly renames: readonly { readonly from: string; readonly to: string }[];
}

/**
 * The target table after `change`: `current` (the target as the job made it) with dropped columns
 * gone, renamed ones renamed, retyped ones and added ones as the translation of the source's new
 * shape (`translated`) spells them; keys, indexes and foreign keys over dropped columns go with
 * them. `targetOf` names a source column's current target column. Undefined when the primary key
 * would lose a column: that is no change a replica can follow by itself.
 */
export function followTarget(
  current: Table,
  translated: Table,
  change: ShapeChange,
  targetOf: (source: string) => string | undefined,
): TargetFollow | undefined {
  const gone = new Set(change.dropped.flatMap((d) => targetOf(d) ?? []));
  if (current.primaryKey?.columns.some((c) => gone.has(c)) === true) return undefined;
  const renames = change.renamed.flatMap((r) => {
    const from = targetOf(r.from);
    const to = find(translated.columns, r.to);
    return from === undefined || to === undefined ? [] : [{ from, to: to.name }];
  });
  const retyped = new Set(change.retyped.map((n) => change.renamed.find((r) => r.to === n)?.from ?? n).flatMap((n) => targetOf(n) ?? []));
  const columns = current.columns
    .filter((c) => !gone.has(c.name))
    .map((c) => {
      const renamed = renames.find((r) => r.from === c.name);
      if (renamed !== undefined) {
        const to = find(translated.columns, renamed.to) as Column;
        return retyped.has(c.name) ? to : { ...c, name: to.name };
      }
      return retyped.has(c.name) ? (find(translated.columns, c.name) ?? c) : c;
    });
  for (const a of change.added) {
    const t = find(translated.columns, a);
    if (t !== undefined && find(columns, t.name) === undefined) columns.push(t);
  }
  const keeps = (cols: readonly string[]) => !cols.some((c) => gone.has(c));
  const renamed = (c: string) => renames.find((r) => r.from === c)?.to ?? c;
  const keys = <K extends { readonly column?: string | undefined }>(list: readonly K[] | undefined) =>
    list?.map((k) => (k.column === undefined ? k : { ...k, column: renamed(k.column) }));
  const follow = <T extends { readonly columns: readonly string[]; readonly keys?: readonly { readonly column?: string | undefined }[] | undefined }>(
    c: T,
  ): T => ({
    ...c,
    columns: c.columns.map(renamed),
    ...(c.keys === undefined ? {} : { keys: keys(c.keys) }),
  });
  const indexColumns = (i: Table['indexes'][number]) => i.keys.flatMap((k) => (k.column === undefined ? [] : [k.column]));
  return {
    table: {
      ...current,
      columns,
      ...(current.primaryKey === undefined ? {} : { primaryKey: follow(current.primaryKey) }),
      uniques: current.uniques.filter((u) => keeps(u.columns)).map(follow),
      foreignKeys: current.foreignKeys.filter((f) => keeps(f.columns)).map((f) => ({ ...f, columns: f.columns.map(renamed) })),
      indexes: current.indexes
        .filter((i) => keeps(indexColumns(i)) && keeps(i.include ?? []))
        .map((i) => ({ ...i, keys: keys(i.keys) ?? i.keys, ...(i.include === undefined ? {} : { include: i.include.map(renamed) }) })),
    },
    renames,
  };
}
