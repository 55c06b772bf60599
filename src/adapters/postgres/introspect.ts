import type { ClientBase } from 'pg';
import {
  MODEL_VERSION,
  normalizeSchema,
  objectPath,
  type NativeObject,
  type KnownObjects,
  type Namespace,
  type Schema,
  type Table,
  type Trigger,
  type View,
} from '../../unified/index.js';
import type * as q from './catalog-objects.js';
import { sendCatalog, type CatalogRows } from './catalog-read.js';
import { mapRoutines, mapSequence, mapTrigger, mapUserTypes } from './introspect-objects.js';
import { mapNative } from './introspect-natives.js';
import { relationNatives } from './introspect-table-natives.js';
import { mapTable, mapView, orUndefined, type RelationRows } from './introspect-tables.js';
import { tableRowKey } from './row-keys.js';
import { qname } from './sql-text.js';
import type { PgTypeInfo } from './types.js';
import { groupBy } from '../group-by.js';

/** PostgreSQL's own comment on `public`: a schema that says only this is the default one. */
const DEFAULT_PUBLIC_COMMENT = 'standard public schema';

/**
 * `public` exists in every new database, so it is part of the model only when it differs from the
 * default (its comment was changed or removed); every other user schema is a namespace.
 */
function mapNamespace(raw: q.RawNamespace): Namespace | undefined {
  if (raw.name === 'public' && raw.comment === DEFAULT_PUBLIC_COMMENT) return undefined;
  return { name: raw.name, comment: orUndefined(raw.comment) };
}

/** The schema of the connected database, with a fixed number of catalog queries. */
export async function introspectPostgres(client: ClientBase, known?: KnownObjects, sent?: Promise<CatalogRows>): Promise<Schema> {
  // The rows may have been asked for already, before the model was loaded (`sent`).
  const { namespaces, extensions, typeInfo, userTypes, relations, columns, constraints, indexes, triggers, policies, routines, natives, decorations } =
    await (sent ?? sendCatalog(client));
  const types = new Map<string, PgTypeInfo>(
    typeInfo.map((t) => [t.oid, { name: t.name, schema: t.schema, typtype: t.typtype, category: t.category, elem: orUndefined(t.elem) }]),
  );
  const byRel: RelationRows = {
    types,
    columns: columns.byRel,
    attributes: columns.attributes,
    decorations,
    constraints: groupBy(constraints, (k) => k.rel),
    indexes: groupBy(indexes, (i) => i.rel),
    policies: groupBy(policies, (p) => p.rel),
  };
  // Rows of relations outside the model (system or extension tables) fall out here.
  const relById = new Map(relations.map((r) => [r.oid, r]));
  const tables: Table[] = [];
  const relationExtras: NativeObject[] = [];
  for (const r of relations) {
    if (r.kind === 'r' || r.kind === 'p') {
      // A table whose rows gave a file the working tree still has is that file: not built again.
      const key = known === undefined ? undefined : tableRowKey(r, byRel);
      const file = key === undefined ? undefined : known?.lookup(key);
      if (key !== undefined && file !== undefined && file.path === objectPath('table', { schema: r.schema, name: r.name })) {
        known?.reused.push({ key, file });
      } else {
        const table = mapTable(r, byRel);
        if (key !== undefined) known?.built.set(table, key);
        tables.push(table);
      }
    }
    relationExtras.push(...relationNatives(r, byRel));
  }
  const views: View[] = relations.filter((r) => r.kind === 'v' || r.kind === 'm').map((r) => mapView(r, byRel));
  // Identity columns own their sequence: it comes back with the column.
  const sequences = relations.filter((r) => r.kind === 'S' && r.owner_deptype !== 'i').map(mapSequence);
  const typed = mapUserTypes(
    userTypes,
    types,
    byRel.columns,
    groupBy(constraints, (k) => k.domain),
  );
  const { routines: functions, natives: aggregates } = mapRoutines(routines);
  const modelTriggers: Trigger[] = triggers.flatMap((t) => {
    const rel = relById.get(t.rel);
    return rel === undefined ? [] : [mapTrigger(t, rel)];
  });
  const otherNatives = natives.flatMap((n) => {
    const native = n.rel === null || relById.has(n.rel) ? mapNative(n) : undefined;
    return native === undefined ? [] : [native];
  });
  // Legacy inheritance (INHERITS) has no place in the model: the link is kept as native DDL.
  const inheritance = relations
    .flatMap((r) => (r.inherits === null ? [] : [{ ...r, inherits: r.inherits }]))
    .map((r) => ({
      type: 'inheritance',
      schema: r.schema,
      name: r.name,
      definition: r.inherits.map((p) => `ALTER TABLE ${qname(r)} INHERIT ${p}`).join(';\n'),
    }));

  return normalizeSchema(
    {
      version: MODEL_VERSION,
      engine: 'postgres',
      namespaces: namespaces.map(mapNamespace).filter((n): n is Namespace => n !== undefined),
      extensions: extensions.map((e) => ({ name: e.name, schema: e.schema })),
      enums: typed.enums,
      domains: typed.domains,
      composites: typed.composites,
      sequences,
      tables,
      views,
      routines: functions,
      triggers: modelTriggers,
      natives: [...typed.natives, ...aggregates, ...otherNatives, ...inheritance, ...relationExtras],
    },
    known,
  );
}
