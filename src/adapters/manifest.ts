import type { Engine, EngineFacts } from '../unified/index.js';

/**
 * Everything redb knows about an engine, as plain data that loads no driver: what the CLI's
 * start-up path, the URL parser, the planner's reviewers and the model's translator need. One per
 * engine, in its folder (`<engine>/manifest.ts`); the registry pairs each with its planes.
 */

/** What an engine can do; callers branch on these, never on the engine name. */
export interface Capabilities {
  /** DDL runs inside a transaction, so a failed migrate rolls back completely. */
  readonly transactionalDdl: boolean;
  /** The engine has namespaces (schemas) inside a database. */
  readonly namespaces: boolean;
  /** Where committed changes come from: the engine's own log, triggers redb installs, or nowhere. */
  readonly changeCapture: 'log' | 'trigger' | 'none';
  /**
   * A session can mark what it writes with an origin the change log carries (PostgreSQL replication
   * origins, MariaDB/MySQL server ids), so a capture can skip the changes redb itself applied.
   */
  readonly replicationOrigins: boolean;
  /** A transaction can be prepared and committed later, by id (PREPARE TRANSACTION, XA). */
  readonly twoPhaseApply: boolean;
}

/** A lock a DDL statement takes, by the first pattern its text matches; '' for statements that take none worth naming. */
export type LockRule = readonly [RegExp, string];

export interface EngineManifest {
  readonly engine: Engine;
  /** The engine as messages name it. */
  readonly name: string;
  /** URL schemes, lower case; the first is the one redb writes. */
  readonly schemes: readonly string[];
  /** What `--as` and other engine options accept, besides the engine's own name. */
  readonly aliases: readonly string[];
  /** A file the library opens (the URL is a path), or a server redb logs in to. */
  readonly storage: 'file' | 'server';
  readonly capabilities: Capabilities;
  /** What the unified model needs: type spellings, native kinds, limits, namespaces, translation rules. */
  readonly facts: EngineFacts;
  /** How the current time and date are spelled in the engine's SQL. */
  readonly now: { readonly timestamp: string; readonly date: string };
  /** The locks DDL takes, for `migrate --dry-run`: patterns, and lock names from strongest to weakest. */
  readonly locks: { readonly rules: readonly LockRule[]; readonly strength: readonly string[] };
  /** How the rows plane hands over values a column kind alone does not tell. */
  readonly values: {
    /** BIT columns arrive as bytes (to be shown as a string of bits). */
    readonly bitsAsBytes: boolean;
    /** How an array's value is written as text (replicate/array-text.ts); engines without arrays keep them as JSON. */
    readonly arrays?: 'braces' | 'brackets';
  };
}
