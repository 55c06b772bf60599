import { typeContradiction, type ColumnType } from './column-type.js';
import type { EngineFacts } from './engine-facts.js';
import type { ForeignKey, Schema, Table } from './model.js';
import { kindContradiction } from './native-kind.js';
import { KINDS, objectKey, type ObjectKind } from './objects.js';

/**
 * What makes a schema impossible on its engine, found on the model itself: a merge or a hand edit
 * can produce any of these, each file valid on its own, and the engine would refuse them only at
 * migrate. `error`: the engine refuses the DDL; `warning`: the engine accepts it but it cannot work
 * (SQLite creates a foreign key to a missing table, and fails every insert through it).
 */
export interface SchemaProblem {
  readonly kind: ObjectKind;
  readonly object: unknown;
  /** Where in the object's file: `columns.2.name`, `foreignKeys.0.references.table`. */
  readonly field: string;
  readonly detail: string;
  readonly level: 'error' | 'warning';
}

export interface ProblemScope {
  /** The schema holds every object (not only the changed ones): check references between objects too. */
  readonly whole: boolean;
}

type Found = Omit<SchemaProblem, 'kind' | 'object' | 'level'> & { readonly level?: 'warning' };

const key = (schema: string | undefined, name: string) => `${schema ?? ''}\u0000${name}`;
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((c) => b.includes(c));
const startsWith = (a: readonly string[], prefix: readonly string[]) => prefix.length <= a.length && prefix.every((c, i) => a[i] === c);

function typeProblem(facts: EngineFacts, type: ColumnType): { field: string; detail: string } | undefined {
  return typeContradiction(type) ?? kindContradiction(facts, type);
}

/** Problems within one table: its columns, and the keys that name them. */
function tableProblems(facts: EngineFacts, t: Table): Found[] {
  const out: Found[] = [];
  const columns = new Set<string>();
  t.columns.forEach((c, i) => {
    if (columns.has(c.name)) out.push({ field: `columns.${i}.name`, detail: `a second column named '${c.name}'` });
    columns.add(c.name);
    const type = typeProblem(facts, c.type);
    if (type !== undefined) out.push({ field: `columns.${i}.type.${type.field}`, detail: type.detail });
  });
  const missing = (field: string, names: readonly (string | undefined)[], what: string) =>
    names.forEach((n, i) => {
      if (n !== undefined && !columns.has(n)) out.push({ field: `${field}.${i}`, detail: `${what} names column '${n}', which ${t.name} does not have` });
    });
  if (t.primaryKey !== undefined) missing('primaryKey.columns', t.primaryKey.columns, 'the primary key');
  t.uniques.forEach((u, i) => missing(`uniques.${i}.columns`, u.columns, `unique constraint ${u.name ?? i}`));
  t.foreignKeys.forEach((f, i) => {
    missing(`foreignKeys.${i}.columns`, f.columns, `foreign key ${f.name ?? i}`);
    if (f.columns.length !== f.references.columns.length) {
      out.push({
        field: `foreignKeys.${i}.references.columns`,
        detail: `foreign key ${f.name ?? i} has ${f.columns.length} column(s) but references ${f.references.columns.length}`,
      });
    }
  });
  t.indexes.forEach((x, i) => {
    missing(
      `indexes.${i}.keys`,
      x.keys.map((k) => k.column),
      `index ${x.name}`,
    );
    if (x.include !== undefined) missing(`indexes.${i}.include`, x.include, `index ${x.name}`);
  });
  const dup = (field: string, names: readonly (string | undefined)[], what: string) => {
    const seen = new Set<string>();
    names.forEach((n, i) => {
      if (n === undefined) return;
      if (seen.has(n)) out.push({ field: `${field}.${i}.name`, detail: `a second ${what} named '${n}' in ${t.name}` });
      seen.add(n);
    });
  };
  dup(
    'indexes',
    t.indexes.map((x) => x.name),
    'index',
  );
  dup(
    'uniques',
    t.uniques.map((u) => u.name),
    'unique constraint',
  );
  dup(
    'foreignKeys',
    t.foreignKeys.map((f) => f.name),
    'foreign key',
  );
  dup(
    'checks',
    t.checks.map((c) => c.name),
    'check constraint',
  );
  dup(
    'policies',
    t.policies.map((p) => p.name),
    'policy',
  );
  return out;
}

/** Whether `columns` of `parent` are a key a foreign key may reference on the engine. */
function isReferenceable(facts: EngineFacts, parent: Table, columns: readonly string[]): boolean {
  const keys = [
    ...(parent.primaryKey === undefined ? [] : [parent.primaryKey.columns]),
    ...parent.uniques.map((u) => u.columns),
    ...parent.indexes
      .filter((x) => x.unique && x.where === undefined && x.keys.every((k) => k.column !== undefined))
      .map((x) => x.keys.map((k) => k.column as string)),
  ];
  if (facts.foreignKeys.target === 'leading-index') {
    // InnoDB takes any index whose first columns are the referenced ones, in order.
    const indexed = [...keys, ...parent.indexes.filter((x) => x.keys.every((k) => k.column !== undefined)).map((x) => x.keys.map((k) => k.column as string))];
    return indexed.some((k) => startsWith(k, columns));
  }
  return keys.some((k) => sameSet(k, columns));
}

/** Problems between objects: what a foreign key, trigger, partition or sequence refers to. */
function referenceProblems(schema: Schema, facts: EngineFacts): { kind: ObjectKind; object: unknown; found: Found }[] {
  const out: { kind: ObjectKind; object: unknown; found: Found }[] = [];
  const tables = new Map(schema.tables.map((t) => [key(t.schema, t.name), t]));
  const relations = new Set([...schema.tables, ...schema.views, ...schema.natives].map((o) => key(o.schema, o.name)));
  // A table an extension owns is not pulled (PostGIS's spatial_ref_sys): references into its schema are not checked.
  const extensionSchemas = new Set(schema.extensions.map((e) => e.schema ?? 'public'));
  // SQLite creates foreign keys to anything and fails at the first insert through them.
  const fkLevel = facts.foreignKeys.unresolved === 'warning' ? ({ level: 'warning' } as const) : {};

  for (const t of schema.tables) {
    t.foreignKeys.forEach((f: ForeignKey, i) => {
      const refSchema = f.references.schema ?? t.schema;
      // MySQL: a reference into another database is outside this schema.
      if (facts.foreignKeys.qualifiedIsExternal && f.references.schema !== undefined) return;
      const parent = tables.get(key(refSchema, f.references.table));
      const label = `foreign key ${f.name ?? i}`;
      if (parent === undefined) {
        if (refSchema !== undefined && extensionSchemas.has(refSchema) && facts.foreignKeys.extensionSchemas) return;
        out.push({
          kind: 'table',
          object: t,
          found: {
            field: `foreignKeys.${i}.references.table`,
            detail: `${label} references table ${refSchema === undefined ? '' : `${refSchema}.`}${f.references.table}, which does not exist`,
            ...fkLevel,
          },
        });
        return;
      }
      const parentColumns = new Set(parent.columns.map((c) => c.name));
      const absent = f.references.columns.filter((c) => !parentColumns.has(c));
      if (absent.length > 0) {
        out.push({
          kind: 'table',
          object: t,
          found: {
            field: `foreignKeys.${i}.references.columns`,
            detail: `${label} references ${parent.name}(${absent.join(', ')}), which ${parent.name} does not have`,
            ...fkLevel,
          },
        });
      } else if (!isReferenceable(facts, parent, f.references.columns)) {
        const need =
          facts.foreignKeys.target === 'leading-index' ? 'an index that starts with them' : 'a primary key or unique constraint on exactly these columns';
        out.push({
          kind: 'table',
          object: t,
          found: {
            field: `foreignKeys.${i}.references.columns`,
            detail: `${label} references ${parent.name}(${f.references.columns.join(', ')}), which are not a key there: it needs ${need}`,
            ...fkLevel,
          },
        });
      }
    });
    if (t.partitionOf !== undefined && !tables.has(key(t.partitionOf.schema ?? t.schema, t.partitionOf.table))) {
      out.push({
        kind: 'table',
        object: t,
        found: { field: 'partitionOf.table', detail: `a partition of table ${t.partitionOf.table}, which does not exist` },
      });
    }
  }
  for (const tr of schema.triggers) {
    if (!relations.has(key(tr.schema, tr.table)))
      out.push({ kind: 'trigger', object: tr, found: { field: 'table', detail: `trigger ${tr.name} is on ${tr.table}, which does not exist` } });
  }
  for (const s of schema.sequences) {
    if (s.ownedBy === undefined) continue;
    const owner = tables.get(key(s.ownedBy.schema ?? s.schema, s.ownedBy.table));
    if (owner === undefined && !relations.has(key(s.ownedBy.schema ?? s.schema, s.ownedBy.table))) {
      out.push({
        kind: 'sequence',
        object: s,
        found: { field: 'ownedBy.table', detail: `sequence ${s.name} is owned by table ${s.ownedBy.table}, which does not exist` },
      });
    } else if (owner !== undefined && !owner.columns.some((c) => c.name === s.ownedBy?.column)) {
      out.push({
        kind: 'sequence',
        object: s,
        found: { field: 'ownedBy.column', detail: `sequence ${s.name} is owned by ${owner.name}.${s.ownedBy.column}, a column that does not exist` },
      });
    }
  }
  // Tables and views share one namespace of relations.
  const tableNames = new Set(schema.tables.map((t) => key(t.schema, t.name)));
  for (const v of schema.views) {
    if (tableNames.has(key(v.schema, v.name))) out.push({ kind: 'view', object: v, found: { field: 'name', detail: `a table is named ${v.name} too` } });
  }
  return out;
}

/**
 * Everything that makes `schema` impossible on its engine (which `facts` describe), in a stable
 * order. `whole: false` (a schema of the changed objects only) checks each object on its own.
 */
export function schemaProblems(schema: Schema, facts: EngineFacts, scope: ProblemScope = { whole: true }): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const push = (kind: ObjectKind, object: unknown, f: Found) => out.push({ kind, object, field: f.field, detail: f.detail, level: f.level ?? 'error' });
  for (const t of schema.tables) for (const f of tableProblems(facts, t)) push('table', t, f);
  for (const d of schema.domains) {
    const type = typeProblem(facts, d.type);
    if (type !== undefined) push('domain', d, { field: `type.${type.field}`, detail: type.detail });
  }
  for (const c of schema.composites) {
    c.attributes.forEach((a, i) => {
      const type = typeProblem(facts, a.type);
      if (type !== undefined) push('composite', c, { field: `attributes.${i}.type.${type.field}`, detail: type.detail });
    });
  }
  if (scope.whole) for (const r of referenceProblems(schema, facts)) push(r.kind, r.object, r.found);
  // In the order of their files, as a reader of the tree meets them.
  const where = (p: SchemaProblem) => `${KINDS[p.kind].dir}/${objectKey(p.kind, p.object).join('\u0000')}`;
  return out.sort((a, b) => (where(a) < where(b) ? -1 : where(a) > where(b) ? 1 : 0));
}

type Named = { readonly schema?: string | undefined; readonly name: string };

/** The tables and views the objects of `schema` refer to (foreign keys, partitions, triggers, owned sequences). */
export function referencedRelations(schema: Schema): Named[] {
  const out: Named[] = [];
  for (const t of schema.tables) {
    for (const f of t.foreignKeys) out.push({ schema: f.references.schema ?? t.schema, name: f.references.table });
    if (t.partitionOf !== undefined) out.push({ schema: t.partitionOf.schema ?? t.schema, name: t.partitionOf.table });
  }
  for (const tr of schema.triggers) out.push({ schema: tr.schema, name: tr.table });
  for (const s of schema.sequences) if (s.ownedBy !== undefined) out.push({ schema: s.ownedBy.schema ?? s.schema, name: s.ownedBy.table });
  return out;
}

/**
 * Whether going from `from` to `to` (the changed objects of two sides) removes something another
 * object may refer to: a table or view, a column, a primary key, a unique constraint or index. Then
 * the unchanged objects that refer to it must be checked too.
 */
export function losesReferable(from: Schema, to: Schema): boolean {
  const after = new Map(to.tables.map((t) => [key(t.schema, t.name), t]));
  const views = new Set(to.views.map((v) => key(v.schema, v.name)));
  if (from.views.some((v) => !views.has(key(v.schema, v.name)))) return true;
  const keys = (t: Table) => [
    ...(t.primaryKey === undefined ? [] : [t.primaryKey.columns.join('\u0000')]),
    ...t.uniques.map((u) => u.columns.join('\u0000')),
    ...t.indexes.map((x) => x.keys.map((k) => k.column ?? '').join('\u0000')),
  ];
  return from.tables.some((t) => {
    const next = after.get(key(t.schema, t.name));
    if (next === undefined) return true;
    const columns = new Set(next.columns.map((c) => c.name));
    const nextKeys = new Set(keys(next));
    return t.columns.some((c) => !columns.has(c.name)) || keys(t).some((k) => !nextKeys.has(k));
  });
}
