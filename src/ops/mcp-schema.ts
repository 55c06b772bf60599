import { errors } from '../errors.js';
import { compileMasker, maskTableOf, type MaskPolicy } from '../policy/index.js';
import { headCommit } from '../repo/index.js';
import { allObjects, objectId, objectPath, serializeObject, type Engine, type ObjectKind, type Schema } from '../unified/index.js';
import { findStore, loadRef, type OpContext } from './context.js';

export interface SchemaObjectText {
  readonly kind: ObjectKind;
  /** `public.users`, as diff and log name it. */
  readonly id: string;
  /** Its file in the working tree. */
  readonly file: string;
  /** The object as redb stores it (YAML). */
  readonly definition: string;
}

export interface DescribeResult {
  readonly ref: string;
  readonly engine: Engine;
  readonly objects: readonly SchemaObjectText[];
}

/** The schema as the policy lets an assistant see it: denied tables (and their triggers) and denied columns left out. */
function visible(schema: Schema, policy: MaskPolicy | undefined, env?: NodeJS.ProcessEnv): Schema {
  if (policy === undefined) return schema;
  const masker = compileMasker(policy, { env });
  const hidden = new Set(schema.tables.filter((t) => masker.deniesTable(maskTableOf(t))).map((t) => `${t.schema ?? ''}.${t.name}`));
  const tables = schema.tables
    .filter((t) => !hidden.has(`${t.schema ?? ''}.${t.name}`))
    .map((t) => {
      const denied = masker.deniedColumns(maskTableOf(t));
      return denied.length === 0 ? t : { ...t, columns: t.columns.filter((c) => !denied.includes(c.name)) };
    });
  return { ...schema, tables, triggers: schema.triggers.filter((t) => !hidden.has(`${t.schema ?? ''}.${t.table}`)) };
}

/**
 * The schema of a ref (a commit, branch, tag, `working` or `db:<name>`): every object, or the ones
 * whose id or name is `object`.
 */
export async function describeSchema(ctx: OpContext & { ref?: string; object?: string; policy?: MaskPolicy }): Promise<DescribeResult> {
  const store = findStore(ctx);
  const loaded = await loadRef(store, ctx.ref ?? 'HEAD', ctx);
  const full = [...allObjects(loaded.schema)];
  const shown = [...allObjects(visible(loaded.schema, ctx.policy, ctx.env))];
  const matches = (o: (typeof full)[number]) =>
    ctx.object === undefined || objectId(o.kind, o.object) === ctx.object || (o.object as { name?: string }).name === ctx.object;
  const objects = shown.filter(matches).map((o) => ({ kind: o.kind, id: objectId(o.kind, o.object), file: `schema/${objectPath(o.kind, o.object)}`, definition: serializeObject(o.object) }));
  if (ctx.object !== undefined && objects.length === 0) {
    if (full.some(matches)) throw errors.mcpDenied(`'${ctx.object}'`);
    throw errors.usage(`no schema object '${ctx.object}' in ${loaded.label}`, 'describe_schema without an object lists them all');
  }
  return { ref: loaded.label, engine: loaded.schema.engine, objects };
}

/** HEAD's objects as `describeSchema` shows them, or none before the first commit: what the MCP server lists as resources. */
export async function headObjects(ctx: OpContext & { policy?: MaskPolicy }): Promise<readonly SchemaObjectText[]> {
  if ((await headCommit(findStore(ctx))) === undefined) return [];
  return (await describeSchema({ ...ctx, ref: 'HEAD' })).objects;
}
