import { errors } from '../errors.js';
import { compileMasker, maskTableOf, type MaskPolicy, type RelationName } from '../policy/index.js';
import { allObjects, objectId, objectPath, serializeObject, type Engine, type ObjectKind, type Schema } from '../unified/index.js';
import { headCommit, readConfig } from '../repo/index.js';
import { columnView, demand, relationId, tableReadable, type AccessScope } from './access.js';
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

/** Who looks, and the bound databases whose tables the schema describes (the access policy judges a table per database). */
export interface SchemaViewer {
  readonly scope: AccessScope;
  readonly databases: readonly string[];
}

/**
 * The schema as the policies let an assistant see it: tables the masking policy denies, or the access
 * policy does not let the caller read in one of the databases, are left out (with their triggers);
 * so are denied columns.
 */
function visible(schema: Schema, policy: MaskPolicy | undefined, viewer: SchemaViewer | undefined, env?: NodeJS.ProcessEnv): Schema {
  if (policy === undefined && viewer === undefined) return schema;
  const masker = policy === undefined ? undefined : compileMasker(policy, { env });
  const readable = (t: Schema['tables'][number]) =>
    masker?.deniesTable(maskTableOf(t)) !== true && (viewer === undefined || viewer.databases.every((db) => tableReadable(viewer.scope, db, t)));
  const hidden = new Set(schema.tables.filter((t) => !readable(t)).map((t) => `${t.schema ?? ''}.${t.name}`));
  const tables = schema.tables
    .filter((t) => !hidden.has(`${t.schema ?? ''}.${t.name}`))
    .map((t) => {
      const denied = new Set(masker?.deniedColumns(maskTableOf(t)) ?? []);
      for (const c of t.columns) if (viewer?.databases.some((db) => columnView(viewer.scope, db, t, c.name) === 'denied')) denied.add(c.name);
      return denied.size === 0 ? t : { ...t, columns: t.columns.filter((c) => !denied.has(c.name)) };
    });
  return { ...schema, tables, triggers: schema.triggers.filter((t) => !hidden.has(`${t.schema ?? ''}.${t.table}`)) };
}

/** The viewer of a ref under an access policy: `db:<name>` is judged by that database, a stored ref by every bound one. */
export async function schemaViewer(ctx: OpContext, scope: AccessScope | undefined, ref: string | undefined): Promise<SchemaViewer | undefined> {
  if (scope === undefined) return undefined;
  if (ref?.startsWith('db:') === true) return { scope, databases: [ref.slice(3)] };
  return { scope, databases: Object.keys((await readConfig(findStore(ctx))).databases) };
}

/**
 * The schema of a ref (a commit, branch, tag, `working` or `db:<name>`): every object, or the ones
 * whose id or name is `object`.
 */
export async function describeSchema(
  ctx: OpContext & { ref?: string; object?: string; policy?: MaskPolicy; access?: AccessScope | undefined },
): Promise<DescribeResult> {
  const store = findStore(ctx);
  const loaded = await loadRef(store, ctx.ref ?? 'HEAD', ctx);
  const full = [...allObjects(loaded.schema)];
  const viewer = await schemaViewer(ctx, ctx.access, ctx.ref);
  const shown = [...allObjects(visible(loaded.schema, ctx.policy, viewer, ctx.env))];
  const matches = (o: (typeof full)[number]) =>
    ctx.object === undefined || objectId(o.kind, o.object) === ctx.object || (o.object as { name?: string }).name === ctx.object;
  const objects = shown
    .filter(matches)
    .map((o) => ({ kind: o.kind, id: objectId(o.kind, o.object), file: `schema/${objectPath(o.kind, o.object)}`, definition: serializeObject(o.object) }));
  if (ctx.object !== undefined && objects.length === 0) {
    if (full.some(matches)) {
      // The access policy's refusal, with its reasons, when it is what hides the table; else the masking policy's.
      const table = full.find((o) => o.kind === 'table' && matches(o));
      if (viewer !== undefined && table !== undefined) {
        for (const db of viewer.databases) demand(viewer.scope, 'read-table', { kind: 'table', database: db, table: relationId(table.object as RelationName) });
      }
      throw errors.mcpDenied(`'${ctx.object}'`);
    }
    throw errors.usage(`no schema object '${ctx.object}' in ${loaded.label}`, 'describe_schema without an object lists them all');
  }
  return { ref: loaded.label, engine: loaded.schema.engine, objects };
}

/** HEAD's objects as `describeSchema` shows them, or none before the first commit: what the MCP server lists as resources. */
export async function headObjects(ctx: OpContext & { policy?: MaskPolicy; access?: AccessScope | undefined }): Promise<readonly SchemaObjectText[]> {
  if ((await headCommit(findStore(ctx))) === undefined) return [];
  return (await describeSchema({ ...ctx, ref: 'HEAD' })).objects;
}
