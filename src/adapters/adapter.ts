import type { Engine, Plan, PlanInput, Schema } from '../unified/index.js';

/** What an engine can do; callers branch on these, never on the engine name. */
export interface Capabilities {
  /** DDL runs inside a transaction, so a failed migrate rolls back completely. */
  readonly transactionalDdl: boolean;
  /** The engine has namespaces (schemas) inside a database. */
  readonly namespaces: boolean;
}

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
}

/** One row of a database's own migration history (`redb_migrations`). */
export interface MigrationRecord {
  /** The commit the database was brought to; absent when the target was not a commit. */
  readonly commit?: string | undefined;
  /** sha1 of the plan's statements. */
  readonly planHash: string;
  readonly statements: readonly string[];
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly outcome: 'applied' | 'failed';
  readonly error?: string | undefined;
}

export interface Connection {
  introspect(options?: { signal?: AbortSignal }): Promise<Schema>;
  /** Append to the database's own history, kept outside the modelled schema. */
  recordMigration?(record: MigrationRecord): Promise<void>;
  /** The history, newest first. */
  readHistory?(): Promise<MigrationRecord[]>;
  /** Run a plan; on failure it throws REDB_MIGRATE_FAILED saying whether the database was rolled back. */
  apply(plan: Plan, options?: { signal?: AbortSignal }): Promise<ApplyResult>;
  close(): Promise<void>;
}

/** A scratch database of the same engine and version, empty, dropped after use. */
export interface Shadow {
  readonly connection: Connection;
  drop(): Promise<void>;
}

export interface Dialect {
  readonly engine: Engine;
  /** Order and compile operations into SQL. An operation the engine cannot express throws. */
  compile(input: PlanInput): Plan;
}

export interface Adapter {
  readonly engine: Engine;
  readonly capabilities: Capabilities;
  readonly dialect: Dialect;
  connect(target: DbTarget, options?: { signal?: AbortSignal }): Promise<Connection>;
  /**
   * Open an empty shadow beside the target (in memory, or a scratch database on the same server)
   * to rehearse a plan on. Absent where the engine offers none yet.
   */
  openShadow?(target: DbTarget, options?: { signal?: AbortSignal }): Promise<Shadow>;
}
