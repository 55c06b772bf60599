import type { Adapter, DbTarget, Shadow, ShadowStandIn } from '../adapters/adapter.js';
import { errors, RedbError } from '../errors.js';
import { describeOperation, diffSchemas, schemasEqual, type Plan, type Schema } from '../unified/index.js';

export type ShadowOutcome = 'verified' | 'unavailable';

export interface Rehearsal {
  readonly outcome: ShadowOutcome;
  /** Set when an embedded engine stood in for a scratch database beside the target. */
  readonly standIn?: ShadowStandIn;
}

/**
 * Build `schema` on an empty shadow. A stand-in of another version that cannot hold it (an ICU
 * collation, a language it lacks) says the rehearsal is unavailable: the plan is not at fault.
 */
async function reproduce(shadow: Shadow, adapter: Adapter, target: DbTarget, schema: Schema): Promise<void> {
  const empty = await shadow.connection.introspect();
  try {
    await shadow.connection.apply(adapter.dialect.compile({ operations: diffSchemas(empty, schema), from: empty, to: schema }));
  } catch (e) {
    if (shadow.standIn === undefined) throw e;
    const detail = e instanceof RedbError && typeof e.data.detail === 'string' ? e.data.detail : e instanceof Error ? e.message : String(e);
    throw errors.shadowUnavailable(target.name, `${shadow.standIn.reason}, and the embedded ${shadow.standIn.server} standing in cannot hold the schema: ${detail}`).because(e);
  }
}

/**
 * Rehearse a plan before it touches the target: build the live schema on an empty shadow, run the
 * plan there, and compare what results with the target. The target is compared as the engine
 * spells it (built on a second, fresh shadow), so an expression a person wrote one way and the
 * engine stores another way is not a mismatch; a plan that leaves anything different is.
 *
 * The same holds across versions: where an embedded engine of another version stands in, both
 * sides of the comparison are built and read on it, so whatever that version spells or models
 * differently (defaults, NOT NULL constraints, deparsed expressions) appears on both and cancels out.
 */
export async function rehearsal(adapter: Adapter, target: DbTarget, live: Schema, plan: Plan, desired: Schema): Promise<Rehearsal> {
  if (adapter.openShadow === undefined) return { outcome: 'unavailable' };
  const openShadow = adapter.openShadow.bind(adapter);
  const extensions = [...new Set([...live.extensions, ...desired.extensions].map((e) => e.name))];
  let standIn: ShadowStandIn | undefined;
  const build = async (schema: Schema, then?: Plan): Promise<Schema> => {
    const shadow = await openShadow(target, { extensions });
    standIn = shadow.standIn;
    try {
      await reproduce(shadow, adapter, target, schema);
      if (then !== undefined) await shadow.connection.apply(then);
      return await shadow.connection.introspect();
    } finally {
      await shadow.connection.close().catch(() => undefined);
      await shadow.drop();
    }
  };
  const verified = (): Rehearsal => (standIn === undefined ? { outcome: 'verified' } : { outcome: 'verified', standIn });
  const result = await build(live, plan);
  if (schemasEqual(result, desired)) return verified();
  const expected = await build(desired);
  if (schemasEqual(result, expected)) return verified();
  const differences = diffSchemas(expected, result).map((op) => {
    const line = describeOperation(op);
    return `${line.sign} ${line.kind} ${line.id}${line.detail === undefined ? '' : ` ${line.detail}`}`;
  });
  throw errors.shadowMismatch(target.name, differences);
}

/** The outcome of a rehearsal alone. */
export async function rehearse(adapter: Adapter, target: DbTarget, live: Schema, plan: Plan, desired: Schema): Promise<ShadowOutcome> {
  return (await rehearsal(adapter, target, live, plan, desired)).outcome;
}
