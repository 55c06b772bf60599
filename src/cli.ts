#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import type { CommandSpec, Handler } from './commands/command-spec.js';
import { processIo, type Io } from './commands/output.js';
import { VERBS, type VerbPath } from './commands/verbs.js';
import { errors, RedbError, systemError } from './errors.js';

/**
 * The only place that prints errors and sets the exit code. Commands are declared as data in
 * commands/verbs.ts; a command's module is imported when it runs, so `redb --help` and `redb status`
 * load neither engine drivers nor ink.
 */

// A reader that stops early (`redb log | head`) closes the pipe: what was asked still finishes (a
// commit or a migrate is not cut short), and the rest of the output goes nowhere, as with git.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

// One controller for whatever runs: SIGINT and SIGTERM reach the operation through `io.signal`.
const controller = new AbortController();
const io: Io = processIo(controller.signal);
let exitCode = 0;
let jsonMode = false;
/** The command running, once commander has chosen it. */
let running: { readonly path: string; readonly spec: CommandSpec } | undefined;

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * The first signal aborts the running command's signal. A command that stops at a safe point
 * (`stopping` in its spec) winds down there and reports what it did; any other stops at once, as the
 * default handling would, but with a coded line. A second signal always stops at once. The handlers
 * stay for the life of the process: removed, another listener (ink's exit hook) would re-raise.
 */
function onSignal(name: 'SIGINT' | 'SIGTERM'): void {
  const first = !controller.signal.aborted;
  if (first) controller.abort(name);
  const stopping = running?.spec.stopping;
  if (first && stopping !== undefined) {
    if (stopping !== '') io.err(`${stopping} (press Ctrl-C again to stop at once)`);
    return;
  }
  const stopped = errors.stopped(running === undefined ? 'redb' : `redb ${running.path}`, name, !first, running?.spec.afterStop);
  if (jsonMode) io.out(JSON.stringify({ error: stopped.toJSON() }, null, 2));
  io.err(`error[${stopped.code}]: ${stopped.message}${stopped.hint === undefined ? '' : ` (${stopped.hint})`}`);
  process.exit(SIGNAL_EXIT[name]);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// A job the daemon runs stops when the daemon is gone (even killed with -9): the IPC channel it was
// started with closes, and SIGTERM stops it at a transaction boundary, as Ctrl-C would.
if (process.env.REDB_DAEMON_JOB !== undefined && process.channel !== undefined) {
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

const program = new Command('redb')
  .description('version control and portability for database schemas')
  .version('0.1.0', '-V, --version')
  .showSuggestionAfterError()
  .exitOverride()
  .configureOutput({
    writeErr: (s) => process.stderr.write(s),
    writeOut: (s) => process.stdout.write(s),
    outputError: (s, write) => write(`error[REDB_USAGE]: ${s.replace(/^error: /, '')}`),
  });

type Runnable = { [P in VerbPath]: (typeof VERBS)[P] extends { readonly group: true } ? never : P }[VerbPath];

/**
 * Where each command's handler lives, loaded when its command runs. The compiler checks each against
 * its spec in verbs.ts, and that none is missing.
 */
const HANDLERS: { readonly [P in Runnable]: () => Promise<Handler<(typeof VERBS)[P]>> } = {
  init: async () => (await import('./commands/init.js')).default,
  'db add': async () => (await import('./commands/db.js')).add,
  'db list': async () => (await import('./commands/db.js')).list,
  'db remove': async () => (await import('./commands/db.js')).remove,
  pull: async () => (await import('./commands/pull.js')).default,
  status: async () => (await import('./commands/status.js')).default,
  diff: async () => (await import('./commands/diff.js')).default,
  commit: async () => (await import('./commands/commit.js')).default,
  log: async () => (await import('./commands/log.js')).default,
  'verify-commit': async () => (await import('./commands/verify-commit.js')).default,
  'verify-tag': async () => (await import('./commands/verify-commit.js')).tag,
  show: async () => (await import('./commands/show.js')).default,
  branch: async () => (await import('./commands/branch.js')).default,
  switch: async () => (await import('./commands/switch.js')).default,
  tag: async () => (await import('./commands/tag.js')).default,
  merge: async () => (await import('./commands/merge.js')).default,
  lint: async () => (await import('./commands/lint.js')).default,
  migrate: async () => (await import('./commands/migrate.js')).default,
  mv: async () => (await import('./commands/mv.js')).default,
  'mask suggest': async () => (await import('./commands/mask.js')).suggest,
  mcp: async () => (await import('./commands/mcp.js')).serve,
  'mcp token create': async () => (await import('./commands/mcp.js')).tokenCreate,
  'mcp token list': async () => (await import('./commands/mcp.js')).tokenList,
  'mcp token revoke': async () => (await import('./commands/mcp.js')).tokenRevoke,
  'mcp grant': async () => (await import('./commands/mcp.js')).grant,
  clone: async () => (await import('./commands/clone.js')).default,
  verify: async () => (await import('./commands/verify.js')).default,
  config: async () => (await import('./commands/config.js')).default,
  id: async () => (await import('./commands/id.js')).default,
  'trust add': async () => (await import('./commands/trust.js')).add,
  'trust list': async () => (await import('./commands/trust.js')).list,
  'trust remove': async () => (await import('./commands/trust.js')).remove,
  'trust threshold': async () => (await import('./commands/trust.js')).threshold,
  'trust sign': async () => (await import('./commands/trust.js')).sign,
  'secret set': async () => (await import('./commands/secret.js')).set,
  'secret list': async () => (await import('./commands/secret.js')).list,
  'secret rm': async () => (await import('./commands/secret.js')).rm,
  'secret reseal': async () => (await import('./commands/secret.js')).reseal,
  replicate: async () => (await import('./commands/replicate-jobs.js')).run,
  'replicate status': async () => (await import('./commands/replicate-jobs.js')).status,
  'replicate pause': async () => (await import('./commands/replicate-jobs.js')).pause,
  'replicate resume': async () => (await import('./commands/replicate-jobs.js')).resume,
  'replicate drop': async () => (await import('./commands/replicate-jobs.js')).drop,
  'replicate resync': async () => (await import('./commands/replicate-resync.js')).resync,
  'daemon start': async () => (await import('./commands/daemon.js')).start,
  'daemon stop': async () => (await import('./commands/daemon.js')).stop,
  'daemon status': async () => (await import('./commands/daemon.js')).status,
  'daemon logs': async () => (await import('./commands/daemon.js')).logs,
  'daemon install': async () => (await import('./commands/daemon.js')).install,
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Run the handler of `path`, loaded now; commander passes positionals, the options, then the command. */
function action(path: Runnable, spec: CommandSpec) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const opts = spec.inherit === true ? command.optsWithGlobals() : command.opts();
    jsonMode = opts.json === true;
    running = { path, spec };
    // A command a killed writer left half-done is finished before anything reads the project.
    await (await import('./ops/find-store.js')).finishInterrupted({ cwd: io.cwd, env: io.env, signal: io.signal });
    // Commander parsed exactly what the spec declares, which is what the handler's type is derived from.
    const handler = (await HANDLERS[path]()) as (io: Io, ...params: unknown[]) => Promise<number>;
    exitCode = await handler(io, ...args.slice(0, -2), opts);
  };
}

const built = new Map<string, Command>([['', program]]);
for (const [path, spec] of Object.entries(VERBS) as [VerbPath, CommandSpec][]) {
  const at = path.lastIndexOf(' ');
  const parent = built.get(at < 0 ? '' : path.slice(0, at));
  if (parent === undefined) throw new Error(`verbs.ts lists '${path}' before the command it belongs to`);
  const command = parent.command(path.slice(at + 1)).description(spec.description);
  for (const alias of spec.aliases ?? []) command.alias(alias);
  for (const a of spec.arguments ?? []) command.argument(a.name, a.description, a.default);
  for (const o of spec.options ?? []) {
    const option = new Option(o.flags, o.description);
    if (o.default !== undefined) option.default(o.default);
    if (o.repeatable === true) option.argParser(collect);
    if (o.required === true) option.makeOptionMandatory();
    if (o.hidden === true) option.hideHelp();
    command.addOption(option);
  }
  if (spec.group !== true) command.action(action(path as Runnable, spec));
  built.set(path, command);
}

/** A command that failed after a signal failed because of it: said as a stop, unless it said so itself (clone, migrate). */
function asStopped(thrown: unknown): unknown {
  if (thrown instanceof RedbError && thrown.exitCode >= 128) return thrown;
  const signal = controller.signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
  const detail = thrown instanceof RedbError ? thrown.message : undefined;
  return errors.stopped(running === undefined ? 'redb' : `redb ${running.path}`, signal, false, running?.spec.afterStop, detail).because(thrown);
}

function report(thrown: unknown): number {
  const debug = process.env.REDB_DEBUG === '1';
  // Permission denied, a full disk, a read-only file system...: the user's to fix, not a bug.
  const error = thrown instanceof RedbError ? thrown : (systemError(thrown, process.cwd()) ?? thrown);
  if (error instanceof RedbError) {
    if (jsonMode) io.out(JSON.stringify({ error: error.toJSON() }, null, 2));
    io.err(`error[${error.code}]: ${error.message}${error.hint === undefined ? '' : ` (${error.hint})`}`);
    if (debug) io.err(String(error.stack) + (error.cause === undefined ? '' : `\ncaused by: ${String((error.cause as Error).stack ?? error.cause)}`));
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`error[REDB_INTERNAL]: ${message} (this is a bug in redb; run again with REDB_DEBUG=1 and report the trace)`);
  if (debug && error instanceof Error) io.err(String(error.stack));
  return 1;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; usage errors were already printed by commander.
    exitCode = error.exitCode === 0 ? 0 : 1;
  } else {
    exitCode = report(controller.signal.aborted ? asStopped(error) : error);
  }
}
process.exitCode = exitCode;
