/**
 * Errors are data: a stable `code`, a message that says what happened, a `hint` that says what to
 * do, and structured `data`. Only `src/cli.ts` turns them into output and exit codes.
 * This file is the bottom layer: every other folder may import it, it imports nothing of ours.
 *
 * The one map below (`errors`) is the list of codes: `RedbErrorCode` is the union of its codes,
 * and `isRedbError(e, 'REDB_X')` narrows an error to that code and to the `data` its entry builds.
 */

/** What an error carries for a program to read; each entry of the map gives its own shape. */
export type ErrorData = Readonly<Record<string, unknown>>;

/** An error as it travels between processes (the daemon's socket, the MCP server): `toJSON` writes it, `RedbError.fromJSON` reads it back. */
export interface RedbErrorJSON<C extends string = string, D extends ErrorData = ErrorData> {
  readonly code: C;
  readonly message: string;
  readonly hint?: string | undefined;
  readonly data: D;
  readonly exitCode: number;
}

export class RedbError<C extends string = RedbErrorCode, D extends ErrorData = ErrorData> extends Error {
  readonly code: C;
  readonly hint: string | undefined;
  readonly data: D;
  /** The process exit code the CLI uses for this error. */
  readonly exitCode: number;

  /** Made by the factories of `errors` (or `fromJSON`), so that every code is one of the map's. */
  constructor(code: C & RedbErrorCode, message: string, options: { hint?: string | undefined; data?: D; cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RedbError';
    this.code = code;
    this.hint = options.hint;
    // An entry that builds no data has the empty shape.
    this.data = options.data ?? ({} as D);
    this.exitCode = options.exitCode ?? 1;
  }

  /** Attach the underlying failure (shown with REDB_DEBUG=1). */
  because(cause: unknown): this {
    Object.defineProperty(this, 'cause', { value: cause, enumerable: false, configurable: true });
    return this;
  }

  /** Everything but the cause and the stack, which stay in the process that failed. */
  toJSON(): RedbErrorJSON<C, D> {
    return { code: this.code, message: this.message, hint: this.hint, data: this.data, exitCode: this.exitCode };
  }

  /**
   * The error `toJSON` wrote, rebuilt with the same code, message, hint, data and exit code. A code
   * this version's map does not have, or a malformed envelope, is refused (REDB_ERROR_UNREADABLE):
   * an error must never turn into another one on the way.
   */
  static fromJSON(value: unknown): AnyRedbError {
    const refuse = (detail: string) => errors.errorUnreadable(detail);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw refuse('it is not an object');
    const { code, message, hint, data, exitCode } = value as Partial<Record<keyof RedbErrorJSON, unknown>>;
    if (typeof code !== 'string') throw refuse('it has no code');
    if (!isRedbErrorCode(code)) throw refuse(`its code ${code} is not one this version of redb knows`);
    if (typeof message !== 'string') throw refuse(`${code} has no message`);
    if (hint !== undefined && typeof hint !== 'string') throw refuse(`the hint of ${code} is not text`);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw refuse(`the data of ${code} is not an object`);
    if (!Number.isInteger(exitCode) || (exitCode as number) < 1 || (exitCode as number) > 255) throw refuse(`the exit code of ${code} is not 1 to 255`);
    // The sender built `data` with the same entry of the same map: the code names its shape.
    return new RedbError(code, message, { hint, data: data as ErrorData, exitCode: exitCode as number }) as AnyRedbError;
  }
}

/** How one table compares (verify, a clone's check): counts always, checksums unless the copy was masked. Here because REDB_VERIFY_MISMATCH carries it. */
export interface TableCheck {
  readonly table: string;
  readonly target: string;
  readonly sourceRows: number;
  readonly targetRows: number;
  readonly sourceChecksum?: string | undefined;
  readonly targetChecksum?: string | undefined;
  /** Compared by count only (the tables a caller asked so for). */
  readonly countsOnly: boolean;
  /** The source's values were masked before they were compared (`verify --mask`, a masked clone). */
  readonly masked?: boolean | undefined;
  /**
   * Who computed the checksums: each server hashing its own values (same engine and types), each
   * server hashing canonical text (canonical-sql.ts), or redb reading and normalising every row.
   */
  readonly method?: 'server-hash' | 'server-canonical' | 'rows' | undefined;
  readonly match: boolean;
}

/** What an entry's builder returns: the words, and the data a program reads. */
interface Built<D extends ErrorData> {
  readonly message: string;
  readonly hint?: string | undefined;
  readonly data?: D;
  readonly exitCode?: number;
}

/** A factory of the map: builds its error, and names its code (`errors.refNotFound.code`). */
export type ErrorFactory<C extends string, A extends unknown[], D extends ErrorData> = ((...args: A) => RedbError<C, D>) & { readonly code: C };

const define = <const C extends string, A extends unknown[], D extends ErrorData = Readonly<Record<never, never>>>(
  code: C,
  build: (...args: A) => Built<D>,
): ErrorFactory<C, A, D> =>
  Object.assign(
    (...args: A): RedbError<C, D> => {
      const { message, ...rest } = build(...args);
      return new RedbError<C, D>(code as C & RedbErrorCode, message, rest);
    },
    { code },
  );

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
  symlink: define('REDB_SYMLINK', (path: string) => ({
    message: `${path} is a symbolic link: redb neither follows links in a project nor writes through them`,
    hint: 'replace the link with the file or folder itself (git keeps a link as a link, so a schema folder cannot hold one); in schema/, --discard-changes replaces it',
    data: { path },
  })),
  invalidConfig: define('REDB_INVALID_CONFIG', (file: string, detail: string) => ({
    message: `the repository configuration ${file} is invalid: ${detail}`,
    hint: 'fix the file by hand or remove the offending entry with `redb db remove`',
    data: { file, detail },
  })),
  /** An operating-system failure on a path, one code per cause (see `systemError`). */
  permissionDenied: define('REDB_PERMISSION_DENIED', (path: string, syscall: string) => ({
    message: `permission denied: cannot ${action(syscall)} ${path}`,
    hint: `check who owns ${path} and its folder (ls -ld), then run redb as a user who may write there, or change the permissions`,
    data: { path, syscall },
  })),
  readOnlyFileSystem: define('REDB_READ_ONLY_FILE_SYSTEM', (path: string, syscall: string) => ({
    message: `${path} is on a read-only file system (${syscall})`,
    hint: 'work on a writable file system (for a project: a writable copy of it), or mount this one read-write',
    data: { path, syscall },
  })),
  diskFull: define('REDB_DISK_FULL', (path: string, syscall: string, quota: boolean) => ({
    message: `${quota ? 'the disk quota is used up' : 'no space left on the device'} holding ${path} (${syscall})`,
    hint: `free some space (df -h ${path} shows how much is left), then run the command again`,
    data: { path, syscall, quota },
  })),
  tooManyOpenFiles: define('REDB_TOO_MANY_OPEN_FILES', (path: string, syscall: string, system: boolean) => ({
    message: `too many open files${system ? ' on this system' : ' for this process'}, at ${path} (${syscall})`,
    hint: system
      ? 'the whole system ran out of file handles: close other programs, or raise fs.file-max'
      : 'raise the limit of this shell (ulimit -n 4096), then run the command again',
    data: { path, syscall, system },
  })),
  isADirectory: define('REDB_IS_A_DIRECTORY', (path: string, syscall: string) => ({
    message: `${path} is a folder, where a file was expected (${syscall})`,
    hint: 'give the path of a file, or move the folder out of the way',
    data: { path, syscall },
  })),
  notADirectory: define('REDB_NOT_A_DIRECTORY', (path: string, syscall: string) => ({
    message: `${path}: a part of this path is a file, where a folder was expected (${syscall})`,
    hint: 'check the path; a file stands where a folder of that name should be',
    data: { path, syscall },
  })),
  fileNotFound: define('REDB_FILE_NOT_FOUND', (path: string, syscall: string) => ({
    message: `${path} does not exist (${syscall})`,
    hint: 'check the path: a file or folder in it is missing (create the folder, or correct the name)',
    data: { path, syscall },
  })),
  fileSystemError: define('REDB_FILE_SYSTEM_ERROR', (path: string, syscall: string, errno: string, detail: string) => ({
    message: `the file system failed on ${path}: ${detail} (${errno}, ${syscall})`,
    hint:
      errno === 'EIO'
        ? 'the device reported a read or write error: check the disk and the file system (dmesg, fsck) before running the command again'
        : 'fix the cause named here, then run the command again',
    data: { path, syscall, errno, detail },
  })),
  invalidUrl: define('REDB_INVALID_URL', (url: string, detail: string) => ({
    message: `'${url}' is not a database URL redb understands: ${detail}`,
    hint: 'use sqlite:<path>, duckdb:<path>, postgres://user@host/db, mysql://user@host/db or mongodb://host/db',
    data: { url, detail },
  })),
  /** `where`: the places the password sits (`the password after user:`, or a parameter's name). */
  plainPassword: define('REDB_PLAIN_PASSWORD', (redacted: string, where: readonly string[] = []) => ({
    message: `the URL ${redacted} carries a password in plain text${where.length > 0 ? ` (${where.join(', ')})` : ''}, which would be stored in .redb/`,
    hint: `put the password in an environment variable and reference it: ${passwordExample(redacted)}, or seal it with redb secret set and write \${secret:name}`,
    data: { url: redacted, where },
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
  /** `problems`: one line each, `object detail: limit`; `action` says what was not done. */
  limitExceeded: define(
    'REDB_LIMIT_EXCEEDED',
    (target: string, problems: readonly { object: string; detail: string; limit: string; file: string }[], action: string) => ({
      message: `${target} cannot hold ${problems.length === 1 ? 'this' : `these ${problems.length} things`}: ${problems
        .slice(0, 3)
        .map((p) => `${p.object} ${p.detail}: ${p.limit}`)
        .join('; ')}${problems.length > 3 ? '; ...' : ''}; ${action}`,
      hint: 'shorten the names, split the table or change the types (redb lint lists every problem, --json here too), then run the command again',
      data: { target, problems: problems.map((p) => ({ ...p })) },
    }),
  ),
  nameClash: define(
    'REDB_NAME_CLASH',
    (target: string, problems: readonly { object: string; detail: string; limit: string; file: string }[], action: string) => ({
      message: `${target} cannot tell these names apart: ${problems
        .slice(0, 3)
        .map((p) => `${p.object} ${p.detail} (${p.limit})`)
        .join('; ')}${problems.length > 3 ? '; ...' : ''}; ${action}`,
      hint: 'rename one of each pair in the source (redb mv), or leave one out with --tables',
      data: { target, problems: problems.map((p) => ({ ...p })) },
    }),
  ),
  nothingToCommit: define('REDB_NOTHING_TO_COMMIT', (unborn = false) => ({
    message: unborn ? 'nothing to commit: schema/ is empty and has never been pulled' : 'nothing to commit: the working tree matches HEAD',
    hint: unborn
      ? 'redb pull <db> first (an empty database gives an empty schema, which can be committed), or pass --allow-empty'
      : 'redb pull <db> to bring in a live schema, edit files under schema/, or pass --allow-empty to record the same schema again',
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
  /** SIGINT or SIGTERM stopped a command before it finished: at once (a second signal), or a command with no safe point to stop at. */
  stopped: define('REDB_STOPPED', (command: string, signal: 'SIGINT' | 'SIGTERM', second: boolean, hint?: string, detail?: string) => ({
    message: `${command} was stopped ${second ? 'at once by a second' : 'by'} ${signal === 'SIGINT' ? 'Ctrl-C (SIGINT)' : 'SIGTERM'}${second ? '' : ' before it finished'}${detail === undefined ? '' : `: ${detail}`}`,
    hint: hint ?? 'run the command again; a change to the repository it left unfinished is completed by the next redb command',
    data: { command, signal, second },
    exitCode: signal === 'SIGINT' ? 130 : 143,
  })),
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
  /** Ctrl-C (or SIGTERM) stopped a migrate at a statement boundary; its outcome is in the database's history. */
  migrateInterrupted: define('REDB_MIGRATE_INTERRUPTED', (dbName: string, executed: number, total: number, rolledBack: boolean) => ({
    message: rolledBack
      ? `migrate of '${dbName}' interrupted; the database was left as it was`
      : `migrate of '${dbName}' interrupted after ${executed} of ${total} statement${total === 1 ? '' : 's'}, which stay applied and are recorded in its history`,
    hint: 'run migrate again: it plans from what the database has now',
    data: { db: dbName, executed, total, rolledBack },
    exitCode: 130,
  })),
  /** The connection went away while COMMIT was on its way: the server decided, the client never heard. */
  migrateOutcomeUnknown: define('REDB_MIGRATE_OUTCOME_UNKNOWN', (dbName: string, detail: string) => ({
    message: `lost the connection to '${dbName}' while committing the migration (${detail}): it either landed whole, with its row in the database's history, or not at all`,
    hint: 'redb status says which; redb migrate again finishes it either way',
    data: { db: dbName, detail },
  })),
  /** Another session holds the database's migrate lock: a concurrent migrate, or a killed one's statement the server is still running. */
  migrateBusy: define('REDB_MIGRATE_BUSY', (dbName: string, holder: string, waitedSeconds: number) => ({
    message: `another migrate of '${dbName}' is still running on the server (${holder}); waited ${waitedSeconds} s`,
    hint: 'wait for it to finish and run migrate again (or wait longer: --wait <seconds>); if its process is gone, the server ends the session once its statement finishes',
    data: { db: dbName, holder, waitedSeconds },
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
  /** A statement failed on the shadow: the rehearsal stopped there, and the database itself was never touched. */
  shadowFailed: define('REDB_SHADOW_FAILED', (dbName: string, phase: string, statement: string, detail: string, shadow = 'a shadow database') => ({
    message: `the rehearsal of the plan for '${dbName}' on ${shadow} failed while ${phase}${statement === '' ? '' : ` at: ${statement.split('\n')[0]}`} — ${detail}; '${dbName}' itself was not touched`,
    hint: 'check the plan with --dry-run: the target schema may need a change the planner cannot make in one step (split it into smaller commits), or a name it uses may not exist',
    data: { db: dbName, phase, statement, detail },
  })),
  shadowUnavailable: define('REDB_SHADOW_UNAVAILABLE', (dbName: string, detail: string) => ({
    message: `cannot create a shadow database beside '${dbName}' to rehearse the plan on: ${detail}`,
    hint: 'grant the user the right to create and drop databases, or pass --no-shadow to apply without a rehearsal',
    data: { db: dbName, detail },
  })),
  locked: define('REDB_LOCKED', (holder: { pid: number; host: string; command: string; started: string }, lockFile: string) => ({
    message: `another redb command is writing this repository: ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.started})`,
    hint: `wait for it to finish and run the command again; if that process is gone from another machine, delete ${lockFile}`,
    data: { ...holder, lockFile },
  })),
  interrupted: define('REDB_INTERRUPTED', (command: string, detail: string) => ({
    message: `an interrupted \`redb ${command}\` could not be finished: ${detail}`,
    hint: 'fix the cause and run any redb command again to finish it (it is recorded in .redb/state/journal.json)',
    data: { command, detail },
  })),
  daemonRunning: define('REDB_DAEMON_RUNNING', (pid: number, socket: string) => ({
    message: `the redb daemon of this project is already running (pid ${pid}, socket ${socket})`,
    hint: 'nothing to do: redb daemon status shows its jobs; redb daemon stop stops it',
    data: { pid, socket },
  })),
  daemonSocketForeign: define('REDB_DAEMON_SOCKET_FOREIGN', (socket: string, owner: number, uid: number) => ({
    message: `the daemon socket ${socket} belongs to another user (uid ${owner}, you are uid ${uid}): redb neither talks to it nor replaces it`,
    hint: "run redb as the project's owner, or, if that socket is a leftover, have its owner (or root) remove it",
    data: { socket, owner, uid },
  })),
  daemonUnreachable: define('REDB_DAEMON_UNREACHABLE', (socket: string, detail: string) => ({
    message: `the redb daemon does not answer on ${socket}: ${detail}`,
    hint: 'redb daemon logs shows what it was doing; if it hangs, kill it (its pid is in .redb/state/daemon.json) and run redb daemon start',
    data: { socket, detail },
  })),
  daemonProtocol: define('REDB_DAEMON_PROTOCOL', (detail: string) => ({
    message: `a malformed message on the daemon's control socket: ${detail}`,
    hint: 'the client and the daemon must be the same redb version: redb daemon stop, then redb daemon start',
    data: { detail },
  })),
  daemonUnauthorized: define('REDB_DAEMON_UNAUTHORIZED', () => ({
    message: "the daemon refused the request: it did not carry the token in this project's .redb/state/daemon.json",
    hint: "only the daemon's owner may control it; run redb as that user",
  })),
  daemonStartFailed: define('REDB_DAEMON_START_FAILED', (detail: string, log: string) => ({
    message: `the redb daemon did not start: ${detail}`,
    hint: `see ${log} (redb daemon logs), or run redb daemon start --foreground to watch it start`,
    data: { detail, log },
  })),
  daemonSocketPath: define('REDB_DAEMON_SOCKET_PATH', (socket: string, limit: number) => ({
    message: `the daemon socket path ${socket} is longer than the ${limit} bytes a Unix socket name may have`,
    hint: 'move the project to a shorter path',
    data: { socket, limit },
  })),
  daemonMetricsAddress: define('REDB_DAEMON_METRICS_ADDRESS', (address: string, detail: string) => ({
    message: `cannot serve metrics on ${address}: ${detail}`,
    hint: 'give a loopback address and a free port, e.g. --metrics 127.0.0.1:9464 (port 0 picks a free one)',
    data: { address, detail },
  })),
  writeDenied: define('REDB_WRITE_DENIED', (path: string, detail: string) => ({
    message: `cannot write ${path}: ${detail}`,
    hint: 'commands that change the repository need a writable project; status, log, diff and show work in a read-only one',
    data: { path, detail },
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
  identityMissing: define('REDB_IDENTITY_MISSING', (file: string, why: string) => ({
    message: `no identity in ${file}: ${why}`,
    hint: 'run `redb id` to create one (or restore your key file), and ask an admin to `redb trust add` it and `redb secret reseal`',
    data: { file },
  })),
  keyPermissions: define('REDB_KEY_PERMISSIONS', (file: string, mode: string) => ({
    message: `the key file ${file} can be read by others (mode ${mode}), so it is not used`,
    hint: `chmod 600 ${file}`,
    data: { file, mode },
  })),
  keyFileInvalid: define('REDB_KEY_FILE_INVALID', (file: string, detail: string) => ({
    message: `the key file ${file} is damaged: ${detail}`,
    hint: 'restore it from a backup; without it this identity cannot sign or open secrets',
    data: { file, detail },
  })),
  passphraseRequired: define('REDB_PASSPHRASE_REQUIRED', (file: string) => ({
    message: `the key file ${file} is protected by a passphrase, and there is no terminal to ask for it`,
    hint: 'set REDB_PASSPHRASE (CI), or run the command in a terminal',
    data: { file },
  })),
  wrongPassphrase: define('REDB_WRONG_PASSPHRASE', (file: string) => ({
    message: `wrong passphrase for the key file ${file}; nothing was changed`,
    hint: 'try again; REDB_PASSPHRASE, when set, is what redb used',
    data: { file },
  })),
  notVerified: define('REDB_NOT_VERIFIED', (object: string, status: string, reason: string) => ({
    message: `${object} is not verified: ${reason}`,
    hint:
      status === 'untrusted'
        ? 'redb trust list shows who is trusted; an admin adds a signer with redb trust add'
        : 'sign it with redb commit -S (or redb tag -s); redb log --show-signature shows each commit',
    data: { object, status, reason },
  })),
  requireSigned: define('REDB_REQUIRE_SIGNED', (dbName: string, commit: string, reason: string) => ({
    message: `'${dbName}' only takes commits verified by a trusted identity, and ${commit} is not: ${reason}; nothing was changed`,
    hint: 'migrate a commit signed by a trusted identity (redb commit -S; redb verify-commit <ref> checks one)',
    data: { db: dbName, commit, reason },
  })),
  trustInvalid: define('REDB_TRUST_INVALID', (revision: string, detail: string) => ({
    message: `the trust document (${revision}) is not valid: ${detail}`,
    hint: 'it was changed outside redb or by someone without the right; restore refs/redb/trust from a good copy (a peer or a backup)',
    data: { revision, detail },
  })),
  trustNotAdmin: define('REDB_TRUST_NOT_ADMIN', (id: string) => ({
    message: `this identity (${id}) is not an admin of the trust document, so it cannot change it`,
    hint: 'ask an admin (redb trust list) to make the change',
    data: { id },
  })),
  trustUnknownIdentity: define('REDB_TRUST_UNKNOWN_IDENTITY', (id: string, detail: string) => ({
    message: `cannot add ${id}: ${detail}`,
    hint: 'ask them for the output of `redb id --json` and pass it with --card <file> (or - for stdin)',
    data: { id, detail },
  })),
  trustNameNotFound: define('REDB_TRUST_NOT_FOUND', (name: string) => ({
    message: `no one named '${name}' is in the trust document`,
    hint: 'redb trust list',
    data: { name },
  })),
  trustRule: define('REDB_TRUST_RULE', (detail: string) => ({
    message: `the change would break the trust document's rules: ${detail}; nothing was changed`,
    hint: 'keep at least as many admins as the threshold (redb trust threshold <n> changes it)',
    data: { detail },
  })),
  secretNotFound: define('REDB_SECRET_NOT_FOUND', (name: string) => ({
    message: `no secret named '${name}'`,
    hint: 'redb secret list; redb secret set <name> < value',
    data: { name },
  })),
  secretNotForYou: define('REDB_SECRET_NOT_FOR_YOU', (name: string, id: string) => ({
    message: `the secret '${name}' was not sealed to this identity (${id}), so it cannot be opened here`,
    hint: 'ask an admin to add you (redb trust add) and to run redb secret reseal',
    data: { name, id },
  })),
  secretValueMissing: define('REDB_SECRET_VALUE_MISSING', (name: string, detail: string) => ({
    message: `no value for the secret '${name}': ${detail}`,
    hint: 'pipe it on stdin (redb secret set name < file) or name a variable with --from-env VAR; never as an argument',
    data: { name },
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
  accessPolicyInvalid: define('REDB_ACCESS_POLICY_INVALID', (source: string, line: number, detail: string) => ({
    message: `${source}${line > 0 ? `:${line}` : ''}: ${detail}`,
    hint: 'fix the access policy (Cedar; docs/access.md lists the entity types and actions), then run the command again',
    data: { source, line, detail },
  })),
  accessDenied: define('REDB_ACCESS_DENIED', (principal: string, action: string, resource: string, reasons: readonly string[]) => ({
    message: `${principal} may not ${action} ${resource}${reasons.length === 0 ? '' : ` (${reasons.join('; ')})`}`,
    hint: 'the access policy decides this; ask whoever maintains it',
    data: { principal, action, resource, reasons },
  })),
  accessMaskMissing: define('REDB_ACCESS_MASK_MISSING', (principal: string, column: string, maskPolicy: string | undefined, rule: string) => ({
    message: `the access policy lets ${principal} see ${column} only masked, but ${maskPolicy === undefined ? 'no masking policy is in use' : `the masking policy ${maskPolicy} has no rule for it`}`,
    hint:
      maskPolicy === undefined
        ? `give a masking policy (--mask <file>, or policy: in .redb/mcp.yaml) with a rule such as: ${rule}`
        : `add a rule to ${maskPolicy}, such as: ${rule} (redb mask suggest <db> proposes transforms)`,
    data: { principal, column, maskPolicy, rule },
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
  mcpReadRoleStale: define('REDB_MCP_READ_ROLE_STALE', (dbName: string, detail: string) => ({
    message: `the MCP read account of '${dbName}' may read more than the masking policy allows: ${detail}`,
    hint: `run \`redb mcp grant ${dbName}\` again to grant what the policy allows now (a grant made to PUBLIC or to a role the login belongs to must be revoked where it was made)`,
    data: { db: dbName, detail },
  })),
  mcpRefRefused: define('REDB_MCP_REF_REFUSED', (ref: string, reason: string) => ({
    message: `'${ref}' is refused over MCP: ${reason}`,
    hint: 'name a commit, branch, tag, HEAD~n, working or db:<bound database> (list_databases shows the names)',
    data: { ref, reason },
  })),
  mcpUnauthorized: define('REDB_MCP_UNAUTHORIZED', () => ({
    message: 'unauthorized: send Authorization: Bearer <token>',
    hint: 'redb mcp token create',
  })),
  mcpDenied: define('REDB_MCP_DENIED', (what: string) => ({
    message: `${what} is denied to the MCP server by the masking policy`,
    hint: 'ask for other tables or columns; the policy file decides what assistants may see',
    data: { what },
  })),
  mcpColumnWithheld: define('REDB_MCP_COLUMN_WITHHELD', (what: string) => ({
    message: `${what}: free-form queries may not read columns the masking policy masks or denies, in any part of the statement`,
    hint: 'leave it out of the query; sample_rows shows masked columns with their masks applied',
    data: { what },
  })),
  mcpNotGranted: define('REDB_MCP_NOT_GRANTED', (dbName: string, detail: string) => ({
    message: `the MCP read account of '${dbName}' may not read that: ${detail}`,
    hint: `it reads only the columns the masking policy neither masks nor denies (sample_rows shows masked ones masked); a table added since the grant needs \`redb mcp grant ${dbName}\``,
    data: { db: dbName, detail },
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
  cloneRehearsalFailed: define('REDB_CLONE_REHEARSAL_FAILED', (target: string, statement: string, detail: string) => ({
    message: `the schema translated for ${target}, rehearsed on a scratch database of the same engine, fails at: ${statement.split('\n')[0]} — ${detail}; nothing was created in ${target}`,
    hint: 'leave the object out (--tables), or change it on the source; `redb show db:<source> --as <engine>` prints the translated schema',
    data: { target, statement, detail },
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
  cloneWhereBreaksKey: define(
    'REDB_CLONE_WHERE_BREAKS_KEY',
    (dbName: string, breaks: readonly { child: string; parent: string; foreignKey: string; orphans: number; suggestion: string }[]) => ({
      message: `--where would leave rows referring to rows that are not copied, so their foreign keys could not be added; nothing was copied: ${breaks
        .map((b) => `${b.orphans} row${b.orphans === 1 ? '' : 's'} of ${b.child} (foreign key ${b.foreignKey})`)
        .join('; ')}`,
      hint: `filter those tables to match, e.g. ${breaks.map((b) => `--where '${b.suggestion}'`).join(' ')}, or leave them out with --tables (their foreign keys are then not created)`,
      data: { db: dbName, breaks: breaks.map((b) => ({ ...b })) },
    }),
  ),
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
  cloneResumeMismatch: define('REDB_CLONE_RESUME_MISMATCH', (source: string, target: string, differences: readonly string[]) => ({
    message: `--resume would not continue the interrupted clone of ${source} into ${target}: ${differences.join('; ')}; nothing was written`,
    hint: 'resume with the same options as the interrupted run (the command line it was started with, plus --resume), or start over with --truncate and without --resume',
    data: { source, target, differences },
  })),
  cloneFinished: define('REDB_CLONE_FINISHED', (source: string, target: string, finishedAt: string) => ({
    message: `the clone of ${source} into ${target} finished at ${finishedAt}: there is nothing to resume`,
    hint: `redb verify compares the two; to copy again, run the clone without --resume (with --truncate to replace the rows)`,
    data: { source, target, finishedAt },
  })),
  cloneInterrupted: define('REDB_CLONE_INTERRUPTED', (source: string, target: string, signal: 'SIGINT' | 'SIGTERM', resumable: boolean) => ({
    message: `the clone of ${source} into ${target} was interrupted; ${resumable ? 'what was committed is kept: run the same command with --resume to continue' : 'outside a redb project there are no checkpoints: run it again with --truncate --yes'}`,
    data: { source, target, signal, resumable },
    exitCode: signal === 'SIGINT' ? 130 : 143,
  })),
  cloneTargetIncompatible: define('REDB_CLONE_TARGET_INCOMPATIBLE', (dbName: string, problems: readonly string[]) => ({
    message: `the copy into ${dbName} could not succeed, so nothing was emptied or written: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; ...' : ''}`,
    hint: 'bring the target tables to the source schema first (redb migrate, or drop them and let the clone create them), or leave those tables out with --tables',
    data: { db: dbName, problems },
  })),
  cloneTruncateReferenced: define(
    'REDB_CLONE_TRUNCATE_REFERENCED',
    (dbName: string, references: readonly { table: string; referencedBy: string; rows: number }[]) => ({
      message: `--truncate would empty ${[...new Set(references.map((r) => r.table))].join(', ')} in ${dbName}, which ${references.map((r) => `${r.referencedBy} (${r.rows} row${r.rows === 1 ? '' : 's'})`).join(', ')} refer${references.length === 1 ? 's' : ''} to and the clone does not copy; nothing was emptied`,
      hint: 'copy those tables too (--tables), or empty them yourself first',
      data: { db: dbName, references: references.map((r) => ({ ...r })) },
    }),
  ),
  /** Found on the source before anything is written, or (a type the source cannot measure) at the row, with the batch holding it not written. */
  cloneValueTooLarge: define(
    'REDB_CLONE_VALUE_TOO_LARGE',
    (dbName: string, problems: readonly { table: string; column: string; rows: number; limit: number; setting: string; bytes?: number }[], atRow = false) => ({
      message: `${problems.map((p) => `${p.rows} row${p.rows === 1 ? '' : 's'} of ${p.table} hold${p.rows === 1 ? 's' : ''} a ${p.column} value ${p.bytes === undefined ? '' : `of ${p.bytes} bytes, `}larger than ${dbName} accepts (${p.setting} = ${p.limit} bytes)`).join('; ')}; ${atRow ? 'the batch holding it was not written' : 'nothing was written'}`,
      hint: `raise ${problems[0]?.setting ?? 'the limit'} on the target server (SET GLOBAL, and in its configuration; it takes effect for new sessions), or leave the rows out with --where${atRow ? '; then run the clone again (--resume inside a project continues from the last committed batch)' : ''}`,
      data: { db: dbName, problems: problems.map((p) => ({ ...p })) },
    }),
  ),
  cloneUnevenArrays: define(
    'REDB_CLONE_UNEVEN_ARRAY',
    (dbName: string, problems: readonly { table: string; column: string; rows: number; condition: string }[]) => {
      // The rows that fit, of the first table named: a --where to copy as it is.
      const table = problems[0]?.table;
      const uneven = problems.filter((p) => p.table === table).map((p) => p.condition);
      return {
        message: `${problems.map((p) => `${p.rows} row${p.rows === 1 ? '' : 's'} of ${p.table} hold${p.rows === 1 ? 's a list' : ' lists'} in ${p.column} whose sub-lists differ in length or are NULL or empty`).join('; ')}, which ${dbName} cannot hold as an array (the sub-arrays of one must all match); nothing was written`,
        hint: `leave those rows out with --where${table === undefined ? '' : ` (--where '${table}:NOT (${uneven.join(' OR ')})')`}, leave the table out with --tables, or make the lists even at the source`,
        data: { db: dbName, problems: problems.map((p) => ({ ...p })) },
      };
    },
  ),
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
  verifyMismatch: define('REDB_VERIFY_MISMATCH', (source: string, target: string, tables: readonly string[], checks: readonly TableCheck[]) => ({
    message: `${target} does not match ${source} in ${tables.length} table${tables.length === 1 ? '' : 's'}: ${tables.join(', ')}`,
    hint: 'the counts and checksums per table are in the --json output; fix the cause and clone again with --truncate',
    data: { source, target, tables, checks },
  })),
  changesUnsupported: define('REDB_CHANGES_UNSUPPORTED', (engine: string) => ({
    message: `${engine} keeps no change log redb can read: it can be a replication target, but not a source`,
    hint: 'replicate from a PostgreSQL, MariaDB/MySQL or SQLite database; clone copies from any engine once',
    data: { engine },
  })),
  changesWalLevel: define('REDB_CHANGES_WAL_LEVEL', (dbName: string, walLevel: string) => ({
    message: `${dbName} runs with wal_level = ${walLevel}: its write-ahead log has no logical changes to read`,
    hint: "as a superuser: ALTER SYSTEM SET wal_level = logical; then restart the server (the setting takes effect only at start); managed services call it logical replication or 'rds.logical_replication'",
    data: { db: dbName, walLevel },
  })),
  changesPrivilege: define('REDB_CHANGES_PRIVILEGE', (dbName: string, login: string, missing: readonly string[], fix: string) => ({
    message: `the login ${login} on ${dbName} may not read the change log: it lacks ${missing.join(', ')}`,
    hint: fix,
    data: { db: dbName, login, missing },
  })),
  changesNoSlots: define('REDB_CHANGES_NO_SLOTS', (dbName: string, setting: string, limit: number, used: number) => ({
    message: `${dbName} has no free replication slot: ${setting} is ${limit} and ${used} ${used === 1 ? 'is' : 'are'} in use`,
    hint: `drop slots no one reads (SELECT slot_name, active FROM pg_replication_slots; redb-made ones are named redb_<job>, removed by redb replicate drop <job>), or raise ${setting} and restart the server`,
    data: { db: dbName, setting, limit, used },
  })),
  changesBinlogOff: define('REDB_CHANGES_BINLOG_OFF', (dbName: string) => ({
    message: `${dbName} keeps no binary log (log_bin is OFF): there is no change log to read`,
    hint: 'start the server with log_bin (e.g. log-bin=mysql-bin and a server_id in its configuration), binlog_format=ROW and binlog_row_image=FULL',
    data: { db: dbName },
  })),
  changesBinlogFormat: define('REDB_CHANGES_BINLOG_FORMAT', (dbName: string, format: string, where: string) => ({
    message: `${dbName} logs changes as ${format} (${where}): only row events say which rows changed`,
    hint: "SET GLOBAL binlog_format = 'ROW' (and binlog_format=ROW in the server's configuration, to keep it after a restart); sessions that set their own format must not set another",
    data: { db: dbName, format, where },
  })),
  changesRowImage: define('REDB_CHANGES_ROW_IMAGE', (dbName: string, image: string, where: string) => ({
    message: `${dbName} logs ${image} row images (${where}): a change would be missing the columns it did not touch`,
    hint: "SET GLOBAL binlog_row_image = 'FULL' (and binlog_row_image=FULL in the server's configuration); sessions that set their own image must not set another",
    data: { db: dbName, image, where },
  })),
  changesNoKey: define('REDB_CHANGES_NO_KEY', (dbName: string, tables: readonly string[], fix: string) => ({
    message: `${tables.length === 1 ? 'table' : 'tables'} ${tables.join(', ')} in ${dbName} ${tables.length === 1 ? 'has' : 'have'} no primary key, so a change cannot say which row it changed; nothing was set up`,
    hint: fix,
    data: { db: dbName, tables },
  })),
  replicateGeneratedPlain: define('REDB_REPLICATE_GENERATED_PLAIN', (targetName: string, columns: readonly string[]) => ({
    message: `${columns.length === 1 ? 'column' : 'columns'} ${columns.join(', ')} ${columns.length === 1 ? 'is' : 'are'} generated on the source and would be plain on ${targetName} (the expression does not translate to it): a change stream carries no generated values, so the target's ${columns.length === 1 ? 'column' : 'columns'} could not be kept current; nothing was set up`,
    hint: 'leave the table out with --tables (redb clone copies its values once), or replicate into an engine that can compute the expression',
    data: { target: targetName, columns },
  })),
  changesTableMissing: define('REDB_CHANGES_TABLE_MISSING', (dbName: string, table: string) => ({
    message: `${dbName} has no table ${table} to capture changes of`,
    hint: 'check the names with `redb show db:<name>`; tables are named table or schema.table',
    data: { db: dbName, table },
  })),
  changesJobMissing: define('REDB_CHANGES_JOB_MISSING', (dbName: string, job: string, what: string) => ({
    message: `replication job ${job} has no ${what} on ${dbName}`,
    hint: `start the job again from a copy (redb replicate), which sets it up; redb replicate status lists the jobs`,
    data: { db: dbName, job },
  })),
  changesSlotActive: define('REDB_CHANGES_SLOT_ACTIVE', (dbName: string, slot: string, pid: number | undefined) => ({
    message: `replication slot ${slot} on ${dbName} is being read by another session${pid === undefined ? '' : ` (server process ${pid})`}`,
    hint: 'stop the other redb replicate of this job first (one reader per job), then run the command again',
    data: { db: dbName, slot, pid },
  })),
  changesPositionGone: define('REDB_CHANGES_POSITION_GONE', (dbName: string, position: string, detail: string) => ({
    message: `${dbName} no longer has the changes after ${position}: ${detail}`,
    hint: 'the job must copy its tables again: redb replicate drop <job>, then redb replicate',
    data: { db: dbName, position, detail },
  })),
  changesBadPosition: define('REDB_CHANGES_BAD_POSITION', (engine: string, text: string) => ({
    message: `'${text}' is not a ${engine} change log position`,
    hint: 'positions are written by redb itself; a target changed by hand has to be copied again',
    data: { engine, position: text },
  })),
  changesSchemaUnknown: define('REDB_CHANGES_SCHEMA_UNKNOWN', (dbName: string, table: string, detail: string) => ({
    message: `the binary log of ${dbName} has rows of ${table} whose columns the server can no longer name: ${detail}`,
    hint: "SET GLOBAL binlog_row_metadata = 'FULL' so that the log names its columns itself, then copy the table again",
    data: { db: dbName, table, detail },
  })),
  changesSourceFailed: define('REDB_CHANGES_SOURCE_FAILED', (dbName: string, action: string, detail: string) => ({
    message: `${action} on ${dbName} failed: ${detail}`,
    hint: 'fix the cause (privileges, ownership of the tables, a server setting), then run the command again; nothing half-made is left behind',
    data: { db: dbName, action, detail },
  })),
  replicateSameDatabase: define('REDB_REPLICATE_SAME_DATABASE', (source: string, target: string) => ({
    message: `${source} and ${target} are the same database: a job would apply every change onto the rows it reads them from; nothing was set up`,
    hint: 'name another database as the target (on a server, create it first; a file database is created for you)',
    data: { source, target },
  })),
  replicateJobExists: define('REDB_REPLICATE_JOB_EXISTS', (job: string, source: string, target: string) => ({
    message: `replication job ${job} already exists, from ${source} into ${target}; nothing was set up`,
    hint: `give this one another name with --name, or remove the other first: redb replicate drop ${job}`,
    data: { job, source, target },
  })),
  replicateTargetDiffers: define(
    'REDB_REPLICATE_TARGET_DIFFERS',
    (job: string, target: string, tables: readonly { table: string; change: string }[], statements: number, blocked: readonly string[], command: string) => ({
      message: `the target ${target} has ${tables.map((t) => `${t.table} (${t.change})`).join(', ')} shaped otherwise than the source: ${statements} statement${statements === 1 ? '' : 's'} would bring ${tables.length === 1 ? 'it' : 'them'} to the source's shape${blocked.length > 0 ? `, with hazards not allowed (${blocked.join(', ')})` : ''}; nothing was changed`,
      hint: `review the plan above, then apply it and start the job: ${command}`,
      data: { job, target, tables, statements, blocked },
    }),
  ),
  replicateJobNotFound: define('REDB_REPLICATE_JOB_NOT_FOUND', (job: string, known: readonly string[]) => ({
    message: `there is no replication job ${job} in this project`,
    hint: known.length > 0 ? `the jobs are: ${known.join(', ')} (redb replicate status)` : 'redb replicate <src> <dst> starts one',
    data: { job, known },
  })),
  replicateDropUnreachable: define('REDB_REPLICATE_DROP_UNREACHABLE', (job: string, side: 'source' | 'target', detail: string, removed: readonly string[]) => ({
    message: `replication job ${job} was not dropped: its ${side} cannot be reached (${detail})${removed.length > 0 ? `; removed so far: ${removed.join(', ')}` : ''}`,
    hint: `run it again once the ${side} can be reached; if it is gone for good, \`redb replicate drop ${job} --force\` removes what can be reached and forgets the rest, listing what it leaves (a slot left on a PostgreSQL server that comes back keeps its WAL until it is dropped there)`,
    data: { job, side, removed },
  })),
  replicateJobRunning: define('REDB_REPLICATE_JOB_RUNNING', (job: string, pid: number) => ({
    message: `replication job ${job} is running (process ${pid}); nothing was changed`,
    hint: `stop it first (Ctrl-C in its terminal, or kill -TERM ${pid}), then run the command again`,
    data: { job, pid },
  })),
  replicateCopyInterrupted: define('REDB_REPLICATE_COPY_INTERRUPTED', (job: string, signal: 'SIGINT' | 'SIGTERM') => ({
    message: `the initial copy of replication job ${job} was interrupted before it finished`,
    hint: 'run the same redb replicate again: it empties the tables it made and copies them anew',
    data: { job, signal },
    exitCode: signal === 'SIGINT' ? 130 : 143,
  })),
  replicateCopyRewritten: define('REDB_REPLICATE_COPY_REWRITTEN', (job: string, dbName: string, tables: readonly string[]) => ({
    message: `the initial copy of replication job ${job} cannot see the rows of ${tables.join(', ')}: ${dbName} rewrote ${tables.length === 1 ? 'it' : 'them'} (ALTER ... TYPE, VACUUM FULL, CLUSTER, TRUNCATE) after the copy's snapshot and before the copy read ${tables.length === 1 ? 'it' : 'them'}`,
    hint: 'run the same redb replicate again: it goes on from the copy, and copies those tables again',
    data: { job, db: dbName, tables: [...tables] },
  })),
  replicateHandoffMoved: define('REDB_REPLICATE_HANDOFF_MOVED', (job: string, dbName: string, tables: readonly string[]) => ({
    message: `the columns of ${tables.join(', ')} in ${dbName} changed while replication job ${job} set up its snapshot (after it read the catalog, before the snapshot was taken); nothing was published from that snapshot`,
    hint: 'run the same redb replicate again: it reads the catalog again and takes a new snapshot',
    data: { job, db: dbName, tables: [...tables] },
  })),
  replicateGaveUp: define('REDB_REPLICATE_GAVE_UP', (job: string, attempts: number, seconds: number, code: string, detail: string) => ({
    message: `replication job ${job} stopped after ${attempts} attempts in ${seconds} s without progress: ${detail}`,
    hint: "everything before it is applied; once the server is back (or the cause is fixed), run the same redb replicate again: it goes on from the target's position",
    data: { job, attempts, seconds, code, detail },
  })),
  replicateTargetTablesGone: define('REDB_REPLICATE_TARGET_TABLES_GONE', (job: string, target: string, tables: readonly string[]) => ({
    message: `replication job ${job} holds a position in ${target}, but its table${tables.length === 1 ? '' : 's'} ${tables.join(', ')} ${tables.length === 1 ? 'is' : 'are'} gone from there (dropped, or the database made again); streaming on would lose every row copied before`,
    hint: `copy anew: redb replicate drop ${job}, then run the same redb replicate again`,
    data: { job, target, tables: [...tables], command: `redb replicate drop ${job}` },
  })),
  replicateResyncNeeded: define('REDB_REPLICATE_RESYNC_NEEDED', (job: string, dbName: string, detail: string) => ({
    message: `replication job ${job} cannot go on: ${dbName} no longer has the changes after the job's position (${detail}); everything before it is applied`,
    hint: `redb replicate resync ${job} compares each table with the source and copies again only those that differ, then streams on`,
    data: { job, db: dbName, detail, command: `redb replicate resync ${job}` },
  })),
  replicateSchemaChanged: define('REDB_REPLICATE_SCHEMA_CHANGED', (job: string, table: string, detail: string) => ({
    message: `replication job ${job} stopped at a schema change of ${table} on the source (${detail}); everything before it is applied`,
    hint: `bring the target's ${table} to the same shape (redb migrate), then run the same redb replicate again: it goes on from the change`,
    data: { job, table, detail },
  })),
  natsUnreachable: define('REDB_NATS_UNREACHABLE', (server: string, detail: string) => ({
    message: `cannot reach the NATS server ${server}: ${detail}`,
    hint: 'check that nats-server runs there (with JetStream: nats-server -js) and that host and port are right; nothing was set up',
    data: { server, detail },
  })),
  natsNoJetStream: define('REDB_NATS_NO_JETSTREAM', (server: string) => ({
    message: `the NATS server ${server} has no JetStream: there is no stream to keep changes in`,
    hint: 'start nats-server with JetStream enabled (nats-server -js, or jetstream {} in its configuration); nothing was set up',
    data: { server },
  })),
  natsStreamMissing: define('REDB_NATS_STREAM_MISSING', (server: string, stream: string) => ({
    message: `the NATS server ${server} has no stream ${stream}`,
    hint: `publish into it first: redb replicate <src> nats://…/${stream} creates it; nothing was applied`,
    data: { server, stream },
  })),
  natsForeignStream: define('REDB_NATS_FOREIGN_STREAM', (stream: string, detail: string) => ({
    message: `stream ${stream} does not hold redb's change events (${detail}); nothing was applied`,
    hint: 'name a stream that redb replicate <src> nats://… publishes into, or give redb a stream of its own',
    data: { stream, detail },
  })),
  natsStreamTaken: define('REDB_NATS_STREAM_TAKEN', (stream: string, source: string) => ({
    message: `stream ${stream} already carries the changes of ${source}; nothing was published`,
    hint: 'a stream holds one source: name another stream for this one (nats://host:port/<stream>)',
    data: { stream, source },
  })),
  /** A failure no entry describes: a bug in redb, reported without its stack. */
  internal: define('REDB_INTERNAL', (detail: string) => ({
    message: detail,
    hint: 'this is a bug in redb; run again with REDB_DEBUG=1 and report the trace',
  })),
  /** An error received from another redb process (the daemon, an MCP server) that this one cannot read. */
  errorUnreadable: define('REDB_ERROR_UNREADABLE', (detail: string) => ({
    message: `an error received from another redb process cannot be read: ${detail}`,
    hint: 'the other side may run another version of redb: run the same version on both',
    data: { detail },
  })),
  usage: define('REDB_USAGE', (message: string, hint?: string) => ({ message, ...(hint === undefined ? {} : { hint }) })),
} as const;

type ErrorMap = typeof errors;
/** Every error redb raises, as a union narrowed by its `code`. */
export type AnyRedbError = ReturnType<ErrorMap[keyof ErrorMap]>;
/** The codes of the map: a code not defined there is a type error. */
export type RedbErrorCode = ErrorMap[keyof ErrorMap]['code'];
/** The error with code `C`, its `data` typed as its entry builds it. */
export type RedbErrorOf<C extends RedbErrorCode> = Extract<AnyRedbError, { readonly code: C }>;
/** The `data` of the error with code `C`. */
export type RedbErrorData<C extends RedbErrorCode> = RedbErrorOf<C>['data'];

const CODES: ReadonlySet<string> = new Set(Object.values(errors).map((factory) => factory.code));
export const isRedbErrorCode = (code: string): code is RedbErrorCode => CODES.has(code);

/**
 * Whether `e` is a redb error, and with codes, one of those: narrows `e.code` and `e.data`, so
 * `isRedbError(e, 'REDB_MIGRATE_FAILED') && e.data.statement` needs no cast.
 */
export function isRedbError(e: unknown): e is AnyRedbError;
export function isRedbError<C extends RedbErrorCode>(e: unknown, ...codes: readonly [C, ...C[]]): e is RedbErrorOf<C>;
export function isRedbError(e: unknown, ...codes: readonly string[]): boolean {
  return e instanceof RedbError && (codes.length === 0 || codes.includes(e.code));
}

/** A Node system error (`fs`, `net`, a driver that passes one on): errno code, and where known the call and path. */
interface SystemErrorLike {
  readonly code: string;
  readonly syscall?: string;
  readonly path?: string;
  readonly dest?: string;
  readonly message: string;
}

const isSystemError = (e: unknown): e is SystemErrorLike => {
  const x = e as { code?: unknown; syscall?: unknown } | null;
  return e instanceof Error && typeof x?.code === 'string' && /^E[A-Z0-9]+$/.test(x.code) && typeof x.syscall === 'string';
};

/** A system call in words, for "cannot <action> <path>". */
const ACTIONS: Readonly<Record<string, string>> = {
  open: 'open',
  mkdir: 'create the folder',
  rmdir: 'remove the folder',
  scandir: 'list the folder',
  opendir: 'list the folder',
  unlink: 'remove',
  rename: 'rename',
  write: 'write',
  read: 'read',
  copyfile: 'copy',
  stat: 'look at',
  lstat: 'look at',
  access: 'reach',
  chmod: 'change the mode of',
  utime: 'touch',
  fsync: 'flush',
  symlink: 'create the link',
  link: 'create the link',
};
const action = (syscall: string): string => ACTIONS[syscall] ?? syscall;

/** The OS failures a user can fix, by errno; the rest of the errno values stay "a bug in redb". */
const SYSTEM_ERRORS: Readonly<Record<string, (path: string, syscall: string, e: SystemErrorLike) => RedbError>> = {
  EACCES: (p, c) => errors.permissionDenied(p, c),
  EPERM: (p, c) => errors.permissionDenied(p, c),
  EROFS: (p, c) => errors.readOnlyFileSystem(p, c),
  ENOSPC: (p, c) => errors.diskFull(p, c, false),
  EDQUOT: (p, c) => errors.diskFull(p, c, true),
  EMFILE: (p, c) => errors.tooManyOpenFiles(p, c, false),
  ENFILE: (p, c) => errors.tooManyOpenFiles(p, c, true),
  EISDIR: (p, c) => errors.isADirectory(p, c),
  ENOTDIR: (p, c) => errors.notADirectory(p, c),
  ENOENT: (p, c) => errors.fileNotFound(p, c),
  ENAMETOOLONG: (p, c) => errors.fileSystemError(p, c, 'ENAMETOOLONG', 'the name is too long for this file system'),
  ELOOP: (p, c) => errors.fileSystemError(p, c, 'ELOOP', 'too many symbolic links'),
  EIO: (p, c) => errors.fileSystemError(p, c, 'EIO', 'input/output error'),
  EBUSY: (p, c) => errors.fileSystemError(p, c, 'EBUSY', 'the file or device is busy'),
  ETXTBSY: (p, c) => errors.fileSystemError(p, c, 'ETXTBSY', 'the file is busy'),
  EFBIG: (p, c) => errors.fileSystemError(p, c, 'EFBIG', 'the file is too large for this file system'),
};

/**
 * The coded error for an operating-system failure (permission denied, disk full, read-only file
 * system, too many open files, a folder where a file was expected, ...), found on the error or its
 * causes; undefined when it is none of those. `where` stands in for the path when the error has
 * none. The one mapping the CLI and the MCP server use.
 */
export function systemError(e: unknown, where?: string): RedbError | undefined {
  for (let at: unknown = e, depth = 0; at !== undefined && at !== null && depth < 5; at = (at as { cause?: unknown }).cause, depth++) {
    if (!isSystemError(at)) continue;
    const build = SYSTEM_ERRORS[at.code];
    if (build === undefined) return undefined;
    // A write to an open file names no path: say where the command was working.
    const path = at.path ?? at.dest ?? where ?? 'a file';
    return build(path, at.syscall ?? 'access', at).because(e);
  }
  return undefined;
}

/** Name the path on a system error that lacks it (a read of a folder, a write to an open file), for `systemError`. */
/** How a URL of this scheme takes its password from the environment, for hints. */
function passwordExample(url: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1] ?? 'scheme';
  return `${scheme}://app:\${DB_PASSWORD}@host/db`;
}

export function withPath(e: unknown, path: string): unknown {
  if (e instanceof Error && (e as { path?: unknown }).path === undefined)
    Object.defineProperty(e, 'path', { value: path, enumerable: true, configurable: true });
  return e;
}

/** Whether a file-system error means only "not there" (a file or folder that may be absent); anything else is a failure to report. */
export const isNotFound = (e: unknown): boolean => e instanceof Error && (e as { code?: unknown }).code === 'ENOENT';

/** The first line of what went wrong: drivers add context on further lines that a one-line error leaves out. */
export const firstLineOf = (e: unknown): string => (e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e));
