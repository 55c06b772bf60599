import type { ColumnType, ColumnTypeKind } from './column-type.js';
import type { EngineLimits } from './limits.js';
import type { Engine, Table } from './model.js';

/**
 * What the model needs to know about an engine to translate, validate or bound a schema for it.
 * The model knows no engine by name: callers pass these facts, built from the engine's manifest
 * (src/adapters/<engine>/manifest.ts).
 */

/** A portable type as one engine spells it, and what is lost on the way. */
export interface Spelled {
  readonly type: ColumnType;
  /** Why the target cannot hold every value of the source type the same way; absent when nothing is lost. */
  readonly loss?: string | undefined;
}

/** Spells a portable type for one engine; `enums` holds the source's named enums' values. */
export type Speller = (t: ColumnType, enums: ReadonlyMap<string, readonly string[]>) => Spelled;

/** The portable kinds a native spelling can carry; undefined when the spelling alone does not tell. */
export type NativeKinds = (native: string) => readonly ColumnTypeKind[] | undefined;

export interface EngineFacts {
  readonly engine: Engine;
  /** The engine as messages name it (`MySQL`). */
  readonly name: string;
  /** Undefined where redb writes no schema for the engine yet. */
  readonly spellType: Speller | undefined;
  readonly nativeKinds: NativeKinds;
  readonly limits: EngineLimits;
  /** Namespaces inside a database, and the one an unqualified name lands in; undefined for one namespace. */
  readonly namespaces: { readonly default: string } | undefined;
  /** How the engine numbers new rows: an identity column, or an auto-increment attribute. */
  readonly numbering: 'identity' | 'auto-increment';
  /** Tables and columns carry comments. */
  readonly comments: boolean;
  /** An index may cover part of a table (WHERE). */
  readonly partialIndexes: boolean;
  /** How generated columns are kept; undefined where both stored and virtual exist. */
  readonly generatedStored: boolean | undefined;
  /** Options every table gets when translated to this engine. */
  readonly tableOptions: Table['options'];
  readonly deferrableForeignKeys: boolean;
  readonly materializedViews: boolean;
  /** Enums are named types of their own (rather than a column's type). */
  readonly enumTypes: boolean;
  readonly foreignKeys: {
    /** What a foreign key may reference: any index that starts with the columns, or exactly a key. */
    readonly target: 'leading-index' | 'exact-key';
    /** A foreign key to a missing table is refused by the engine, or accepted and fails every insert. */
    readonly unresolved: 'error' | 'warning';
    /** A schema-qualified reference points into another database, outside the schema. */
    readonly qualifiedIsExternal: boolean;
    /** References into an extension's schema point at tables redb does not pull. */
    readonly extensionSchemas: boolean;
  };
}

/** The facts of an engine named by a schema read from files. */
export type FactsOf = (engine: Engine) => EngineFacts;
