import type { Adapter, Connection, DbTarget } from '../adapters/adapter.js';
import type { Engine, Plan, Schema } from '../unified/index.js';

/** Engines reached over the network: reading their catalog opens nothing on disk (and may start before checks end). */
export const SERVERS: ReadonlySet<Engine> = new Set<Engine>(['postgres', 'mysql']);

/** A database that rows move from or to: its name for messages, and how to reach its schema. */
export interface Endpoint {
  readonly name: string;
  readonly engine: Engine;
  readonly target: DbTarget;
  readonly adapter: Adapter;
  /** A connection opened (its catalog read sent) before the command loaded its modules: the first introspection takes it, once. */
  readonly early?: (() => Promise<Connection> | undefined) | undefined;
}

export async function introspect(endpoint: Endpoint, signal?: AbortSignal): Promise<Schema> {
  const connection = await (endpoint.early?.() ?? endpoint.adapter.connect(endpoint.target, { signal }));
  try {
    return await connection.introspect({ signal });
  } finally {
    await connection.close();
  }
}

/** Run a plan on the endpoint; the number of statements that ran. */
export async function apply(endpoint: Endpoint, plan: Plan, signal?: AbortSignal): Promise<number> {
  if (plan.steps.length === 0) return 0;
  const connection = await endpoint.adapter.connect(endpoint.target, { signal });
  try {
    return (await connection.apply(plan, { signal })).executed.length;
  } finally {
    await connection.close();
  }
}
