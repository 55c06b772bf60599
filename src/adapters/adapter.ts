import type { Engine, KnownObjects, Plan, PlanInput, Schema } from '../unified/index.js';

import type { Capabilities } from './manifest.js';

export type { Capabilities } from './manifest.js';

/** A database to connect to: the binding's name (for messages) and its resolved URL. */
export interface DbTarget {
  readonly name: string;
  readonly url: string;
  /** Base directory for relative file paths (the project root). */
  readonly cwd: string;
}

export interface ApplyResult {
  /** Statements that ran, in order. */
  readonly executed: readonly string[];
  /** Set when the history could not be kept (e.g. the user may not create its table); the plan ran all the same. */
  readonly historyProblem?: string;
}

/**
 * applied: the plan ran whole; failed: a statement failed (`executed` say how many stay applied);
 * interrupted: stopped on request, or its process ended while it ran; running: in progress (or its
 * process was killed, until the next migrate settles it); matched: nothing ran, the database was
 * found to match the commit already.
 */
export type MigrationOutcome = 'applied' | 'failed' | 'interrupted' | 'running' | 'matched';

/** One row of a database's own migration history (`redb_migrations`). */
export interface MigrationRecord {
  /** The commit the database was brought to; absent when the target was not a commit. */
  readonly commit?: string | undefined;
  /** sha1 of the plan's statements. */
  readonly planHash: string;
  readonly statements: readonly string[];
  readonly startedAt: string;
  /** When it ended, or (while running) when it last recorded progress. */
  readonly finishedAt: string;
  readonly outcome: MigrationOutcome;
  readonly error?: string | undefined;
  /** How many of `statements`, from the first, ran and stay applied; absent in rows written before it was kept. */
  readonly executed?: number | undefined;
}

/** What a migration's history row starts from; the adapter writes it as the plan runs. */
export type MigrationEntry = Pick<MigrationRecord, 'commit' | 'planHash' | 'statements' | 'startedAt'>;

export interface ApplyOptions {
  readonly signal?: AbortSignal;
  /**
   * Keep this migration's history row: written in the plan's own transaction where DDL is
   * transactional (so the changes never land without it), and else before the first statement and
   * after each one (so a kill leaves an exact record of what ran).
   */
  readonly history?: MigrationEntry;
}

export interface LockOptions {
  /** How long to wait for another migrate of the same database (a killed one's statement still running on the server). */
  readonly waitMs: number;
  readonly signal?: AbortSignal;
}

/** The table and columns `sampleRows` reads. */
export interface SampleTable {
  readonly schema?: string | undefined;
  readonly name: string;
  readonly columns: readonly string[];
}

export interface Connection {
  /** `known`: objects whose files the caller has (see unified/known-objects.ts), left out of the schema and listed there. */
  introspect(options?: { signal?: AbortSignal; known?: KnownObjects }): Promise<Schema>;
  /** Append to the database's own history, kept outside the modelled schema. */
  recordMigration?(record: MigrationRecord): Promise<void>;
  /** The history, newest first. */
  readHistory?(): Promise<MigrationRecord[]>;
  /**
   * Up to `limit` rows of a table, each an array of the named columns' values in that order, as
   * the driver returns them (a plain SELECT; no order is promised). Used to suggest masking rules.
   */
  sampleRows?(table: SampleTable, limit: number): Promise<unknown[][]>;
  /**
   * Hold this database for one migrate until the connection closes: waits while another session holds
   * it (throws REDB_MIGRATE_BUSY past `waitMs`), then settles rows left `running` by a process that
   * ended. Absent where the engine has no server sessions (embedded files).
   */
  lockMigrations?(options: LockOptions): Promise<void>;
  /** Drop the shadow databases killed rehearsals left on this server (see shadow-name.ts); best effort, returns their names. */
  dropStaleShadows?(): Promise<readonly string[]>;
  /** Views that no longer compile (a column they read was renamed or dropped under them), with the engine's error. */
  brokenViews?(): Promise<{ readonly view: string; readonly error: string }[]>;
  /** Run a plan; on failure it throws REDB_MIGRATE_FAILED saying whether the database was rolled back. */
  apply(plan: Plan, options?: ApplyOptions): Promise<ApplyResult>;
  close(): Promise<void>;
}

/** An embedded engine standing in for a scratch database beside the target, and why. */
export interface ShadowStandIn {
  /** The engine and major version, e.g. `PostgreSQL 18`. */
  readonly server: string;
  readonly reason: string;
}

/** A scratch database of the same engine and version, empty, dropped after use. */
export interface Shadow {
  readonly connection: Connection;
  drop(): Promise<void>;
  /** Set when the shadow is not beside the target but on an embedded engine (maybe another version). */
  readonly standIn?: ShadowStandIn;
}

export interface Dialect {
  readonly engine: Engine;
  /** Order and compile operations into SQL. An operation the engine cannot express throws. */
  compile(input: PlanInput): Plan;
}

export interface ShadowOptions {
  readonly signal?: AbortSignal;
  /** Extensions the schemas rehearsed use: an embedded stand-in must load them, or say it cannot. */
  readonly extensions?: readonly string[];
}

export interface Adapter {
  readonly engine: Engine;
  readonly capabilities: Capabilities;
  readonly dialect: Dialect;
  /** `readOnly`: the caller only reads; a file engine then opens the file so other readers may share it. */
  connect(target: DbTarget, options?: { signal?: AbortSignal; readOnly?: boolean }): Promise<Connection>;
  /**
   * Open an empty shadow beside the target (in memory, or a scratch database on the same server)
   * to rehearse a plan on. Absent where the engine offers none yet.
   */
  openShadow?(target: DbTarget, options?: ShadowOptions): Promise<Shadow>;
}

/** Where a result column's values come from, when the engine can say. */
export interface ColumnSource {
  readonly schema?: string | undefined;
  readonly table: string;
  readonly column: string;
}

export interface ResultColumn {
  readonly name: string;
  /** Absent for expressions, aggregates and anything else the engine cannot trace to one table column. */
  readonly source?: ColumnSource | undefined;
}

/** A read-only query's result: the columns, then the rows streamed so a caller can stop at its limit. */
export interface ReadResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: AsyncIterable<unknown[]>;
}

/**
 * A session the engine itself keeps read-only (read-only transaction or open, single statements,
 * a statement timeout). One query per session: it is closed after the result has been read.
 */
export interface ReadOnlySession {
  /** `maxRows` lets the engine stop producing rows early; the caller still counts. */
  query(sql: string, options: { readonly maxRows: number }): Promise<ReadResult>;
  close(): Promise<void>;
}

/** A table or view by name, as a masking policy matches it. */
export interface RelationName {
  readonly schema?: string | undefined;
  readonly name: string;
}

/**
 * What the masking policy says of columns, by name (the MCP server's policy, compiled without its
 * secret): free-form SQL may not touch a masked or denied column in any part of a statement.
 */
export interface ReadPolicy {
  /** Nothing is masked or denied. */
  readonly empty: boolean;
  tableDenied(table: RelationName): boolean;
  column(table: RelationName, column: string): 'denied' | 'masked' | undefined;
}

export interface ReadOptions {
  readonly timeoutMs: number;
  readonly policy: ReadPolicy;
  /**
   * The statements are redb's own (sample_rows, which masks what it reads) through the bound
   * account: the session is still read-only, but the checks made for a client's SQL are skipped.
   */
  readonly trusted?: boolean | undefined;
}

/** What a grant gave the read login: relations readable whole, in part (the rest withheld), or not at all. */
export interface ReadGrant {
  readonly whole: readonly string[];
  readonly partial: readonly { readonly relation: string; readonly withheld: readonly string[] }[];
  readonly none: readonly { readonly relation: string; readonly reason: string }[];
}

export interface ReadOnlyDriver {
  /**
   * Open a session for one statement. A client's SQL (not `trusted`) runs only through a login that
   * can do nothing but read what the policy allows, and never touches a masked or denied column.
   */
  open(target: DbTarget, options: ReadOptions): Promise<ReadOnlySession>;
  /** The identifier quoting of the engine's SQL, for the statements redb writes itself. */
  quote(name: string): string;
  /**
   * Create (or reset) a login that can read the target's project data and nothing else: no server
   * secrets, and none of the columns the policy masks or denies. Run again, it re-grants from scratch.
   * Absent for file engines: a read-only open is their boundary.
   */
  createReadRole?(target: DbTarget, role: string, password: string, policy: ReadPolicy): Promise<ReadGrant>;
}
