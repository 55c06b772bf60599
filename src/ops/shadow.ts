import type { Adapter, DbTarget } from '../adapters/adapter.js';
import { errors } from '../errors.js';
import { describeOperation, diffSchemas, schemasEqual, type Plan, type Schema } from '../unified/index.js';

export type ShadowOutcome = 'verified' | 'unavailable';

/**
 * Rehearse a plan before it touches the target: build the live schema on an empty shadow, run the
 * plan there, and compare what results with the target. The target is compared as the engine
 * spells it (built on a second, fresh shadow), so an expression a person wrote one way and the
 * engine stores another way is not a mismatch; a plan that leaves anything different is.
 */
export async function rehearse(adapter: Adapter, target: DbTarget, live: Schema, plan: Plan, desired: Schema): Promise<ShadowOutcome> {
  if (adapter.openShadow === undefined) return 'unavailable';
  const build = async (schema: Schema, then?: Plan): Promise<Schema> => {
    const shadow = await (adapter.openShadow as NonNullable<Adapter['openShadow']>)(target);
    try {
      const empty = await shadow.connection.introspect();
      await shadow.connection.apply(adapter.dialect.compile({ operations: diffSchemas(empty, schema), from: empty, to: schema }));
      if (then !== undefined) await shadow.connection.apply(then);
      return await shadow.connection.introspect();
    } finally {
      await shadow.connection.close().catch(() => undefined);
      await shadow.drop();
    }
  };
  const result = await build(live, plan);
  if (schemasEqual(result, desired)) return 'verified';
  const expected = await build(desired);
  if (schemasEqual(result, expected)) return 'verified';
  const differences = diffSchemas(expected, result).map((op) => {
    const line = describeOperation(op);
    return `${line.sign} ${line.kind} ${line.id}${line.detail === undefined ? '' : ` ${line.detail}`}`;
  });
  throw errors.shadowMismatch(target.name, differences);
}
