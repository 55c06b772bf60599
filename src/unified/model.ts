import { z } from 'zod';
import { ColumnType } from './column-type.js';
import { DEFAULT_ENGINE, ENGINES } from './engines.js';

/**
 * The unified model: one shape for every relational engine. Zod is the source of truth; the types
 * are inferred. Engine-specific details live in clearly named optional fields, so a same-engine
 * round trip is exact and a cross-engine translation can see what does not carry over.
 */

export const MODEL_VERSION = 1 as const;

export { DEFAULT_ENGINE, ENGINES };
export const Engine = z.enum(ENGINES);
export type Engine = z.infer<typeof Engine>;

const name = z.string().min(1);
/** Namespace (PostgreSQL schema). Absent where the engine has a single namespace per database. */
const schema = z.string().min(1).optional();
const comment = z.string().optional();
/** SQL expression text, in the engine's own spelling. */
const expression = z.string().min(1);
const list = <T extends z.ZodType>(item: T) => z.array(item).default([]);
/** SQLite `ON CONFLICT` resolution of a constraint; absent means ABORT, the default. */
export const OnConflict = z.enum(['rollback', 'fail', 'ignore', 'replace']);
export type OnConflict = z.infer<typeof OnConflict>;

export const Column = z
  .object({
    name,
    type: ColumnType,
    nullable: z.boolean(),
    default: expression.optional(),
    generated: z.object({ expression, stored: z.boolean() }).strict().optional(),
    identity: z
      .object({
        always: z.boolean(),
        start: z.string().optional(),
        increment: z.string().optional(),
        min: z.string().optional(),
        max: z.string().optional(),
        cache: z.string().optional(),
        cycle: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** MySQL AUTO_INCREMENT, SQLite AUTOINCREMENT. */
    autoIncrement: z.boolean().optional(),
    collation: z.string().optional(),
    charset: z.string().optional(),
    /** MySQL `ON UPDATE` expression. */
    onUpdate: expression.optional(),
    invisible: z.boolean().optional(),
    /** MySQL ZEROFILL. */
    zerofill: z.boolean().optional(),
    /** SQLite: the NOT NULL constraint's ON CONFLICT resolution. */
    notNullOnConflict: OnConflict.optional(),
    comment,
  })
  .strict();
export type Column = z.infer<typeof Column>;

const deferrable = {
  deferrable: z.boolean().optional(),
  initiallyDeferred: z.boolean().optional(),
};

export const FK_ACTIONS = ['no action', 'restrict', 'cascade', 'set null', 'set default'] as const;
export const FkAction = z.enum(FK_ACTIONS);
export type FkAction = z.infer<typeof FkAction>;

export const ForeignKey = z
  .object({
    name: name.optional(),
    columns: z.array(name).min(1),
    references: z.object({ schema, table: name, columns: z.array(name).min(1) }).strict(),
    /** Absent means NO ACTION, the SQL default. */
    onDelete: FkAction.optional(),
    onUpdate: FkAction.optional(),
    match: z.enum(['full', 'partial', 'simple']).optional(),
    ...deferrable,
    /** PostgreSQL NOT VALID. */
    notValid: z.boolean().optional(),
    comment,
  })
  .strict();
export type ForeignKey = z.infer<typeof ForeignKey>;

export const Check = z.object({ name: name.optional(), expression, noInherit: z.boolean().optional(), notValid: z.boolean().optional(), comment }).strict();
export type Check = z.infer<typeof Check>;

/** PostgreSQL EXCLUDE constraint, kept as its definition text. */
export const Exclusion = z.object({ name, definition: expression, ...deferrable, comment }).strict();
export type Exclusion = z.infer<typeof Exclusion>;

export const IndexKey = z
  .object({
    column: name.optional(),
    expression: expression.optional(),
    desc: z.boolean().optional(),
    nulls: z.enum(['first', 'last']).optional(),
    collation: z.string().optional(),
    opclass: z.string().optional(),
    /** MySQL prefix length. */
    length: z.number().int().optional(),
  })
  .strict()
  .refine((k) => (k.column === undefined) !== (k.expression === undefined), {
    message: 'an index key has either a column or an expression',
  });
export type IndexKey = z.infer<typeof IndexKey>;

const keysNameColumns = (c: { columns: string[]; keys?: IndexKey[] | undefined }): boolean =>
  c.keys === undefined || (c.keys.length === c.columns.length && c.keys.every((k, i) => k.column === c.columns[i]));

export const PrimaryKey = z
  .object({
    name: name.optional(),
    columns: z.array(name).min(1),
    /** Per-column key options (MySQL DESC or prefix length), one per column in order; absent when every part is plain. */
    keys: z.array(IndexKey).optional(),
    onConflict: OnConflict.optional(),
    comment,
  })
  .strict()
  .refine(keysNameColumns, { message: 'primary key keys name its columns, in order' });
export type PrimaryKey = z.infer<typeof PrimaryKey>;

export const UniqueConstraint = z
  .object({
    name: name.optional(),
    columns: z.array(name).min(1),
    /** Per-column key options (SQLite COLLATE or DESC), one per column in order; absent when every part is plain. */
    keys: z.array(IndexKey).optional(),
    nullsNotDistinct: z.boolean().optional(),
    ...deferrable,
    onConflict: OnConflict.optional(),
    comment,
  })
  .strict()
  .refine(keysNameColumns, { message: 'unique constraint keys name its columns, in order' });
export type UniqueConstraint = z.infer<typeof UniqueConstraint>;

export const Index = z
  .object({
    name,
    unique: z.boolean(),
    /** Access method: btree, hash, gin, gist, brin, fulltext, spatial, ... Absent means the engine default. */
    method: z.string().optional(),
    keys: z.array(IndexKey).min(1),
    where: expression.optional(),
    include: z.array(name).optional(),
    nullsNotDistinct: z.boolean().optional(),
    invisible: z.boolean().optional(),
    /** Storage parameters or parser options, as the engine spells them. */
    with: z.string().optional(),
    comment,
  })
  .strict();
export type Index = z.infer<typeof Index>;

export const Policy = z
  .object({
    name,
    permissive: z.boolean(),
    command: z.enum(['all', 'select', 'insert', 'update', 'delete']),
    roles: z.array(name).min(1),
    using: expression.optional(),
    withCheck: expression.optional(),
  })
  .strict();
export type Policy = z.infer<typeof Policy>;

export const TableOptions = z
  .object({
    // SQLite
    withoutRowid: z.boolean().optional(),
    strict: z.boolean().optional(),
    // MySQL / MariaDB
    engine: z.string().optional(),
    charset: z.string().optional(),
    collation: z.string().optional(),
    rowFormat: z.string().optional(),
    // PostgreSQL
    unlogged: z.boolean().optional(),
    with: z.string().optional(),
    rowLevelSecurity: z.boolean().optional(),
    forceRowLevelSecurity: z.boolean().optional(),
  })
  .strict();
export type TableOptions = z.infer<typeof TableOptions>;

export const Table = z
  .object({
    schema,
    name,
    columns: z.array(Column),
    primaryKey: PrimaryKey.optional(),
    uniques: list(UniqueConstraint),
    foreignKeys: list(ForeignKey),
    checks: list(Check),
    exclusions: list(Exclusion),
    indexes: list(Index),
    policies: list(Policy),
    /** PostgreSQL declarative partitioning: `PARTITION BY <strategy> (<key>)`. */
    partitionBy: z
      .object({ strategy: z.enum(['range', 'list', 'hash']), key: expression })
      .strict()
      .optional(),
    /** A partition: `PARTITION OF <parent> <bound>`. */
    partitionOf: z.object({ schema, table: name, bound: expression }).strict().optional(),
    options: TableOptions.optional(),
    comment,
  })
  .strict();
export type Table = z.infer<typeof Table>;

export const View = z
  .object({
    schema,
    name,
    /** The SELECT, as the engine returns it. */
    definition: expression,
    materialized: z.boolean().optional(),
    columns: z.array(name).optional(),
    /** WITH CHECK OPTION, security barrier, SQL SECURITY, algorithm... as the engine spells them. */
    options: z.record(z.string(), z.string()).optional(),
    indexes: list(Index),
    comment,
  })
  .strict();
export type View = z.infer<typeof View>;

export const Sequence = z
  .object({
    schema,
    name,
    type: z.string().optional(),
    start: z.string().optional(),
    increment: z.string().optional(),
    min: z.string().optional(),
    max: z.string().optional(),
    cache: z.string().optional(),
    cycle: z.boolean().optional(),
    ownedBy: z.object({ schema, table: name, column: name }).strict().optional(),
    comment,
  })
  .strict();
export type Sequence = z.infer<typeof Sequence>;

export const Enum = z.object({ schema, name, values: z.array(z.string()), comment }).strict();
export type Enum = z.infer<typeof Enum>;

export const Domain = z
  .object({
    schema,
    name,
    type: ColumnType,
    nullable: z.boolean(),
    default: expression.optional(),
    collation: z.string().optional(),
    checks: list(Check),
    comment,
  })
  .strict();
export type Domain = z.infer<typeof Domain>;

export const CompositeType = z
  .object({
    schema,
    name,
    attributes: z.array(z.object({ name, type: ColumnType, collation: z.string().optional() }).strict()).min(1),
    comment,
  })
  .strict();
export type CompositeType = z.infer<typeof CompositeType>;

export const Extension = z.object({ name, schema, version: z.string().optional(), comment }).strict();
export type Extension = z.infer<typeof Extension>;

export const Namespace = z.object({ name, comment }).strict();
export type Namespace = z.infer<typeof Namespace>;

/** Functions and procedures are kept as their native definition text. */
export const Routine = z
  .object({
    schema,
    name,
    kind: z.enum(['function', 'procedure']),
    /** Identity arguments, e.g. `integer, text`: overloads differ here. */
    signature: z.string(),
    language: z.string().optional(),
    definition: expression,
    comment,
  })
  .strict();
export type Routine = z.infer<typeof Routine>;

/** Triggers are kept as their native definition text. */
export const Trigger = z.object({ schema, table: name, name, definition: expression, comment }).strict();
export type Trigger = z.infer<typeof Trigger>;

/**
 * Anything the model cannot express (rules, events, aggregates, operators, ...): kept with its DDL so
 * it survives a same-engine round trip, and reported as a warning wherever it matters.
 */
export const NativeObject = z.object({ type: name, schema, name, definition: expression, reason: z.string().optional() }).strict();
export type NativeObject = z.infer<typeof NativeObject>;

export const Schema = z
  .object({
    version: z.literal(MODEL_VERSION),
    engine: Engine,
    namespaces: list(Namespace),
    extensions: list(Extension),
    enums: list(Enum),
    domains: list(Domain),
    composites: list(CompositeType),
    sequences: list(Sequence),
    tables: list(Table),
    views: list(View),
    routines: list(Routine),
    triggers: list(Trigger),
    natives: list(NativeObject),
  })
  .strict();
export type Schema = z.infer<typeof Schema>;
/** A schema as callers write it: lists may be left out. */
export type SchemaInput = z.input<typeof Schema>;

export function emptySchema(engine: Engine): Schema {
  return Schema.parse({ version: MODEL_VERSION, engine });
}
