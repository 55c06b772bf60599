import { errors } from '../errors.js';
import { objectPath } from './canonical.js';
import type { EngineFacts } from './engine-facts.js';
import type { Schema, Table } from './model.js';
import { allObjects, type ObjectKind, type SchemaObject } from './objects.js';
import type { Operation } from './operations.js';
import { unhandled } from './unhandled.js';

/**
 * What each engine refuses, or silently changes, in a schema it is asked to create: identifier
 * lengths, columns per table and per key, row and key sizes, and which names share one namespace
 * (and whether it ignores case). Checked before anything is written — by commit for the schema's
 * own engine, by migrate, and by clone for the target engine — so that a name PostgreSQL would cut
 * to 63 bytes, or a table MariaDB would refuse half-way through a clone, is named up front.
 */

export interface EngineLimits {
  /** The engine as messages name it. */
  readonly label: string;
  readonly identifier?: { readonly max: number; readonly unit: 'bytes' | 'characters'; readonly truncates: boolean } | undefined;
  readonly columnsPerTable?: number | undefined;
  readonly columnsPerKey?: number | undefined;
  /** Names compared without regard to case: tables and views (and what shares their namespace), columns. */
  readonly folds: { readonly relations: boolean; readonly columns: boolean };
  /** What shares the namespace of tables and views in a schema. */
  readonly relations: readonly ('sequences' | 'indexes' | 'key-names')[];
  /** Where an index name must be unique: in its table, among the schema's indexes, or among its relations. */
  readonly indexNames: 'table' | 'schema' | 'relations';
  /** Where a named foreign key must be unique. */
  readonly foreignKeyNames: 'table' | 'schema';
  /** Sizes that only this engine's storage knows (MariaDB rows and keys); problems of one table. */
  readonly storage?: ((table: Table, id: string) => readonly Omit<LimitProblem, 'file'>[]) | undefined;
  /** A key over text holds at most this many bytes, at this many bytes per character: unbounded text needs a length to be a key. */
  readonly textKey?: { readonly bytes: number; readonly perChar: number } | undefined;
}

export type LimitKind = 'identifier' | 'columns' | 'key-columns' | 'row-size' | 'key-size' | 'name-clash';

export interface LimitProblem {
  readonly kind: LimitKind;
  /** `column public.t.c`, `table public.t`, ... */
  readonly object: string;
  /** What the object has: `is 64 bytes long`. */
  readonly detail: string;
  /** The limit it passes: `PostgreSQL identifiers are at most 63 bytes (longer ones are truncated)`. */
  readonly limit: string;
  /** The file of the object it belongs to, as under schema/. */
  readonly file: string;
}

const qualified = (schema: string | undefined, name: string) => (schema === undefined ? name : `${schema}.${name}`);

/** Every name an object introduces, with how messages call it. */
function namesOf(o: SchemaObject): { what: string; name: string }[] {
  const id = qualified('schema' in o.object ? o.object.schema : undefined, o.object.name);
  const own = { what: `${o.kind} ${id}`, name: o.object.name };
  switch (o.kind) {
    case 'table': {
      const t = o.object;
      const named = (what: string, name: string | undefined) => (name === undefined ? [] : [{ what: `${what} ${name} of ${id}`, name }]);
      return [
        own,
        ...t.columns.map((c) => ({ what: `column ${id}.${c.name}`, name: c.name })),
        ...named('primary key', t.primaryKey?.name),
        ...t.uniques.flatMap((u) => named('unique', u.name)),
        ...t.foreignKeys.flatMap((f) => named('foreign key', f.name)),
        ...t.checks.flatMap((k) => named('check', k.name)),
        ...t.indexes.flatMap((i) => named('index', i.name)),
      ];
    }
    case 'view':
      return [own, ...o.object.indexes.map((i) => ({ what: `index ${i.name} of ${id}`, name: i.name }))];
    case 'enum':
      return [own, ...o.object.values.map((v) => ({ what: `value '${v}' of enum ${id}`, name: v }))];
    case 'native':
      return [];
    case 'namespace':
    case 'extension':
    case 'domain':
    case 'composite':
    case 'sequence':
    case 'routine':
    case 'trigger':
      return [own];
    default:
      return unhandled(o);
  }
}

const lengthIn = (name: string, unit: 'bytes' | 'characters'): number => (unit === 'bytes' ? Buffer.byteLength(name, 'utf8') : [...name].length);
const shown = (name: string): string => (name.length > 80 ? `${name.slice(0, 77)}…` : name);

interface Named {
  readonly what: string;
  readonly name: string;
  readonly file: string;
  /** The top-level object the name belongs to. */
  readonly o?: SchemaObject | undefined;
}

/** Names that one namespace must hold once, folded as the engine compares them: each clash with its two names. */
function clashes(items: readonly Named[], fold: boolean, scope: string, limits: EngineLimits): { problem: LimitProblem; a: Named; b: Named }[] {
  const seen = new Map<string, Named>();
  const out: { problem: LimitProblem; a: Named; b: Named }[] = [];
  for (const item of items) {
    const key = fold ? item.name.toLowerCase() : item.name;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, item);
      continue;
    }
    const caseOnly = first.name !== item.name;
    out.push({
      a: first,
      b: item,
      problem: {
        kind: 'name-clash',
        object: item.what,
        detail: caseOnly ? `differs only in case from ${first.what}` : `has the same name as ${first.what}`,
        limit: `${limits.label} ${caseOnly ? 'ignores the case of' : 'keeps one namespace for'} ${scope}`,
        file: item.file,
      },
    });
  }
  return out;
}

export interface LimitOptions {
  /** Only problems of these objects (an object of a clash counts); every object by default. */
  readonly only?: ((o: SchemaObject) => boolean) | undefined;
}

/** What the engine of `facts` would refuse or change in `schema`, before anything is written. */
export function limitProblems(schema: Schema, facts: EngineFacts, options: LimitOptions = {}): LimitProblem[] {
  const limits = facts.limits;
  const only = options.only ?? (() => true);
  const out: LimitProblem[] = [];
  const objects = [...allObjects(schema)];
  for (const o of objects) {
    if (!only(o)) continue;
    const file = objectPath(o.kind, o.object);
    const ident = limits.identifier;
    if (ident !== undefined) {
      for (const { what, name } of namesOf(o)) {
        const length = lengthIn(name, ident.unit);
        if (length > ident.max) {
          out.push({
            kind: 'identifier',
            object: shown(what),
            detail: `is ${length} ${ident.unit} long`,
            limit: `${limits.label} identifiers are at most ${ident.max} ${ident.unit}${ident.truncates ? ' (longer ones are cut short, so the name would never match)' : ''}`,
            file,
          });
        }
      }
    }
    if (o.kind !== 'table') continue;
    const t = o.object;
    const id = qualified(t.schema, t.name);
    if (limits.columnsPerTable !== undefined && t.columns.length > limits.columnsPerTable) {
      out.push({
        kind: 'columns',
        object: `table ${id}`,
        detail: `has ${t.columns.length} columns`,
        limit: `a ${limits.label} table has at most ${limits.columnsPerTable}`,
        file,
      });
    }
    const perKey = limits.columnsPerKey;
    if (perKey !== undefined) {
      const keys = [
        ...(t.primaryKey === undefined ? [] : [{ what: `primary key of ${id}`, n: t.primaryKey.columns.length }]),
        ...t.uniques.map((u) => ({ what: `unique ${u.name ?? `(${u.columns.join(', ')})`} of ${id}`, n: u.columns.length })),
        ...t.indexes.map((i) => ({ what: `index ${i.name} of ${id}`, n: i.keys.length + (i.include?.length ?? 0) })),
      ];
      for (const k of keys.filter((x) => x.n > perKey))
        out.push({ kind: 'key-columns', object: k.what, detail: `has ${k.n} columns`, limit: `a ${limits.label} key or index has at most ${perKey}`, file });
    }
    out.push(...(limits.storage?.(t, id) ?? []).map((p) => ({ ...p, file })));
    out.push(
      ...clashes(
        t.columns.map((c) => ({ what: `column ${id}.${c.name}`, name: c.name, file })),
        limits.folds.columns,
        'the column names of a table',
        limits,
      ).map((c) => c.problem),
    );
    if (limits.indexNames === 'table')
      out.push(
        ...clashes(
          t.indexes.map((i) => ({ what: `index ${i.name} of ${id}`, name: i.name, file })),
          limits.folds.columns,
          'the index names of a table',
          limits,
        ).map((c) => c.problem),
      );
  }
  out.push(...schemaClashes(objects, limits, only));
  return out;
}

/** Names that share a namespace across the objects of one schema (the database, for engines without schemas). */
function schemaClashes(objects: readonly SchemaObject[], limits: EngineLimits, only: (o: SchemaObject) => boolean): LimitProblem[] {
  const byNamespace = new Map<string, { relation: Named[]; index: Named[]; fk: Named[] }>();
  const space = (schemaName: string | undefined) => {
    const key = schemaName ?? '';
    let s = byNamespace.get(key);
    if (s === undefined) byNamespace.set(key, (s = { relation: [], index: [], fk: [] }));
    return s;
  };
  for (const o of objects) {
    const file = objectPath(o.kind, o.object);
    if (o.kind === 'table' || o.kind === 'view' || (o.kind === 'sequence' && limits.relations.includes('sequences'))) {
      space(o.object.schema).relation.push({ what: `${o.kind} ${qualified(o.object.schema, o.object.name)}`, name: o.object.name, file, o });
    }
    if (o.kind !== 'table' && o.kind !== 'view') continue;
    const s = space(o.object.schema);
    const id = qualified(o.object.schema, o.object.name);
    const indexes = o.object.indexes.map((i) => ({ what: `index ${i.name} of ${id}`, name: i.name, file, o }));
    if (limits.indexNames === 'relations' && limits.relations.includes('indexes')) s.relation.push(...indexes);
    else if (limits.indexNames !== 'table') s.index.push(...indexes);
    if (o.kind !== 'table') continue;
    const t = o.object;
    if (limits.relations.includes('key-names')) {
      for (const [what, name] of [['primary key', t.primaryKey?.name], ...t.uniques.map((u) => ['unique', u.name] as const)] as const) {
        if (name !== undefined) s.relation.push({ what: `${what} ${name} of ${id}`, name, file, o });
      }
    }
    if (limits.foreignKeyNames === 'schema')
      for (const f of t.foreignKeys) if (f.name !== undefined) s.fk.push({ what: `foreign key ${f.name} of ${id}`, name: f.name, file, o });
  }
  const out: LimitProblem[] = [];
  const mine = (c: { a: Named; b: Named }) => (c.a.o !== undefined && only(c.a.o)) || (c.b.o !== undefined && only(c.b.o));
  for (const [name, s] of byNamespace) {
    const where = name === '' ? 'a database' : `schema ${name}`;
    const shared = limits.relations.map((r) => (r === 'key-names' ? 'key constraints' : r));
    const found = [
      ...clashes(s.relation, limits.folds.relations, `the names of tables, views${shared.length > 0 ? `, ${shared.join(', ')}` : ''} in ${where}`, limits),
      ...clashes(s.index, limits.folds.relations, `the index names of ${where}`, limits),
      ...clashes(s.fk, limits.folds.columns, `the foreign key names of ${where}`, limits),
    ];
    out.push(...found.filter(mine).map((c) => c.problem));
  }
  return out;
}
/** One line per problem, for messages. */
export const describeLimitProblem = (p: LimitProblem): string => `${p.object} ${p.detail}: ${p.limit}`;

/** The file of the object an operation creates or changes. */
export function operationPath(op: Operation): string {
  switch (op.op) {
    case 'create_object':
    case 'drop_object':
    case 'rename_object':
      return objectPath(op.target.kind, op.target.object);
    case 'alter_object':
      return objectPath(op.to.kind, op.to.object);
    case 'add_column':
    case 'drop_column':
    case 'alter_column':
    case 'set_primary_key':
    case 'add_constraint':
    case 'drop_constraint':
    case 'add_index':
    case 'drop_index':
    case 'add_policy':
    case 'drop_policy':
    case 'alter_table':
    case 'rename_column':
    case 'rename_index':
      return objectPath('table', op.table);
    default:
      return unhandled(op);
  }
}

/** The problems of the objects a change creates or alters, in the schema it leads to (clashes with any object of it). */
export function limitProblemsOfChange(to: Schema, operations: readonly Operation[], facts: EngineFacts): LimitProblem[] {
  const touched = new Set(operations.filter((op) => op.op !== 'drop_object').map(operationPath));
  return touched.size === 0 ? [] : limitProblems(to, facts, { only: (o) => touched.has(objectPath(o.kind, o.object)) });
}

/** Refuse what `problems` lists: name clashes first (REDB_NAME_CLASH), then the other limits (REDB_LIMIT_EXCEEDED). */
export function refuseLimitProblems(problems: readonly LimitProblem[], target: string, action: string): void {
  const clash = problems.filter((p) => p.kind === 'name-clash');
  if (clash.length > 0) throw errors.nameClash(target, clash, action);
  if (problems.length > 0) throw errors.limitExceeded(target, problems, action);
}

export type { ObjectKind };
