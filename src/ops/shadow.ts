import type { Adapter, DbTarget, Shadow, ShadowStandIn } from '../adapters/adapter.js';
import { manifestOf } from '../adapters/registry.js';
import { errors, isRedbError, RedbError } from '../errors.js';
import { describeOperation, diffSchemas, refText, type Operation, type Plan, type Schema } from '../unified/index.js';

export type ShadowOutcome = 'verified' | 'unavailable';

export interface Rehearsal {
  readonly outcome: ShadowOutcome;
  /** Set when an embedded engine stood in for a scratch database beside the target. */
  readonly standIn?: ShadowStandIn;
  /** What the rehearsal saw that is not a difference but worth saying (a column order the engine cannot keep). */
  readonly notes?: readonly string[];
}

const statementOf = (e: unknown): string => (e instanceof RedbError && typeof e.data.statement === 'string' ? e.data.statement : '');
const detailOf = (e: unknown): string =>
  e instanceof RedbError && typeof e.data.detail === 'string' ? e.data.detail : e instanceof Error ? e.message : String(e);

/**
 * Build `schema` on an empty shadow. A stand-in of another version that cannot hold it (an ICU
 * collation, a language it lacks) says the rehearsal is unavailable: the plan is not at fault.
 */
async function reproduce(shadow: Shadow, adapter: Adapter, target: DbTarget, schema: Schema, phase: string, signal: AbortSignal | undefined): Promise<void> {
  const empty = await shadow.connection.introspect();
  try {
    await shadow.connection.apply(
      adapter.dialect.compile({ operations: diffSchemas(empty, schema), from: empty, to: schema }),
      signal === undefined ? {} : { signal },
    );
  } catch (e) {
    if (isRedbError(e, 'REDB_MIGRATE_INTERRUPTED')) throw errors.migrateInterrupted(target.name, 0, 0, true);
    if (shadow.standIn === undefined) throw errors.shadowFailed(target.name, phase, statementOf(e), detailOf(e)).because(e);
    throw errors
      .shadowUnavailable(target.name, `${shadow.standIn.reason}, and the embedded ${shadow.standIn.server} standing in cannot hold the schema: ${detailOf(e)}`)
      .because(e);
  }
}

const line = (op: Operation): string => {
  const l = describeOperation(op);
  return `${l.sign} ${l.kind} ${l.id}${l.detail === undefined ? '' : ` ${l.detail}`}`;
};

/**
 * Tables whose columns come in another order than the target's. The diff, like status, does not
 * count column order as a difference (an engine that cannot move a column would drift forever), so
 * the rehearsal does not either; it says so instead.
 */
function columnOrderNotes(result: Schema, desired: Schema, engine: string): string[] {
  const wanted = new Map(desired.tables.map((t) => [`${t.schema ?? ''}.${t.name}`, t.columns.map((c) => c.name)]));
  return result.tables.flatMap((t) => {
    const want = wanted.get(`${t.schema ?? ''}.${t.name}`);
    const have = t.columns.map((c) => c.name);
    if (want === undefined || want.length !== have.length || want.every((c, i) => have[i] === c)) return [];
    return [
      `the columns of ${refText(t)} will come in the order ${have.join(', ')} (the target has ${want.join(', ')}): ${engine} cannot move a column without rebuilding the table`,
    ];
  });
}

/**
 * Rehearse a plan before it touches the target: build the live schema on an empty shadow, run the
 * plan there, and compare what results with the target. The target is compared as the engine
 * spells it (built on a second, fresh shadow), so an expression a person wrote one way and the
 * engine stores another way is not a mismatch; a plan that leaves anything different is. A
 * difference is what the diff (and so `status`) calls one, and a view that no longer compiles.
 *
 * The same holds across versions: where an embedded engine of another version stands in, both
 * sides of the comparison are built and read on it, so whatever that version spells or models
 * differently (defaults, NOT NULL constraints, deparsed expressions) appears on both and cancels out.
 */
export async function rehearsal(adapter: Adapter, target: DbTarget, live: Schema, plan: Plan, desired: Schema, signal?: AbortSignal): Promise<Rehearsal> {
  if (adapter.openShadow === undefined) return { outcome: 'unavailable' };
  const openShadow = adapter.openShadow.bind(adapter);
  const extensions = [...new Set([...live.extensions, ...desired.extensions].map((e) => e.name))];
  let standIn: ShadowStandIn | undefined;
  const build = async (schema: Schema, then?: Plan): Promise<{ schema: Schema; broken: readonly string[] }> => {
    if (signal?.aborted === true) throw errors.migrateInterrupted(target.name, 0, 0, true);
    const shadow = await openShadow(target, { extensions, ...(signal === undefined ? {} : { signal }) });
    standIn = shadow.standIn;
    try {
      await reproduce(
        shadow,
        adapter,
        target,
        schema,
        then === undefined ? 'building the target schema (so the target itself does not hold together)' : 'building its current schema',
        signal,
      );
      if (then !== undefined) {
        try {
          await shadow.connection.apply(then, signal === undefined ? {} : { signal });
        } catch (e) {
          if (isRedbError(e, 'REDB_MIGRATE_INTERRUPTED')) throw errors.migrateInterrupted(target.name, 0, 0, true);
          throw errors
            .shadowFailed(
              target.name,
              'running the plan',
              statementOf(e),
              detailOf(e),
              shadow.standIn === undefined ? undefined : `an embedded ${shadow.standIn.server}`,
            )
            .because(e);
        }
      }
      const broken = then === undefined ? [] : ((await shadow.connection.brokenViews?.()) ?? []).map((v) => `~ view ${v.view} no longer compiles: ${v.error}`);
      return { schema: await shadow.connection.introspect(), broken };
    } finally {
      await shadow.connection.close().catch(() => undefined);
      await shadow.drop();
    }
  };
  const result = await build(live, plan);
  const verified = (against: Schema): Rehearsal => {
    const notes = columnOrderNotes(result.schema, against, manifestOf(adapter.engine).name);
    return { outcome: 'verified', ...(standIn === undefined ? {} : { standIn }), ...(notes.length === 0 ? {} : { notes }) };
  };
  if (result.broken.length === 0 && diffSchemas(result.schema, desired).length === 0) return verified(desired);
  const expected = (await build(desired)).schema;
  const differences = [...diffSchemas(expected, result.schema).map(line), ...result.broken];
  if (differences.length === 0) return verified(expected);
  throw errors.shadowMismatch(target.name, differences);
}

/** The outcome of a rehearsal alone. */
export async function rehearse(adapter: Adapter, target: DbTarget, live: Schema, plan: Plan, desired: Schema): Promise<ShadowOutcome> {
  return (await rehearsal(adapter, target, live, plan, desired)).outcome;
}
