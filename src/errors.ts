/**
 * Errors are data: a stable `code`, a message that says what happened, a `hint` that says what to
 * do, and structured `data`. Only `src/cli.ts` turns them into output and exit codes.
 * This file is the bottom layer: every other folder may import it, it imports nothing of ours.
 */
export class RedbError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly data: Readonly<Record<string, unknown>>;
  /** The process exit code the CLI uses for this error. */
  readonly exitCode: number;

  constructor(
    code: string,
    message: string,
    options: { hint?: string; data?: Record<string, unknown>; cause?: unknown; exitCode?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RedbError';
    this.code = code;
    this.hint = options.hint;
    this.data = options.data ?? {};
    this.exitCode = options.exitCode ?? 1;
  }

  /** Attach the underlying failure (shown with REDB_DEBUG=1). */
  because(cause: unknown): this {
    Object.defineProperty(this, 'cause', { value: cause, enumerable: false, configurable: true });
    return this;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, data: this.data };
  }
}

const define =
  <A extends unknown[]>(
    code: string,
    build: (...args: A) => { message: string; hint?: string; data?: Record<string, unknown>; exitCode?: number },
  ) =>
  (...args: A): RedbError => {
    const { message, ...rest } = build(...args);
    return new RedbError(code, message, rest);
  };

export const errors = {
  notARepository: define('REDB_NOT_A_REPOSITORY', (dir: string) => ({
    message: `not a redb repository (or any parent up to /): ${dir}`,
    hint: 'run `redb init` here first, or cd into a project that has a .redb folder',
    data: { dir },
  })),
  repositoryExists: define('REDB_REPO_EXISTS', (dir: string) => ({
    message: `a redb repository already exists in ${dir}`,
    hint: 'nothing to do: use it as it is, or remove .redb/ yourself to start over',
    data: { dir },
  })),
  refNotFound: define('REDB_REF_NOT_FOUND', (ref: string) => ({
    message: `no commit, branch or tag named '${ref}'`,
    hint: 'redb log, redb branch, redb tag',
    data: { ref },
  })),
  ambiguousRef: define('REDB_REF_AMBIGUOUS', (ref: string, candidates: readonly string[]) => ({
    message: `short id '${ref}' matches ${candidates.length} commits`,
    hint: 'give more characters of the id',
    data: { ref, candidates },
  })),
  noCommits: define('REDB_NO_COMMITS', (ref: string) => ({
    message: `'${ref}' has no commits yet`,
    hint: 'redb pull <db> then redb commit -m <message>',
    data: { ref },
  })),
  corruptObject: define('REDB_CORRUPT_OBJECT', (what: string, detail: string) => ({
    message: `the repository object ${what} is damaged: ${detail}`,
    hint: 'the .redb store was changed outside redb; run `git --git-dir .redb fsck` to see what is broken and restore .redb from a backup or a peer',
    data: { object: what, detail },
  })),
  invalidSchemaFile: define('REDB_INVALID_SCHEMA_FILE', (file: string, field: string, detail: string) => ({
    message: `${file}: ${field ? `${field}: ` : ''}${detail}`,
    hint: 'fix the file (or restore it with `redb switch --discard-changes <branch>`), then run the command again',
    data: { file, field, detail },
  })),
  invalidConfig: define('REDB_INVALID_CONFIG', (file: string, detail: string) => ({
    message: `the repository configuration ${file} is invalid: ${detail}`,
    hint: 'fix the file by hand or remove the offending entry with `redb db remove`',
    data: { file, detail },
  })),
  invalidUrl: define('REDB_INVALID_URL', (url: string, detail: string) => ({
    message: `'${url}' is not a database URL redb understands: ${detail}`,
    hint: 'use sqlite:<path>, duckdb:<path>, postgres://user@host/db, mysql://user@host/db or mongodb://host/db',
    data: { url, detail },
  })),
  plainPassword: define('REDB_PLAIN_PASSWORD', (redacted: string) => ({
    message: `the URL ${redacted} carries a password in plain text, which would be stored in .redb/`,
    hint: 'put the password in an environment variable and reference it: postgres://app:${PGPASSWORD}@host/db',
    data: { url: redacted },
  })),
  missingEnv: define('REDB_ENV_MISSING', (variable: string, dbName: string) => ({
    message: `the URL of '${dbName}' references \${${variable}}, which is not set`,
    hint: `export ${variable}=... and run the command again`,
    data: { variable, db: dbName },
  })),
  engineUnsupported: define('REDB_ENGINE_UNSUPPORTED', (engine: string, supported: readonly string[]) => ({
    message: `redb has no adapter for ${engine} yet`,
    hint: `supported engines: ${supported.join(', ')}`,
    data: { engine, supported },
  })),
  dbNotFound: define('REDB_DB_NOT_FOUND', (dbName: string) => ({
    message: `no database named '${dbName}' is bound to this repository`,
    hint: 'redb db list shows the bindings; redb db add <name> <url> adds one',
    data: { db: dbName },
  })),
  dbExists: define('REDB_DB_EXISTS', (dbName: string) => ({
    message: `a database named '${dbName}' is already bound`,
    hint: `redb db remove ${dbName} first, or choose another name`,
    data: { db: dbName },
  })),
  dbUnreachable: define('REDB_DB_UNREACHABLE', (target: string, detail: string, kind: 'server' | 'file' = 'server') => ({
    message: `cannot reach database ${target}: ${detail}`,
    hint:
      kind === 'file'
        ? 'check the URL with `redb db list` and that the file (and its folder) exists and can be opened; a relative path is taken from the project root, or from the current folder outside a project'
        : 'check the URL with `redb db list`, that the server is running, and the credentials',
    data: { db: target, detail },
  })),
  invalidName: define('REDB_INVALID_NAME', (what: string, value: string, rule: string) => ({
    message: `'${value}' is not a valid ${what} name: ${rule}`,
    data: { what, value },
  })),
  nameTaken: define('REDB_NAME_TAKEN', (what: string, value: string) => ({
    message: `a ${what} named '${value}' already exists`,
    hint: `choose another name, or delete it first with -d`,
    data: { what, value },
  })),
  nothingToCommit: define('REDB_NOTHING_TO_COMMIT', () => ({
    message: 'nothing to commit: the working tree matches HEAD',
    hint: 'redb pull <db> to bring in a live schema, or edit files under schema/',
  })),
  dirtyWorkingTree: define('REDB_DIRTY_WORKING_TREE', (action: string, changed: number) => ({
    message: `the working tree has ${changed} uncommitted change${changed === 1 ? '' : 's'} that ${action} would overwrite`,
    hint: 'commit them (redb commit -m ...), or pass --discard-changes to drop them',
    data: { action, changed },
  })),
  confirmationRequired: define('REDB_CONFIRMATION_REQUIRED', (action: string) => ({
    message: `${action} needs confirmation, and there is no terminal to ask`,
    hint: 'review with --dry-run, then pass --yes',
  })),
  aborted: define('REDB_ABORTED', (action: string) => ({ message: `${action} cancelled; nothing was changed` })),
  hazardsBlocked: define('REDB_HAZARDS_BLOCKED', (hazards: readonly string[]) => ({
    message: `the plan has hazards that were not allowed: ${hazards.join(', ')}`,
    hint: `review with --dry-run, then allow them explicitly: --allow ${hazards.join(',')}`,
    data: { hazards },
    exitCode: 3,
  })),
  /** `executed`: where DDL is not transactional, the statements that ran before the failure and stay applied. */
  migrateFailed: define('REDB_MIGRATE_FAILED', (dbName: string, statement: string, detail: string, rolledBack: boolean, executed?: readonly string[]) => ({
    message:
      `migrate of '${dbName}' failed at: ${statement.split('\n')[0]} — ${detail}${rolledBack ? '; the database was left as it was' : ''}` +
      (executed === undefined ? '' : `; ${executed.length} earlier statement${executed.length === 1 ? '' : 's'} ran and stay applied`),
    hint: rolledBack
      ? 'fix the schema or the data that the statement tripped over, check with --dry-run, and run migrate again'
      : 'fix the schema or the data that the statement tripped over, then run migrate again: it plans from what the database has now, so it picks up where this run stopped',
    data: { db: dbName, statement, detail, rolledBack, ...(executed === undefined ? {} : { executed: [...executed] }) },
  })),
  planUnsupported: define('REDB_PLAN_UNSUPPORTED', (engine: string, what: string) => ({
    message: `cannot compile ${what} for ${engine}`,
    hint: 'this change needs a manual step; migrate the rest first, or run the SQL by hand',
    data: { engine, what },
  })),
  crossEngine: define('REDB_CROSS_ENGINE', (from: string, to: string) => ({
    message: `the target schema is a ${from} schema and the database is ${to}`,
    hint: 'migrate within one engine; cross-engine copies are made with redb clone',
    data: { from, to },
  })),
  shadowMismatch: define('REDB_SHADOW_MISMATCH', (dbName: string, differences: readonly string[]) => ({
    message: `the plan for '${dbName}', rehearsed on a shadow database, does not produce the target schema (${differences.length} difference${differences.length === 1 ? '' : 's'}: ${differences.slice(0, 5).join('; ')}); nothing was changed`,
    hint: 'the planner got this change wrong: split the change into smaller commits, or apply it with --no-shadow after checking --dry-run yourself',
    data: { db: dbName, differences },
  })),
  shadowUnavailable: define('REDB_SHADOW_UNAVAILABLE', (dbName: string, detail: string) => ({
    message: `cannot create a shadow database beside '${dbName}' to rehearse the plan on: ${detail}`,
    hint: 'grant the user the right to create and drop databases, or pass --no-shadow to apply without a rehearsal',
    data: { db: dbName, detail },
  })),
  mergeInProgress: define('REDB_MERGE_IN_PROGRESS', (action: string) => ({
    message: `a merge is in progress, so ${action} has to wait`,
    hint: 'resolve the conflicts (redb status lists them) and redb commit, or redb merge --abort',
  })),
  unresolvedConflicts: define('REDB_UNRESOLVED_CONFLICTS', (files: readonly string[]) => ({
    message: `${files.length} conflict${files.length === 1 ? ' is' : 's are'} not resolved: ${files.join(', ')}`,
    hint: 'edit each object file to the schema you want, delete its .conflict.yaml file, then redb commit',
    data: { files },
  })),
  /** `line` is 1-based; 0 when the problem is not tied to one place in the file. */
  policyInvalid: define('REDB_POLICY_INVALID', (source: string, line: number, field: string, detail: string) => ({
    message: `${source}${line > 0 ? `:${line}` : ''}: ${field ? `${field}: ` : ''}${detail}`,
    hint: 'fix the masking policy (redb mask suggest <db> writes a starting point), then run the command again',
    data: { source, line, field, detail },
  })),
  policyUnknownColumn: define('REDB_POLICY_UNKNOWN_COLUMN', (source: string, line: number, pattern: string, detail: string) => ({
    message: `${source}:${line}: '${pattern}' ${detail}`,
    hint: 'a misspelt name would leave data unmasked: correct the name, or use a glob (*) for names that may be absent',
    data: { source, line, pattern, detail },
  })),
  policySecretMissing: define('REDB_POLICY_SECRET_MISSING', (source: string, detail: string) => ({
    message: `${source}: the masking secret is missing: ${detail}`,
    hint: 'set `secret: env:REDB_MASK_SECRET` in the policy and export REDB_MASK_SECRET=<a long random string>; keep it to mask the same way again',
    data: { source, detail },
  })),
  mcpNoReadRole: define('REDB_MCP_NO_READ_ROLE', (dbName: string) => ({
    message: `'${dbName}' has no read-only account for the MCP server, and the bound account may write`,
    hint: `run \`redb mcp grant ${dbName}\` to create a login that can only read, or \`redb mcp grant ${dbName} --url <read-only URL>\` to record one you made`,
    data: { db: dbName },
  })),
  mcpReadRoleUnsafe: define('REDB_MCP_READ_ROLE_UNSAFE', (dbName: string, detail: string) => ({
    message: `the MCP read account of '${dbName}' has more power than reading: ${detail}`,
    hint: `point it at a login that can only SELECT: redb mcp grant ${dbName}`,
    data: { db: dbName, detail },
  })),
  mcpDenied: define('REDB_MCP_DENIED', (what: string) => ({
    message: `${what} is denied to the MCP server by the masking policy`,
    hint: 'ask for other tables or columns; the policy file decides what assistants may see',
    data: { what },
  })),
  mcpQueryFailed: define('REDB_MCP_QUERY_FAILED', (dbName: string, detail: string) => ({
    message: `the query on '${dbName}' failed: ${detail}`,
    hint: 'send one read-only statement (SELECT, VALUES, WITH ... SELECT)',
    data: { db: dbName, detail },
  })),
  mcpGrantFailed: define('REDB_MCP_GRANT_FAILED', (dbName: string, detail: string) => ({
    message: `cannot create a read-only login on '${dbName}': ${detail}`,
    hint: 'run redb mcp grant with a binding whose account may create roles (or users) and grant SELECT',
    data: { db: dbName, detail },
  })),
  mcpTokenNotFound: define('REDB_MCP_TOKEN_NOT_FOUND', (id: string) => ({
    message: `no MCP token with id '${id}'`,
    hint: 'redb mcp token list shows the ids',
    data: { id },
  })),
  cloneLossy: define('REDB_CLONE_LOSSY', (target: string, losses: readonly string[]) => ({
    message: `the copy into ${target} would lose ${losses.length} thing${losses.length === 1 ? '' : 's'}: ${losses.slice(0, 5).join('; ')}${losses.length > 5 ? '; ...' : ''}`,
    hint: 'review the list (--json shows all of it), then pass --allow lossy',
    data: { target, losses },
    exitCode: 3,
  })),
  cloneTypeUnmapped: define('REDB_CLONE_TYPE_UNMAPPED', (table: string, column: string, type: string, engine: string) => ({
    message: `column ${table}.${column} has type ${type}, which has no ${engine} equivalent`,
    hint: `leave the table out (--tables), or pass --allow lossy to copy its values as text`,
    data: { table, column, type, engine },
  })),
  cloneTableMissing: define('REDB_CLONE_TABLE_MISSING', (dbName: string, table: string) => ({
    message: `${dbName} has no table ${table}`,
    hint: 'check the names with `redb show db:<name>`; --tables takes table or schema.table names',
    data: { db: dbName, table },
  })),
  cloneColumnMissing: define('REDB_CLONE_COLUMN_MISSING', (dbName: string, table: string, column: string) => ({
    message: `table ${table} in ${dbName} has no column ${column} to copy into`,
    hint: 'bring the target table to the source schema first (redb migrate), or clone without --data-only',
    data: { db: dbName, table, column },
  })),
  cloneSameDatabase: define('REDB_CLONE_SAME_DATABASE', (source: string, target: string) => ({
    message: `${source} and ${target} are the same database: a clone into itself would overwrite (with --truncate, empty) what it reads; nothing was changed`,
    hint: 'name another database as the target (on a server, create it first; a file database is created for you)',
    data: { source, target },
  })),
  cloneWhereInvalid: define('REDB_CLONE_WHERE_INVALID', (dbName: string, table: string, condition: string, detail: string) => ({
    message: `--where for ${table} does not run on ${dbName}: ${detail}`,
    hint: `the condition follows WHERE as it is, so write it in that engine's SQL over ${table}'s own column names`,
    data: { db: dbName, table, condition, detail },
  })),
  cloneWhereBreaksKey: define('REDB_CLONE_WHERE_BREAKS_KEY', (dbName: string, breaks: readonly { child: string; parent: string; foreignKey: string; orphans: number; suggestion: string }[]) => ({
    message: `--where would leave rows referring to rows that are not copied, so their foreign keys could not be added; nothing was copied: ${breaks
      .map((b) => `${b.orphans} row${b.orphans === 1 ? '' : 's'} of ${b.child} (foreign key ${b.foreignKey})`)
      .join('; ')}`,
    hint: `filter those tables to match, e.g. ${breaks.map((b) => `--where '${b.suggestion}'`).join(' ')}, or leave them out with --tables (their foreign keys are then not created)`,
    data: { db: dbName, breaks: breaks.map((b) => ({ ...b })) },
  })),
  cloneFinishFailed: define('REDB_CLONE_FINISH_FAILED', (target: string, statement: string, detail: string, rolledBack: boolean, resumable: boolean) => ({
    message: `the rows are in ${target}, but adding its keys, indexes and foreign keys failed at: ${statement.split('\n')[0]} — ${detail}${rolledBack ? '; none of them was added' : ''}`,
    hint: resumable
      ? 'fix the cause, then run the same clone with --resume: it keeps the copied rows and adds what is still missing'
      : 'fix the cause, then clone again with --truncate --yes',
    data: { target, statement, detail, rolledBack },
  })),
  cloneCopyFailed: define('REDB_CLONE_COPY_FAILED', (source: string, target: string, table: string, detail: string, resumable: boolean) => ({
    message: `copying ${table} from ${source} into ${target} failed: ${detail}`,
    hint: resumable
      ? 'fix the cause, then run the same clone with --resume: it continues from the last committed batch'
      : 'fix the cause, then run the same clone with --truncate --yes (outside a redb project there are no checkpoints to resume from)',
    data: { source, target, table, detail },
  })),
  cloneValueUnfit: define('REDB_CLONE_VALUE_UNFIT', (target: string, table: string, column: string, value: string, reason: string) => ({
    message: `${table}.${column} holds ${value}, which ${target} cannot store: ${reason}; the batch holding it was not written`,
    hint: 'change those rows in the source or leave them out (--where), leave the table out (--tables), or copy into an engine that holds the value; then run the clone again (--resume inside a project continues from the last committed batch)',
    data: { target, table, column, value, reason },
  })),
  cloneValueTooLarge: define('REDB_CLONE_VALUE_TOO_LARGE', (target: string, table: string, column: string, bytes: number, limit: number, setting: string) => ({
    message: `a row of ${table} holds ${bytes} bytes in ${column}, more than ${target} takes in one statement (${setting} = ${limit}); the batch holding it was not written`,
    hint: `raise ${setting} on the server (SET GLOBAL ${setting} = ${Math.min(2 ** 30, 2 ** Math.ceil(Math.log2(bytes + (1 << 20))))}, by an account that may; it takes effect for new sessions and cannot be raised per session) and run the clone again (--resume inside a project continues from the last committed batch), or leave the table out (--tables)`,
    data: { target, table, column, bytes, limit, setting },
  })),
  cloneTargetOutOfMemory: define('REDB_CLONE_TARGET_OUT_OF_MEMORY', (target: string, table: string, detail: string, limit: string) => ({
    message: `${target} ran out of memory writing ${table} (memory_limit ${limit}): ${detail}; the batch was not written`,
    hint: 'DuckDB holds a batch in memory two or three times over: free memory on this machine or lower --batch-rows, then run the same clone with --resume (or with --truncate --yes outside a project)',
    data: { target, table, detail, limit },
  })),
  cloneTargetNotEmpty: define('REDB_CLONE_TARGET_NOT_EMPTY', (dbName: string, tables: readonly string[]) => ({
    message: `${dbName} already has rows in ${tables.join(', ')}; nothing was copied`,
    hint: 'pass --truncate to empty those tables first, or --resume to continue an interrupted clone',
    data: { db: dbName, tables },
  })),
  verifyMismatch: define('REDB_VERIFY_MISMATCH', (source: string, target: string, tables: readonly string[], checks: readonly unknown[]) => ({
    message: `${target} does not match ${source} in ${tables.length} table${tables.length === 1 ? '' : 's'}: ${tables.join(', ')}`,
    hint: 'the counts and checksums per table are in the --json output; fix the cause and clone again with --truncate',
    data: { source, target, tables, checks },
  })),
  usage: define('REDB_USAGE', (message: string, hint?: string) => ({ message, ...(hint === undefined ? {} : { hint }) })),
} as const;

export const isRedbError = (e: unknown): e is RedbError => e instanceof RedbError;

/** The first line of what went wrong: drivers add context on further lines that a one-line error leaves out. */
export const firstLineOf = (e: unknown): string => (e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e));
