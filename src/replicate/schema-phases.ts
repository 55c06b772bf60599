import { factsOf } from '../adapters/registry.js';
import type { Dialect } from '../adapters/adapter.js';
import { errors } from '../errors.js';
import {
  allObjects,
  diffSchemas,
  emptySchema,
  limitProblems,
  objectKey,
  refuseLimitProblems,
  translateSchema,
  type Engine,
  type ExpressionTranslator,
  type Loss,
  type ObjectKind,
  type Operation,
  type Plan,
  type Schema,
  type Table,
} from '../unified/index.js';

/**
 * The schema side of a clone: which tables, translated for the target engine, and split in two
 * plans. `create` makes the tables bare (no secondary indexes; keys only where the engine keeps
 * rows in key order; foreign keys only where the engine cannot add them later); `finish` adds keys,
 * indexes, foreign keys, views and triggers after the rows are in, which is much faster than maintaining them row by row and keeps
 * triggers from firing on copied rows.
 */

export const tableId = (t: { schema?: string | undefined; name: string }): string => (t.schema === undefined ? t.name : `${t.schema}.${t.name}`);

/** The tables `--tables` names (`name` or `schema.name`), or all of them. */
export function selectTables(tables: readonly Table[], names: readonly string[] | undefined, dbName: string): Table[] {
  if (names === undefined || names.length === 0) return [...tables];
  return names.map((n) => {
    const found = tables.find((t) => tableId(t) === n) ?? tables.find((t) => t.name === n) ?? tables.find((t) => t.name.toLowerCase() === n.toLowerCase());
    if (found === undefined) throw errors.cloneTableMissing(dbName, n);
    return found;
  });
}

/** Kinds with no portable meaning: across engines their values can only travel as text. */
const UNMAPPED = new Set(['other', 'user', 'spatial']);

export interface Translated {
  readonly schema: Schema;
  readonly losses: readonly Loss[];
  /** Foreign keys left out because they reference a table that is not copied. */
  readonly warnings: readonly string[];
}

/**
 * The source schema, limited to `tables`, spelled for `to`. A choice that loses something needs
 * `allowLossy`; a type with no portable meaning is named on its own, since it cannot be mapped.
 */
export function translateTables(
  source: Schema,
  tables: readonly Table[],
  to: Engine,
  allowLossy: boolean,
  targetName: string,
  expressions?: ExpressionTranslator,
): Translated {
  const whole = tables.length === source.tables.length;
  const keep = new Set(tables);
  const copied = new Set(tables.map(tableId));
  const warnings: string[] = [];
  const subset: Schema = {
    ...source,
    tables: source.tables
      .filter((t) => keep.has(t))
      .map((t) => {
        const outside = t.foreignKeys.filter((f) => !copied.has(tableId({ schema: f.references.schema ?? t.schema, name: f.references.table })));
        for (const f of outside)
          warnings.push(
            `foreign key ${f.name ?? f.columns.join(', ')} of ${tableId(t)} is not created: it references ${f.references.table}, which is not copied`,
          );
        return outside.length === 0 ? t : { ...t, foreignKeys: t.foreignKeys.filter((f) => !outside.includes(f)) };
      }),
    // A sequence owned by a table left out goes with it (it cannot be owned by a table the target lacks).
    sequences: source.sequences.filter((q) => q.ownedBy === undefined || copied.has(tableId({ schema: q.ownedBy.schema ?? q.schema, name: q.ownedBy.table }))),
    // Views and routines may read any table: they come along only with the whole database.
    views: whole ? source.views : [],
    routines: whole ? source.routines : [],
    natives: whole ? source.natives : [],
    triggers: source.triggers.filter((tr) => tables.some((t) => t.name === tr.table && t.schema === tr.schema)),
  };
  if (source.engine !== to && !allowLossy) {
    const domains = new Set(source.domains.map((d) => tableId(d)));
    for (const t of subset.tables) {
      for (const c of t.columns) {
        if (UNMAPPED.has(c.type.kind) && !(c.type.kind === 'user' && domains.has(c.type.ref)))
          throw errors.cloneTypeUnmapped(tableId(t), c.name, c.type.native, to);
      }
    }
  }
  const { schema, losses, notes } = translateSchema(subset, factsOf(to), { expressions });
  // Names the target cannot tell apart, and what it would refuse or cut, stop the clone before the
  // target is opened (a file database is not even created). The source proves its own engine's limits.
  if (source.engine !== to) refuseLimitProblems(limitProblems(schema, factsOf(to)), targetName, 'nothing was written');
  if (losses.length > 0 && !allowLossy)
    throw errors.cloneLossy(
      targetName,
      losses.map((l) => `${l.object}: ${l.from} → ${l.to} (${l.reason})`),
    );
  // Storage options (engine, charset, row format) are reported, never a reason to refuse.
  return { schema, losses, warnings: [...warnings, ...notes.map((n) => `note: ${n.object}: ${n.from} → ${n.to} (${n.reason})`)] };
}

export interface Phases {
  readonly create: Plan;
  readonly finish: Plan;
}

/**
 * Whether the target has what an operation would create already: an object of that kind and name,
 * or, on a table, an index or foreign key of that name (a resumed clone, or the user's own table).
 * Names compare without case, and without the schema where the target reads back none (DuckDB's
 * `main`): a resumed clone must find the tables it created.
 */
function present(live: Schema): (op: Operation) => boolean {
  const keyOf = (kind: ObjectKind, object: unknown, withSchema: boolean) => {
    const key = objectKey(kind, object);
    const o = object as { schema?: string };
    return `${kind}\u0000${(withSchema || o.schema === undefined ? key : key.slice(1)).join('\u0000').toLowerCase()}`;
  };
  const objects = [...allObjects(live)];
  const keys = new Set(objects.map((o) => keyOf(o.kind, o.object, true)));
  const unqualified = new Set(objects.filter((o) => (o.object as { schema?: string }).schema === undefined).map((o) => keyOf(o.kind, o.object, true)));
  const has = (kind: ObjectKind, object: unknown) => keys.has(keyOf(kind, object, true)) || unqualified.has(keyOf(kind, object, false));
  const tableOf = (ref: { schema?: string | undefined; name: string }) =>
    live.tables.find(
      (t) =>
        t.name.toLowerCase() === ref.name.toLowerCase() &&
        (t.schema === undefined || ref.schema === undefined || t.schema.toLowerCase() === ref.schema.toLowerCase()),
    );
  return (op) => {
    if (op.op === 'create_object') return has(op.target.kind, op.target.object);
    if (op.op !== 'add_index' && op.op !== 'add_constraint' && op.op !== 'set_primary_key') return false;
    const table = tableOf(op.table);
    if (table === undefined) return false;
    if (op.op === 'set_primary_key') return table.primaryKey !== undefined;
    if (op.op === 'add_index') return table.indexes.some((i) => i.name.toLowerCase() === op.index.name.toLowerCase());
    const c = op.constraint;
    if (c.type === 'unique') return table.uniques.some((u) => u.columns.join() === c.def.columns.join());
    return (
      c.type === 'foreign_key' && table.foreignKeys.some((f) => (f.name !== undefined && f.name === c.def.name) || f.columns.join() === c.def.columns.join())
    );
  };
}

/** How the target engine wants its tables for a load (RowTarget's flags of the same names). */
export interface LoadShape {
  readonly foreignKeysAtCreate: boolean;
  readonly keysAfterLoad: boolean;
}

/** The two plans, leaving out whatever the target has already (its own tables are kept as they are). */
export function schemaPhases(schema: Schema, live: Schema, dialect: Dialect, shape: LoadShape): Phases {
  const bare: Schema = {
    ...schema,
    tables: schema.tables.map((t) => ({
      ...t,
      indexes: [],
      foreignKeys: shape.foreignKeysAtCreate ? t.foreignKeys : [],
      ...(shape.keysAfterLoad ? { primaryKey: undefined, uniques: [] } : {}),
    })),
    views: [],
    triggers: [],
    natives: [],
  };
  const there = present(live);
  const empty = emptySchema(schema.engine);
  const create = diffSchemas(empty, bare).filter((op) => !there(op));
  const finish = diffSchemas(bare, schema).filter((op) => !there(op));
  return {
    create: dialect.compile({ operations: create, from: empty, to: bare }),
    finish: dialect.compile({ operations: finish, from: bare, to: schema }),
  };
}

/**
 * Columns generated on the source that `translated` (the target's form of `tables`) holds as plain
 * columns: a change stream carries no generated values, so a replica could not keep them current.
 */
export function plainGenerated(tables: readonly Table[], translated: Schema): string[] {
  return tables.flatMap((t) => {
    // The target's table: of the same schema, or of none where the target has no schemas (SQLite).
    const made = translated.tables.find((x) => x.name === t.name && (x.schema === t.schema || x.schema === undefined));
    return t.columns
      .filter((c) => c.generated !== undefined && made !== undefined && made.columns.find((m) => m.name === c.name)?.generated === undefined)
      .map((c) => `${tableId(t)}.${c.name}`);
  });
}
