#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { RedbError, systemError } from './errors.js';
import { processIo, type Io } from './commands/output.js';

/**
 * The only place that prints errors and sets the exit code. Command modules are imported when their
 * verb runs, so `redb --help` and `redb status` load neither engine drivers nor ink.
 */

// A reader that stops early (`redb log | head`) closes the pipe: what was asked still finishes (a
// commit or a migrate is not cut short), and the rest of the output goes nowhere, as with git.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

const io: Io = processIo();
let exitCode = 0;
let jsonMode = false;

type Handler = (io: Io, ...args: never[]) => Promise<number>;

/** Defer loading a command module until its verb runs. */
function lazy(load: () => Promise<Handler>) {
  return async (...args: unknown[]) => {
    // Commander passes positionals, then the options object, then the command; drop the command.
    const params = args.slice(0, -1);
    const opts = params[params.length - 1] as { json?: boolean } | undefined;
    jsonMode = opts?.json === true;
    // A command a killed writer left half-done is finished before anything reads the project.
    await (await import('./ops/find-store.js')).finishInterrupted({ cwd: io.cwd, env: io.env });
    const handler = await load();
    exitCode = await (handler as (io: Io, ...a: unknown[]) => Promise<number>)(io, ...params);
  };
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

program
  .command('init')
  .description('create a .redb repository and a schema/ working tree')
  .argument('[dir]', 'directory to initialise', '.')
  .action(lazy(async () => (await import('./commands/init.js')).default));

const db = program.command('db').description('manage database bindings (like git remotes)');
db.command('add')
  .description('bind a database URL to a name')
  .argument('<name>')
  .argument('<url>', 'sqlite:<path>, duckdb:<path>, postgres://, mysql://, mongodb:// (passwords as ${VAR} or ${secret:name})')
  .option('--require-signed', 'migrate only commits verified by a trusted identity into it')
  .action(lazy(async () => (await import('./commands/db.js')).add));
db.command('list')
  .description('list bound databases')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/db.js')).list));
db.command('remove')
  .alias('rm')
  .description('remove a binding (the database itself is not touched)')
  .argument('<name>')
  .action(lazy(async () => (await import('./commands/db.js')).remove));

program
  .command('pull')
  .description('read a database’s live schema into the working tree')
  .argument('<db>', 'a bound name or a database URL')
  .option('--discard-changes', 'overwrite uncommitted edits in schema/')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/pull.js')).default));

program
  .command('status')
  .description('working tree against HEAD, and each bound database against its commit')
  .option('--exit-code', 'exit 2 when a database has drifted')
  .option('--no-db', 'do not connect to bound databases')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/status.js')).default));

program
  .command('diff')
  .description('compare two refs (default: HEAD with the working tree)')
  .argument('[from]', 'commit, branch, tag, HEAD~n, working or db:<name>')
  .argument('[to]', 'as <from>; default working')
  .option('--exit-code', 'exit 2 when there are differences')
  .option('--sql <engine>', 'also print the SQL that carries the change out on <engine>')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/diff.js')).default));

program
  .command('commit')
  .description('record the working tree as a commit')
  .requiredOption('-m, --message <message>', 'what changed and why')
  .option('--allow-empty', 'commit even if the schema is the same as HEAD')
  .option('-S, --gpg-sign', 'sign the commit (SSH signature for git, plus ML-DSA-65)')
  .option('--no-gpg-sign', 'do not sign, even with commit.sign set')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/commit.js')).default));

program
  .command('log')
  .description('show commit history')
  .argument('[ref]', 'where to start (default HEAD)')
  .option('-n, --max-count <n>', 'show at most n commits')
  .option('--oneline', 'one line per commit')
  .option('--show-signature', "check each commit's signatures against the trust document")
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/log.js')).default));

program
  .command('verify-commit')
  .description('check a commit: both signatures hold and the signer is trusted (exit 1 otherwise)')
  .argument('<ref>')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/verify-commit.js')).default));

program
  .command('verify-tag')
  .description('check an annotated tag the same way')
  .argument('<name>')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/verify-commit.js')).tag));

program
  .command('show')
  .description('show a commit and its changes, or the schema of working / db:<name>')
  .argument('[ref]', 'default HEAD')
  .option('--as <engine>', "render the schema as another engine's DDL, listing every lossy choice")
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/show.js')).default));

program
  .command('branch')
  .description('list, create or delete branches')
  .argument('[name]')
  .argument('[start]', 'where the new branch starts (default HEAD)')
  .option('-d, --delete', 'delete the branch')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/branch.js')).default));

program
  .command('switch')
  .description('switch to a branch and update the working tree')
  .argument('<branch>')
  .option('-c, --create', 'create the branch at HEAD first')
  .option('--discard-changes', 'throw away uncommitted edits in schema/')
  .action(lazy(async () => (await import('./commands/switch.js')).default));

program
  .command('tag')
  .description('list, create or delete tags')
  .argument('[name]')
  .argument('[ref]', 'what to tag (default HEAD)')
  .option('-d, --delete', 'delete the tag')
  .option('-m, --message <message>', 'an annotated tag with this message')
  .option('-s, --sign', 'an annotated tag, signed (SSH signature for git, plus ML-DSA-65)')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/tag.js')).default));

program
  .command('merge')
  .description('three-way merge of another branch into the current one, object by object')
  .argument('[branch]')
  .option('-m, --message <message>', 'message of the merge commit')
  .option('--abort', 'give up a merge that stopped on conflicts')
  .option('-S, --gpg-sign', 'sign the merge commit')
  .option('--no-gpg-sign', 'do not sign, even with commit.sign set')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/merge.js')).default));

program
  .command('lint')
  .description('check a change for CI: hazards, naming, unsupported objects (exit 0 clean, 2 changes, 3 blocking)')
  .argument('[from]', 'default: HEAD, or where this branch left main')
  .argument('[to]', 'default: working tree, or HEAD')
  .addOption(new Option('--format <format>', 'text, json, sarif or github').default('text'))
  .option('--allow <hazards>', 'hazards that do not block')
  .option('--json', 'same as --format json')
  .action(lazy(async () => (await import('./commands/lint.js')).default));

program
  .command('migrate')
  .description('bring a database to the schema of a ref: plan, check hazards, confirm, apply')
  .argument('<db>', 'a bound name or a database URL')
  .option('--to <ref>', 'target schema (default HEAD)')
  .option('--dry-run', 'print the plan and change nothing')
  .addOption(new Option('--allow <hazards>', 'hazards to allow: drops-data,data-dependent,rewrites-table,blocking-lock,breaks-compatibility or all'))
  .option('-y, --yes', 'do not ask for confirmation')
  .option('--online', 'PostgreSQL: build indexes CONCURRENTLY, add constraints NOT VALID then VALIDATE, under a lock_timeout')
  .option('--no-shadow', 'do not rehearse the plan on a shadow database first')
  .option('--wait <seconds>', 'how long to wait for another migrate of the database to finish (default 60)')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/migrate.js')).default));

program
  .command('mv')
  .description('record a rename, so that migrate renames instead of dropping and adding')
  .argument('<kind>', 'table, view, column or index')
  .argument('<old>', 'table or view: [schema.]name; column or index: [schema.]table.name')
  .argument('<new>', 'the new name')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/mv.js')).default));

const mask = program.command('mask').description('masking policies for clone and the MCP server');
mask
  .command('suggest')
  .description('propose a masking policy from column names and sampled values (YAML on stdout)')
  .argument('<db>', 'a bound name or a database URL')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/mask.js')).suggest));

const mcp = program
  .command('mcp')
  .description('MCP server for coding assistants: stdio by default, or streamable HTTP with --http')
  .option('--http <port>', 'serve streamable HTTP at http://<host>:<port>/mcp, bearer tokens required')
  .option('--host <host>', 'address to bind with --http', '127.0.0.1')
  .option('--policy <file>', 'masking policy: what query may not read and sample_rows masks (default: the one named in .redb/mcp.yaml)')
  .action(lazy(async () => (await import('./commands/mcp.js')).serve));
const mcpToken = mcp.command('token').description('bearer tokens of redb mcp --http');
mcpToken
  .command('create')
  .description('create a token; it is printed once, only its hash is kept')
  .argument('[name]', 'what the token is for')
  .option('--role <role...>', 'roles the access policy knows the token by (Role::"<role>")')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/mcp.js')).tokenCreate));
mcpToken
  .command('list')
  .description('list tokens: id, name, created, last used')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/mcp.js')).tokenList));
mcpToken
  .command('revoke')
  .description('revoke a token by id')
  .argument('<id>')
  .action(lazy(async () => (await import('./commands/mcp.js')).tokenRevoke));
mcp
  .command('grant')
  .description('give the MCP server a login on <db> that can only read (or record one with --url)')
  .argument('<db>', 'a bound database')
  .option('--url <url>', 'a read-only URL you set up yourself (password as ${VAR})')
  .option('--role <name>', 'name of the login to create (default redb_mcp_<db>)')
  .option('--policy <file>', 'masking policy whose masked and denied columns the login may not read (default: the one named in .redb/mcp.yaml)')
  .option('--json', 'machine-readable output')
  // `mcp` has a --policy of its own, which commander fills wherever the flag is written: merge them.
  .action((db: string, _opts: unknown, cmd: Command) => lazy(async () => (await import('./commands/mcp.js')).grant)(db, cmd.optsWithGlobals(), cmd));

const collect = (value: string, previous: string[] = []) => [...previous, value];

program
  .command('clone')
  .description('copy schema and rows into another database, of any engine, then verify the copy')
  .argument('<src>', 'a bound name or a database URL')
  .argument('<dst>', 'a bound name or a database URL (a SQLite or DuckDB file is created)')
  .option('--schema-only', 'create the schema, copy no rows')
  .option('--data-only', 'copy rows into tables that exist already')
  .option('--tables <names>', 'only these tables (comma-separated; name or schema.name)')
  .option('--where <table:condition>', "copy only the rows that match (the source's SQL); repeatable", collect)
  .option('--mask <policy>', 'mask rows in flight with a policy file')
  .option('--resume', 'continue an interrupted clone from its checkpoints (.redb/state/clone/)')
  .option('--jobs <n>', 'tables copied at once (default 4)')
  .option('--batch-rows <n>', 'rows per batch: one target transaction and one checkpoint each (default 10000)')
  .option('--allow <what>', 'allow lossy type translations: --allow lossy')
  .option('--truncate', 'empty target tables that already have rows')
  .option('--no-verify', 'skip the comparison of counts and checksums at the end')
  .option('-y, --yes', 'do not ask for confirmation')
  .option('--json', 'progress events and the result as JSON lines')
  .action(lazy(async () => (await import('./commands/clone.js')).default));

program
  .command('verify')
  .description('compare two databases: row counts and checksums of every table, across engines')
  .argument('<src>', 'a bound name or a database URL')
  .argument('<dst>', 'a bound name or a database URL')
  .option('--tables <names>', 'only these tables (comma-separated)')
  .option('--where <table:condition>', 'compare only these source rows (as a clone with --where copied); repeatable', collect)
  .option('--mask <policy>', 'the policy a masked copy was made with: source values are masked the same way, then compared')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/verify.js')).default));

const replicate = program
  .command('replicate')
  .description('keep another database (any engine) a copy of this one: initial copy, then every committed change, until Ctrl-C')
  .argument('<src>', 'a bound name or a database URL (PostgreSQL, MariaDB/MySQL or SQLite)')
  .argument('<dst>', 'a bound name or a database URL (a SQLite or DuckDB file is created)')
  .option('--tables <names>', 'only these tables (comma-separated; name or schema.name)')
  .option('--mask <policy>', 'mask rows in flight with a policy file (as clone --mask)')
  .option('--allow <what>', 'lossy (type translations), drops-data (follow columns dropped on the source): --allow lossy,drops-data')
  .option('--name <job>', 'the job name (default: from the two databases)')
  .addOption(new Option('--heartbeat-ms <ms>', 'how often an idle source reports its position').hideHelp())
  .option('-y, --yes', 'do not ask for confirmation')
  .option('--json', 'progress as JSON lines')
  .action(lazy(async () => (await import('./commands/replicate.js')).default));
replicate
  .command('status')
  .description('replication jobs: state, position, lag, rates, retained log, last error')
  .argument('[job]')
  .option('--json', 'machine-readable output')
  // `replicate` has a --json of its own, which commander fills wherever the flag is written: merge them.
  .action((job: string | undefined, _opts: unknown, cmd: Command) => lazy(async () => (await import('./commands/replicate.js')).status)(job, cmd.optsWithGlobals(), cmd));
replicate
  .command('drop')
  .description("remove a stopped job: its slot, publication or capture triggers on the source, and its position in the target")
  .argument('<job>')
  .option('--json', 'machine-readable output')
  .action((job: string, _opts: unknown, cmd: Command) => lazy(async () => (await import('./commands/replicate.js')).drop)(job, cmd.optsWithGlobals(), cmd));

program
  .command('config')
  .description('show or set a repository setting: commit.sign, user.name, user.email')
  .argument('<key>')
  .argument('[value]')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/config.js')).default));

program
  .command('id')
  .description("this user's identity (created on first use): the id others trust, the SSH key git checks")
  .option('--json', 'machine-readable output (the card `redb trust add --card` takes)')
  .action(lazy(async () => (await import('./commands/id.js')).default));

const trust = program.command('trust').description('the trust document: who signs for this repository, and who secrets are sealed to');
trust
  .command('add')
  .description('add an identity (the first add starts the document, with yourself as admin)')
  .argument('<name>')
  .argument('<id>', 'a did:key id, as `redb id` prints it')
  .option('--role <role>', 'admin or member (or any role the access policy names); repeatable', collect)
  .option('--card <file>', "the identity's card: the output of its `redb id --json` (- for stdin)")
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/trust.js')).add));
trust
  .command('list')
  .description('members, roles, threshold, and a change waiting for signatures')
  .option('--allowed-signers', "print git's allowed-signers file (gpg.ssh.allowedSignersFile)")
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/trust.js')).list));
trust
  .command('remove')
  .alias('rm')
  .description('revoke an identity (a signed change; reseal secrets afterwards)')
  .argument('<name>')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/trust.js')).remove));
trust
  .command('threshold')
  .description('how many admins must sign a change to the document')
  .argument('<n>')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/trust.js')).threshold));
trust
  .command('sign')
  .description('add your signature to the change waiting for admins')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/trust.js')).sign));

const secret = program.command('secret').description('secrets sealed to the trusted identities (age, post-quantum); URLs use ${secret:name}');
secret
  .command('set')
  .description('seal a value: from stdin, or --from-env VAR (never an argument)')
  .argument('<name>')
  .option('--from-env <var>', 'take the value from this environment variable')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/secret.js')).set));
secret
  .command('list')
  .description('names, who each is sealed to, and which need a reseal (never values)')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/secret.js')).list));
secret
  .command('rm')
  .alias('remove')
  .description('remove a secret')
  .argument('<name>')
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/secret.js')).rm));
secret
  .command('reseal')
  .description("seal every secret again to the trust document's members now")
  .option('--json', 'machine-readable output')
  .action(lazy(async () => (await import('./commands/secret.js')).reseal));

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
    exitCode = report(error);
  }
}
process.exitCode = exitCode;
