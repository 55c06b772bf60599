import { diffSchemas, planHazards, planStatements, type Column, type ColumnType, type Hazard, type Plan, type Schema, type Table } from '../unified/index.js';
import { errors } from '../errors.js';
import { apply, introspect, type Endpoint } from './endpoint.js';
import { tableId, translateTables, type Translated } from './schema-phases.js';

/**
 * A target that has some of a job's tables already, shaped otherwise than the source's: the plan
 * that brings them to the source's shape (as translated for the target's engine), planned by the
 * target's own dialect with migrate's hazard rules. Columns the target lacks are added, columns the
 * source lacks are dropped (drops-data), columns of another type or nullability are altered.
 * Tables the target lacks are clone's to create; keys, indexes and defaults of existing tables are
 * left as they are (the copy and the stream do not depend on them).
 */

export interface TargetShapePlan {
  /** Per table: what differs, for people. */
  readonly tables: readonly { readonly table: string; readonly change: string }[];
  readonly plan: Plan;
  readonly statements: readonly string[];
  readonly hazards: readonly Hazard[];
  /** Hazards the job was not allowed (`--allow`): the plan cannot run without them. */
  readonly blocked: readonly ('drops-data' | 'lossy')[];
}

const lower = (s: string): string => s.toLowerCase();
const findColumn = (columns: readonly Column[], name: string): Column | undefined =>
  columns.find((c) => c.name === name) ?? columns.find((c) => lower(c.name) === lower(name));

/** A type without its spelling: what compares across engines (`int` and `int(11)` are one type). */
function portable(type: ColumnType): unknown {
  const { native: _native, ...rest } = type as ColumnType & { native: string };
  return type.kind === 'array' ? { ...rest, of: portable(type.of) } : rest;
}

const sameType = (sameEngine: boolean, a: ColumnType, b: ColumnType): boolean =>
  lower(a.native).replace(/\s+/g, ' ') === lower(b.native).replace(/\s+/g, ' ') || (!sameEngine && JSON.stringify(portable(a)) === JSON.stringify(portable(b)));

/** The target table as the source's shape wants it, and what differs; undefined when nothing does. */
function desiredTable(live: Table, wanted: Table, sameEngine: boolean): { table: Table; change: string } | undefined {
  const plain = (c: Column) => c.generated === undefined;
  const added = wanted.columns.filter((c) => plain(c) && findColumn(live.columns, c.name) === undefined);
  const extra = live.columns.filter((c) => plain(c) && findColumn(wanted.columns, c.name) === undefined);
  const retyped = live.columns.flatMap((c) => {
    const w = findColumn(wanted.columns, c.name);
    if (w === undefined || !plain(c) || !plain(w)) return [];
    // A key column holds no NULL whatever its declaration says (SQLite lets a key column be declared nullable).
    const keyed = (t: Table, col: Column) => t.primaryKey?.columns.some((k) => lower(k) === lower(col.name)) === true;
    const nullable = (t: Table, col: Column) => col.nullable && !keyed(t, col);
    return sameType(sameEngine, c.type, w.type) && nullable(live, c) === nullable(wanted, w) ? [] : [{ live: c, wanted: w }];
  });
  if (added.length + extra.length + retyped.length === 0) return undefined;
  const gone = new Set(extra.map((c) => c.name));
  const keeps = (cols: readonly string[]) => !cols.some((c) => gone.has(c));
  const columns = live.columns
    .filter((c) => !gone.has(c.name))
    .map((c) => {
      const r = retyped.find((x) => x.live === c);
      return r === undefined ? c : { ...c, type: r.wanted.type, nullable: r.wanted.nullable };
    });
  const describe = (what: string, list: readonly string[]) => (list.length === 0 ? [] : [`${what} ${list.join(', ')}`]);
  return {
    table: {
      ...live,
      columns: [...columns, ...added],
      uniques: live.uniques.filter((u) => keeps(u.columns)),
      foreignKeys: live.foreignKeys.filter((f) => keeps(f.columns)),
      indexes: live.indexes.filter((i) => keeps(i.keys.flatMap((k) => (k.column === undefined ? [] : [k.column]))) && keeps(i.include ?? [])),
    },
    change: [
      ...describe(
        'lacks',
        added.map((c) => c.name),
      ),
      ...describe(
        'has besides',
        extra.map((c) => c.name),
      ),
      ...retyped.map(
        (r) =>
          `${r.live.name} is ${r.live.type.native}${r.live.nullable ? '' : ' NOT NULL'}, the source's ${r.wanted.type.native}${r.wanted.nullable ? '' : ' NOT NULL'}`,
      ),
    ].join('; '),
  };
}

/**
 * The plan for the target's existing tables among `translated` (the job's tables spelled for the
 * target); undefined when they already have the source's shape.
 */
export function planTargetShape(
  translated: Translated,
  live: Schema,
  target: Endpoint,
  sameEngine: boolean,
  allow: { readonly lossy: boolean; readonly drops: boolean },
): TargetShapePlan | undefined {
  const tables: { table: string; change: string }[] = [];
  const replaced = new Map<Table, Table>();
  for (const wanted of translated.schema.tables) {
    const candidates = live.tables.filter((t) => lower(t.name) === lower(wanted.name));
    const there = candidates.find((t) => t.schema === wanted.schema) ?? candidates.find((t) => t.name === wanted.name) ?? candidates[0];
    if (there === undefined) continue;
    const d = desiredTable(there, wanted, sameEngine);
    if (d === undefined) continue;
    replaced.set(there, d.table);
    tables.push({ table: tableId(there), change: d.change });
  }
  if (tables.length === 0) return undefined;
  const to: Schema = { ...live, tables: live.tables.map((t) => replaced.get(t) ?? t) };
  const plan = target.adapter.dialect.compile({ operations: diffSchemas(live, to), from: live, to });
  if (plan.steps.length === 0) return undefined;
  const hazards = planHazards(plan);
  const blocked = [
    ...new Set(
      hazards.flatMap((h) =>
        h.name === 'drops-data' && !allow.drops ? ['drops-data' as const] : h.name === 'lossy' && !allow.lossy ? ['lossy' as const] : [],
      ),
    ),
  ];
  return { tables, plan, statements: planStatements(plan), hazards, blocked };
}

export interface ShapeRequest {
  readonly job: string;
  readonly source: Endpoint;
  readonly target: Endpoint;
  readonly sourceSchema: Schema;
  readonly tables: readonly Table[];
  readonly allowLossy: boolean;
  readonly allowDrops: boolean;
  /** Apply without asking. */
  readonly yes: boolean;
  /** Asks a person; absent where nobody can be asked (no terminal, CI). */
  readonly confirm?: ((plan: TargetShapePlan) => Promise<boolean>) | undefined;
  /** The command that runs the job again with these hazards allowed and `--yes`. */
  readonly command: (allow: readonly string[]) => string;
  readonly onPlan: (plan: TargetShapePlan) => void;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Before a job's first copy: a target whose tables differ from the source's is brought to the
 * source's shape, once the plan is shown and confirmed (`--yes`, or a person at a terminal);
 * otherwise nothing on the target changes. Returns the statements that ran.
 */
export async function settleTargetShape(req: ShapeRequest): Promise<number> {
  const { source, target } = req;
  const same = source.engine === target.engine;
  const expressions = same ? undefined : await (await import('../adapters/expressions/index.js')).loadExpressionTranslator(source.engine, target.engine);
  const translated = translateTables(req.sourceSchema, req.tables, target.engine, req.allowLossy, target.name, expressions);
  const live = await introspect(target, req.signal);
  const shaped = planTargetShape(translated, live, target, same, { lossy: req.allowLossy, drops: req.allowDrops });
  if (shaped === undefined) return 0;
  req.onPlan(shaped);
  const refuse = () =>
    errors.replicateTargetDiffers(req.job, target.name, shaped.tables, shaped.statements.length, shaped.blocked, `${req.command(shaped.blocked)} --yes`);
  if (shaped.blocked.length > 0) throw refuse();
  if (!req.yes) {
    if (req.confirm === undefined) throw refuse();
    if (!(await req.confirm(shaped))) throw errors.aborted(`replication job ${req.job}`);
  }
  req.signal?.throwIfAborted();
  return apply(target, shaped.plan, req.signal);
}
