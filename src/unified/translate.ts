import { normalizeSchema } from './canonical.js';
import type { Column, Engine, Enum, Index, Schema, Table } from './model.js';
import { boundedType, keyLengths } from './key-lengths.js';
import { ENGINE_LIMITS } from './limits.js';
import { spellType } from './type-spelling.js';

/**
 * A schema re-spelled for another engine, with every lossy choice listed. Same engine: unchanged.
 * What cannot be carried at all (triggers, routines, policies, ...) is left out and listed too:
 * nothing disappears without a line saying so.
 */
export interface Loss {
  /** The object or column, e.g. `table public.orders`, `column orders.placed_at`. */
  readonly object: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

export interface Translation {
  readonly schema: Schema;
  readonly losses: readonly Loss[];
}

/** Options every table gets on the target: the portable model's text is Unicode, whatever the database's default character set. */
const TABLE_OPTIONS: Readonly<Record<Engine, Table['options']>> = { mysql: { charset: 'utf8mb4' }, postgres: undefined, sqlite: undefined, duckdb: undefined, mongodb: undefined };
const NAMESPACED: Readonly<Record<Engine, boolean>> = { postgres: true, duckdb: true, mysql: false, sqlite: false, mongodb: false };
const DEFAULT_NAMESPACE: Readonly<Record<Engine, string | undefined>> = { postgres: 'public', duckdb: 'main', mysql: undefined, sqlite: undefined, mongodb: undefined };

/** Defaults that mean the same everywhere, in each engine's spelling. */
const NOW: Readonly<Record<Engine, string>> = { postgres: 'CURRENT_TIMESTAMP', mysql: 'current_timestamp()', sqlite: 'CURRENT_TIMESTAMP', duckdb: 'CURRENT_TIMESTAMP', mongodb: '' };
const NOW_SPELLINGS = /^(?:current_timestamp(?:\(\))?|now\(\)|localtimestamp|\(?datetime\('now'\)\)?)$/i;
const LITERAL = /^(?:'(?:[^']|'')*'|[+-]?\d+(?:\.\d+)?|NULL|TRUE|FALSE)$/i;
const PG_CAST = /^('(?:[^']|'')*'|[+-]?\d+(?:\.\d+)?)::[\w\s."[\]()]+$/;

export function translateSchema(source: Schema, to: Engine): Translation {
  if (source.engine === to) return { schema: source, losses: [] };
  const losses: Loss[] = [];
  const lose = (object: string, from: string, toText: string, reason: string) => losses.push({ object, from, to: toText, reason });
  const enums = new Map<string, readonly string[]>(source.enums.map((e) => [e.schema === undefined ? e.name : `${e.schema}.${e.name}`, e.values]));
  const domains = new Map(source.domains.map((d) => [d.schema === undefined ? d.name : `${d.schema}.${d.name}`, d]));
  const namespaces = new Set(source.tables.map((t) => t.schema).filter((s) => s !== undefined));
  const space = (schema: string | undefined): string | undefined => (NAMESPACED[to] ? (schema ?? DEFAULT_NAMESPACE[to]) : undefined);
  if (!NAMESPACED[to] && namespaces.size > 1) {
    lose('schema', [...namespaces].join(', '), '(one namespace)', `${to} has no schemas inside a database: all objects share one namespace`);
  }
  const qualified = (t: { schema?: string | undefined; name: string }) => (t.schema === undefined ? t.name : `${t.schema}.${t.name}`);
  // Text and bytes in keys get a length where the target's keys are bounded in bytes.
  const keyed = keyLengths(source.tables, to);

  const translateDefault = (id: string, expr: string | undefined): string | undefined => {
    if (expr === undefined) return undefined;
    const trimmed = expr.trim();
    if (NOW_SPELLINGS.test(trimmed)) return NOW[to];
    if (LITERAL.test(trimmed)) return trimmed;
    const cast = PG_CAST.exec(trimmed);
    if (cast?.[1] !== undefined) return cast[1];
    lose(`column ${id}`, `DEFAULT ${expr}`, '(no default)', 'default expression is engine-specific');
    return undefined;
  };

  const column = (table: Table, c: Column): Column => {
    const id = `${qualified(table)}.${c.name}`;
    let type = c.type;
    if (type.kind === 'user' && domains.has(type.ref)) {
      const domain = domains.get(type.ref);
      if (domain !== undefined) {
        lose(`column ${id}`, type.native, domain.type.native, `domain ${type.ref} is replaced by its base type${domain.checks.length > 0 ? '; its checks are not carried' : ''}`);
        type = domain.type;
      }
    }
    const bound = keyed.columns.get(table)?.get(c.name);
    const spelled = spellType(bound === undefined ? type : boundedType(type, bound), to, enums);
    if (spelled === undefined) throw new Error(`no type spelling for ${to}`);
    if (bound !== undefined) lose(`column ${id}`, c.type.native, spelled.type.native, `it is part of a key, and a ${ENGINE_LIMITS[to].label} key holds at most ${ENGINE_LIMITS[to].textKey?.bytes} bytes: longer values are refused`);
    else if (spelled.loss !== undefined) lose(`column ${id}`, c.type.native, spelled.type.native, spelled.loss);
    const out: Column = {
      name: c.name,
      type: spelled.type,
      nullable: c.nullable,
      default: c.identity !== undefined || c.autoIncrement ? undefined : translateDefault(id, c.default),
      comment: to === 'sqlite' ? undefined : c.comment,
    };
    if (/nextval\(/i.test(c.default ?? '') || c.identity !== undefined || c.autoIncrement) {
      // Serial, identity and auto-increment are one idea: the engine numbers new rows.
      return to === 'postgres' || to === 'duckdb' ? { ...out, default: undefined, identity: { always: false } } : { ...out, default: undefined, autoIncrement: true };
    }
    if (c.generated !== undefined) {
      lose(`column ${id}`, `GENERATED ${c.generated.expression}`, 'GENERATED (copied as written)', 'generation expressions are copied as written and may need editing');
      return { ...out, generated: c.generated };
    }
    for (const [field, value] of [['collation', c.collation], ['charset', c.charset], ['onUpdate', c.onUpdate], ['NOT NULL ON CONFLICT', c.notNullOnConflict]] as const) {
      if (value !== undefined) lose(`column ${id}`, `${field} ${value}`, '(none)', `${field} is specific to ${source.engine}`);
    }
    return out;
  };

  const index = (table: Table, i: Index): Index | undefined => {
    const id = `index ${qualified(table)}.${i.name}`;
    if (i.method !== undefined && !['btree'].includes(i.method)) return void lose(id, `USING ${i.method}`, '(not created)', `${i.method} indexes are specific to ${source.engine}`);
    if (i.where !== undefined && to === 'mysql') return void lose(id, `WHERE ${i.where}`, '(not created)', 'MySQL has no partial indexes');
    if (i.include !== undefined) lose(id, `INCLUDE (${i.include.join(', ')})`, '(dropped)', 'covering columns are not carried');
    const prefixes = keyed.prefixes.get(table)?.get(i.name);
    for (const [column, n] of prefixes ?? []) lose(id, `(${column})`, `(${column}(${n}))`, `a ${ENGINE_LIMITS[to].label} index holds at most ${ENGINE_LIMITS[to].textKey?.bytes} bytes: it indexes the first ${n} characters of ${column}`);
    return { name: i.name, unique: i.unique, keys: i.keys.map((k) => ({ column: k.column, expression: k.expression, desc: k.desc, length: k.column === undefined ? undefined : prefixes?.get(k.column) })), where: i.where };
  };

  const conflictLoss = (t: Table, what: string, resolution: string | undefined): void => {
    if (resolution !== undefined) lose(`table ${qualified(t)}`, `${what} ON CONFLICT ${resolution.toUpperCase()}`, what, 'ON CONFLICT resolution is specific to SQLite');
  };

  const primaryKey = (t: Table): Table['primaryKey'] => {
    if (t.primaryKey === undefined) return undefined;
    conflictLoss(t, 'PRIMARY KEY', t.primaryKey.onConflict);
    const { keys, ...pk } = { ...t.primaryKey, onConflict: undefined };
    if (keys === undefined) return pk;
    lose(`table ${qualified(t)}`, `PRIMARY KEY (${keys.map((k) => `${k.column ?? ''}${k.length === undefined ? '' : `(${k.length})`}${k.desc ? ' DESC' : ''}`).join(', ')})`, `PRIMARY KEY (${pk.columns.join(', ')})`, 'key order and prefix lengths are not carried');
    return pk;
  };

  const tables: Table[] = source.tables.map((t) => {
    const id = `table ${qualified(t)}`;
    for (const e of t.exclusions) lose(id, `EXCLUDE ${e.definition}`, '(not created)', 'exclusion constraints exist only in PostgreSQL');
    for (const p of t.policies) lose(id, `POLICY ${p.name}`, '(not created)', 'row-level security is specific to PostgreSQL');
    if (t.partitionBy !== undefined || t.partitionOf !== undefined) lose(id, 'partitioning', '(plain table)', 'partitioning is not carried');
    if (t.options !== undefined && Object.keys(t.options).length > 0) lose(id, JSON.stringify(t.options), '(defaults)', `table options are specific to ${source.engine}`);
    return {
      schema: space(t.schema),
      name: t.name,
      columns: t.columns.map((c) => column(t, c)),
      primaryKey: primaryKey(t),
      uniques: t.uniques.map((u) => {
        conflictLoss(t, `UNIQUE (${u.columns.join(', ')})`, u.onConflict);
        if (u.keys !== undefined) lose(`table ${qualified(t)}`, `UNIQUE (${u.keys.map((k) => `${k.column ?? ''}${k.collation === undefined ? '' : ` COLLATE ${k.collation}`}${k.desc ? ' DESC' : ''}`).join(', ')})`, `UNIQUE (${u.columns.join(', ')})`, 'per-column collation and order of a unique constraint are not carried');
        return { name: u.name, columns: u.columns };
      }),
      foreignKeys: t.foreignKeys.map((f) => {
        if (f.deferrable && to === 'mysql') lose(`foreign key ${qualified(t)}.${f.name ?? f.columns.join(',')}`, 'DEFERRABLE', '(immediate)', 'MySQL checks foreign keys immediately');
        return { ...f, references: { ...f.references, schema: space(f.references.schema) }, match: undefined, notValid: undefined, ...(to === 'mysql' ? { deferrable: undefined, initiallyDeferred: undefined } : {}) };
      }),
      checks: t.checks.map((c) => ({ name: c.name, expression: c.expression })),
      exclusions: [],
      indexes: t.indexes.flatMap((i) => index(t, i) ?? []),
      policies: [],
      options: TABLE_OPTIONS[to],
      comment: to === 'sqlite' ? undefined : t.comment,
    };
  });

  for (const v of source.views) lose(`view ${qualified(v)}`, 'definition', 'copied as written', `the view's SQL is ${source.engine} SQL and may need editing`);
  const views = source.views.filter((v) => !v.materialized || to === 'postgres').map((v) => ({ ...v, schema: space(v.schema), options: undefined, indexes: [] }));
  for (const v of source.views.filter((x) => x.materialized && to !== 'postgres')) lose(`view ${qualified(v)}`, 'MATERIALIZED', '(not created)', `${to} has no materialized views`);
  for (const t of source.triggers) lose(`trigger ${qualified({ schema: t.schema, name: t.name })}`, 'trigger', '(not created)', 'trigger bodies are engine-specific');
  for (const r of source.routines) lose(`${r.kind} ${qualified(r)}(${r.signature})`, r.kind, '(not created)', 'routine bodies are engine-specific');
  for (const n of source.natives) lose(`${n.type} ${qualified(n)}`, n.type, '(not created)', `kept only as ${source.engine} DDL`);
  for (const s of source.sequences.filter((x) => x.ownedBy === undefined)) lose(`sequence ${qualified(s)}`, 'sequence', '(not created)', 'free-standing sequences are not carried');
  for (const e of source.extensions) lose(`extension ${e.name}`, 'extension', '(not created)', `extensions are specific to ${source.engine}`);
  for (const c of source.composites) lose(`type ${qualified(c)}`, 'composite type', '(not created)', 'composite types are specific to PostgreSQL');
  const keepEnums: Enum[] = to === 'postgres' ? source.enums.map((e) => ({ ...e, schema: space(e.schema) })) : [];

  const schema = normalizeSchema({
    version: source.version,
    engine: to,
    namespaces: NAMESPACED[to] ? [...new Set(tables.map((t) => t.schema))].filter((s): s is string => s !== undefined && s !== DEFAULT_NAMESPACE[to]).map((name) => ({ name })) : [],
    enums: keepEnums,
    tables,
    views,
  });
  return { schema, losses };
}
