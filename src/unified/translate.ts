import { normalizeSchema } from './canonical.js';
import type { EngineFacts } from './engine-facts.js';
import type { Column, Enum, Index, Schema, Table, View } from './model.js';
import { boundedType, keyLengths } from './key-lengths.js';
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
  /**
   * What the target does its own way without losing a value or a rule: storage options (MariaDB's
   * engine, charset and row format, PostgreSQL's storage parameters, SQLite's WITHOUT ROWID). Reported,
   * never a reason to refuse.
   */
  readonly notes: readonly Loss[];
}

export type ExpressionUse = 'check' | 'default' | 'generated' | 'where';
/** An expression in the target's SQL, or why it has no faithful equivalent there. */
export type TranslatedExpression = { readonly sql: string } | { readonly loss: string };

/**
 * Reads the source engine's expressions and writes them for the target (the adapters provide it;
 * the model only asks). Tables are the source's, so the reader knows each column's type.
 */
export interface ExpressionTranslator {
  expression(text: string, use: ExpressionUse, table: Table): TranslatedExpression;
  /** A view's SELECT; `namespace` maps a source table's schema to the target's. */
  view(definition: string, tables: readonly Table[], namespace: (schema: string | undefined) => string | undefined): TranslatedExpression;
}

export interface TranslateOptions {
  /** Without one, only constants cross engines; every other expression is reported lost. */
  readonly expressions?: ExpressionTranslator | undefined;
}

/** Constants that read the same everywhere: what crosses engines when no translator is given. */
const PLAIN_CONSTANT = /^(?:[+-]?\d+(?:\.\d+)?|NULL|TRUE|FALSE)$/i;

const constantsOnly: ExpressionTranslator = {
  expression: (text) =>
    PLAIN_CONSTANT.test(text.trim()) ? { sql: text.trim() } : { loss: 'expressions are not translated without a reader for the source engine' },
  view: () => ({ loss: 'views are not translated without a reader for the source engine' }),
};

/**
 * Table options that only say how the source stores rows: the target stores them its own way, and
 * every value and rule arrives. Row-level security is not among them: it decides who sees rows.
 */
const STORAGE_OPTIONS = new Set(['engine', 'charset', 'collation', 'rowFormat', 'unlogged', 'with', 'withoutRowid', 'strict']);

/** `source` re-spelled for the engine `target` describes (built from its manifest by the caller). */
export function translateSchema(source: Schema, target: EngineFacts, options: TranslateOptions = {}): Translation {
  const to = target.engine;
  if (source.engine === to) return { schema: source, losses: [], notes: [] };
  const losses: Loss[] = [];
  const notes: Loss[] = [];
  const lose = (object: string, from: string, toText: string, reason: string) => losses.push({ object, from, to: toText, reason });
  const enums = new Map<string, readonly string[]>(source.enums.map((e) => [e.schema === undefined ? e.name : `${e.schema}.${e.name}`, e.values]));
  const domains = new Map(source.domains.map((d) => [d.schema === undefined ? d.name : `${d.schema}.${d.name}`, d]));
  const namespaces = new Set(source.tables.map((t) => t.schema).filter((s) => s !== undefined));
  const defaultSpace = target.namespaces?.default;
  const space = (schema: string | undefined): string | undefined => (defaultSpace === undefined ? undefined : (schema ?? defaultSpace));
  if (defaultSpace === undefined && namespaces.size > 1) {
    lose('schema', [...namespaces].join(', '), '(one namespace)', `${to} has no schemas inside a database: all objects share one namespace`);
  }
  const qualified = (t: { schema?: string | undefined; name: string }) => (t.schema === undefined ? t.name : `${t.schema}.${t.name}`);
  // Text and bytes in keys get a length where the target's keys are bounded in bytes.
  const keyed = keyLengths(source.tables, target.limits.textKey);

  const expressions = options.expressions ?? constantsOnly;
  /** The expression in the target's SQL, or undefined after listing the loss. */
  const carry = (table: Table, use: ExpressionUse, text: string, object: string, from: string, dropped: string): string | undefined => {
    const out = expressions.expression(text, use, table);
    if ('sql' in out) return out.sql;
    lose(object, from, dropped, out.loss);
    return undefined;
  };
  const translateDefault = (table: Table, id: string, expr: string | undefined): string | undefined =>
    expr === undefined ? undefined : carry(table, 'default', expr, `column ${id}`, `DEFAULT ${expr}`, '(no default)');

  const column = (table: Table, c: Column): Column => {
    const id = `${qualified(table)}.${c.name}`;
    let type = c.type;
    if (type.kind === 'user' && domains.has(type.ref)) {
      const domain = domains.get(type.ref);
      if (domain !== undefined) {
        lose(
          `column ${id}`,
          type.native,
          domain.type.native,
          `domain ${type.ref} is replaced by its base type${domain.checks.length > 0 ? '; its checks are not carried' : ''}`,
        );
        type = domain.type;
      }
    }
    const bound = keyed.columns.get(table)?.get(c.name);
    const spelled = spellType(bound === undefined ? type : boundedType(type, bound), target, enums);
    if (spelled === undefined) throw new Error(`no type spelling for ${to}`);
    if (bound !== undefined)
      lose(
        `column ${id}`,
        c.type.native,
        spelled.type.native,
        `it is part of a key, and a ${target.limits.label} key holds at most ${target.limits.textKey?.bytes} bytes: longer values are refused`,
      );
    else if (spelled.loss !== undefined) lose(`column ${id}`, c.type.native, spelled.type.native, spelled.loss);
    const out: Column = {
      name: c.name,
      type: spelled.type,
      nullable: c.nullable,
      default: c.identity !== undefined || c.autoIncrement || /nextval\(/i.test(c.default ?? '') ? undefined : translateDefault(table, id, c.default),
      comment: target.comments ? c.comment : undefined,
    };
    if (/nextval\(/i.test(c.default ?? '') || c.identity !== undefined || c.autoIncrement) {
      // Serial, identity and auto-increment are one idea: the engine numbers new rows.
      return target.numbering === 'identity'
        ? { ...out, default: undefined, identity: { always: false } }
        : { ...out, default: undefined, autoIncrement: true };
    }
    if (c.generated !== undefined) {
      // A generated column that cannot be translated becomes a plain one: its values are copied.
      const expression = carry(
        table,
        'generated',
        c.generated.expression,
        `column ${id}`,
        `GENERATED ALWAYS AS (${c.generated.expression})`,
        '(a plain column)',
      );
      if (expression !== undefined) return { ...out, default: undefined, generated: { expression, stored: target.generatedStored ?? c.generated.stored } };
    }
    for (const [field, value] of [
      ['collation', c.collation],
      ['charset', c.charset],
      ['onUpdate', c.onUpdate],
      ['NOT NULL ON CONFLICT', c.notNullOnConflict],
    ] as const) {
      if (value !== undefined) lose(`column ${id}`, `${field} ${value}`, '(none)', `${field} is specific to ${source.engine}`);
    }
    return out;
  };

  const index = (table: Table, i: Index): Index | undefined => {
    const id = `index ${qualified(table)}.${i.name}`;
    if (i.method !== undefined && !['btree'].includes(i.method))
      return void lose(id, `USING ${i.method}`, '(not created)', `${i.method} indexes are specific to ${source.engine}`);
    if (i.where !== undefined && !target.partialIndexes) return void lose(id, `WHERE ${i.where}`, '(not created)', `${target.name} has no partial indexes`);
    const where = i.where === undefined ? undefined : carry(table, 'where', i.where, id, `WHERE ${i.where}`, '(not created)');
    if (i.where !== undefined && where === undefined) return undefined;
    const keys: Index['keys'] = [];
    for (const k of i.keys) {
      const expression = k.expression === undefined ? undefined : carry(table, 'generated', k.expression, id, `(${k.expression})`, '(not created)');
      if (k.expression !== undefined && expression === undefined) return undefined;
      keys.push({ column: k.column, expression, desc: k.desc });
    }
    if (i.include !== undefined) lose(id, `INCLUDE (${i.include.join(', ')})`, '(dropped)', 'covering columns are not carried');
    const prefixes = keyed.prefixes.get(table)?.get(i.name);
    for (const [column, n] of prefixes ?? [])
      lose(
        id,
        `(${column})`,
        `(${column}(${n}))`,
        `a ${target.limits.label} index holds at most ${target.limits.textKey?.bytes} bytes: it indexes the first ${n} characters of ${column}`,
      );
    return { name: i.name, unique: i.unique, keys: keys.map((k) => ({ ...k, length: k.column === undefined ? undefined : prefixes?.get(k.column) })), where };
  };

  const conflictLoss = (t: Table, what: string, resolution: string | undefined): void => {
    if (resolution !== undefined)
      lose(`table ${qualified(t)}`, `${what} ON CONFLICT ${resolution.toUpperCase()}`, what, 'ON CONFLICT resolution is specific to SQLite');
  };

  const primaryKey = (t: Table): Table['primaryKey'] => {
    if (t.primaryKey === undefined) return undefined;
    conflictLoss(t, 'PRIMARY KEY', t.primaryKey.onConflict);
    const { keys, ...pk } = { ...t.primaryKey, onConflict: undefined };
    if (keys === undefined) return pk;
    lose(
      `table ${qualified(t)}`,
      `PRIMARY KEY (${keys.map((k) => `${k.column ?? ''}${k.length === undefined ? '' : `(${k.length})`}${k.desc ? ' DESC' : ''}`).join(', ')})`,
      `PRIMARY KEY (${pk.columns.join(', ')})`,
      'key order and prefix lengths are not carried',
    );
    return pk;
  };

  const tables: Table[] = source.tables.map((t) => {
    const id = `table ${qualified(t)}`;
    for (const e of t.exclusions) lose(id, `EXCLUDE ${e.definition}`, '(not created)', 'exclusion constraints exist only in PostgreSQL');
    for (const p of t.policies) lose(id, `POLICY ${p.name}`, '(not created)', 'row-level security is specific to PostgreSQL');
    if (t.partitionBy !== undefined || t.partitionOf !== undefined) lose(id, 'partitioning', '(plain table)', 'partitioning is not carried');
    const options = Object.entries(t.options ?? {}).filter(([, v]) => v !== undefined);
    const storage = options.filter(([k]) => STORAGE_OPTIONS.has(k));
    const rules = options.filter(([k]) => !STORAGE_OPTIONS.has(k));
    if (storage.length > 0)
      notes.push({
        object: id,
        from: storage.map(([k, v]) => `${k} ${String(v)}`).join(', '),
        to: `(${to}'s own)`,
        reason: `storage options are specific to ${source.engine}; every value arrives`,
      });
    if (rules.length > 0) lose(id, JSON.stringify(Object.fromEntries(rules)), '(defaults)', `table options are specific to ${source.engine}`);
    return {
      schema: space(t.schema),
      name: t.name,
      columns: t.columns.map((c) => column(t, c)),
      primaryKey: primaryKey(t),
      uniques: t.uniques.map((u) => {
        conflictLoss(t, `UNIQUE (${u.columns.join(', ')})`, u.onConflict);
        if (u.keys !== undefined)
          lose(
            `table ${qualified(t)}`,
            `UNIQUE (${u.keys.map((k) => `${k.column ?? ''}${k.collation === undefined ? '' : ` COLLATE ${k.collation}`}${k.desc ? ' DESC' : ''}`).join(', ')})`,
            `UNIQUE (${u.columns.join(', ')})`,
            'per-column collation and order of a unique constraint are not carried',
          );
        return { name: u.name, columns: u.columns };
      }),
      foreignKeys: t.foreignKeys.map((f) => {
        if (f.deferrable && !target.deferrableForeignKeys)
          lose(`foreign key ${qualified(t)}.${f.name ?? f.columns.join(',')}`, 'DEFERRABLE', '(immediate)', `${target.name} checks foreign keys immediately`);
        return {
          ...f,
          references: { ...f.references, schema: space(f.references.schema) },
          match: undefined,
          notValid: undefined,
          ...(target.deferrableForeignKeys ? {} : { deferrable: undefined, initiallyDeferred: undefined }),
        };
      }),
      checks: t.checks.flatMap((c) => {
        const expression = carry(
          t,
          'check',
          c.expression,
          `check ${qualified(t)}${c.name === undefined ? '' : `.${c.name}`}`,
          `CHECK (${c.expression})`,
          '(not created)',
        );
        return expression === undefined ? [] : [{ name: c.name, expression }];
      }),
      exclusions: [],
      indexes: t.indexes.flatMap((i) => index(t, i) ?? []),
      policies: [],
      options: target.tableOptions,
      comment: target.comments ? t.comment : undefined,
    };
  });

  const views: View[] = [];
  for (const v of source.views) {
    if (v.materialized && !target.materializedViews) {
      lose(`view ${qualified(v)}`, 'MATERIALIZED', '(not created)', `${to} has no materialized views`);
      continue;
    }
    const body = expressions.view(v.definition, source.tables, space);
    if ('loss' in body) {
      lose(`view ${qualified(v)}`, 'definition', '(not created)', body.loss);
      continue;
    }
    if (v.options !== undefined) lose(`view ${qualified(v)}`, JSON.stringify(v.options), '(defaults)', `view options are specific to ${source.engine}`);
    views.push({ ...v, schema: space(v.schema), definition: body.sql, options: undefined, indexes: [] });
  }
  for (const t of source.triggers)
    lose(`trigger ${qualified({ schema: t.schema, name: t.name })}`, 'trigger', '(not created)', 'trigger bodies are engine-specific');
  for (const r of source.routines) lose(`${r.kind} ${qualified(r)}(${r.signature})`, r.kind, '(not created)', 'routine bodies are engine-specific');
  for (const n of source.natives) lose(`${n.type} ${qualified(n)}`, n.type, '(not created)', `kept only as ${source.engine} DDL`);
  for (const s of source.sequences.filter((x) => x.ownedBy === undefined))
    lose(`sequence ${qualified(s)}`, 'sequence', '(not created)', 'free-standing sequences are not carried');
  for (const e of source.extensions) lose(`extension ${e.name}`, 'extension', '(not created)', `extensions are specific to ${source.engine}`);
  for (const c of source.composites) lose(`type ${qualified(c)}`, 'composite type', '(not created)', 'composite types are specific to PostgreSQL');
  const keepEnums: Enum[] = target.enumTypes ? source.enums.map((e) => ({ ...e, schema: space(e.schema) })) : [];

  const schema = normalizeSchema({
    version: source.version,
    engine: to,
    namespaces:
      defaultSpace === undefined
        ? []
        : [...new Set(tables.map((t) => t.schema))].filter((s): s is string => s !== undefined && s !== defaultSpace).map((name) => ({ name })),
    enums: keepEnums,
    tables,
    views,
  });
  return { schema, losses, notes };
}
