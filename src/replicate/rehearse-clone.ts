import { errors, isRedbError } from '../errors.js';
import { diffSchemas, type Schema } from '../unified/index.js';
import type { Endpoint } from './endpoint.js';

/**
 * Build the translated schema on a scratch database of the target's engine (beside a server
 * target, or in memory) before the target is touched: a statement the engine refuses stops the
 * clone there, not half-way through creating the target's tables.
 */
export async function rehearseClone(target: Endpoint, schema: Schema, signal?: AbortSignal): Promise<void> {
  const { adapter } = target;
  if (adapter.openShadow === undefined) return;
  const shadow = await adapter.openShadow(target.target, { ...(signal === undefined ? {} : { signal }) });
  try {
    const empty = await shadow.connection.introspect();
    const plan = adapter.dialect.compile({ operations: diffSchemas(empty, schema), from: empty, to: schema });
    await shadow.connection.apply(plan, { signal });
  } catch (e) {
    if (isRedbError(e, 'REDB_MIGRATE_FAILED')) {
      const { statement, detail } = e.data;
      throw errors.cloneRehearsalFailed(target.name, statement, detail).because(e);
    }
    throw e;
  } finally {
    await shadow.connection.close().catch(() => undefined);
    await shadow.drop();
  }
}
