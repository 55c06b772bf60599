import type { CommandSpec, OptionsOf } from './command-spec.js';

/**
 * Every command of the CLI as data, in the order the help lists them: a key is the command's path
 * (`mcp token create`). cli.ts builds commander from this and loads a handler only when its command
 * runs; each handler takes `Opts<'its path'>`, so its options are checked against what is declared here.
 * Loaded on every start: plain data, no imports.
 */
const json = { flags: '--json', description: 'machine-readable output' } as const;

export const VERBS = {
  init: {
    description: 'create a .redb repository and a schema/ working tree',
    arguments: [{ name: '[dir]', description: 'directory to initialise', default: '.' }],
  },
  db: { description: 'manage database bindings (like git remotes)', group: true },
  'db add': {
    description: 'bind a database URL to a name',
    arguments: [
      { name: '<name>' },
      { name: '<url>', description: 'sqlite:<path>, duckdb:<path>, postgres://, mysql://, mongodb:// (passwords as ${VAR} or ${secret:name})' },
    ],
    options: [{ flags: '--require-signed', description: 'migrate only commits verified by a trusted identity into it' }],
  },
  'db list': { description: 'list bound databases', options: [json] },
  'db remove': { description: 'remove a binding (the database itself is not touched)', aliases: ['rm'], arguments: [{ name: '<name>' }] },
  pull: {
    description: 'read a database’s live schema into the working tree',
    arguments: [{ name: '<db>', description: 'a bound name or a database URL' }],
    options: [{ flags: '--discard-changes', description: 'overwrite uncommitted edits in schema/' }, json],
  },
  status: {
    description: 'working tree against HEAD, and each bound database against its commit',
    options: [
      { flags: '--exit-code', description: 'exit 2 when a database has drifted' },
      { flags: '--no-db', description: 'do not connect to bound databases' },
      json,
    ],
  },
  diff: {
    description: 'compare two refs (default: HEAD with the working tree)',
    arguments: [
      { name: '[from]', description: 'commit, branch, tag, HEAD~n, working or db:<name>' },
      { name: '[to]', description: 'as <from>; default working' },
    ],
    options: [
      { flags: '--exit-code', description: 'exit 2 when there are differences' },
      { flags: '--sql <engine>', description: 'also print the SQL that carries the change out on <engine>' },
      json,
    ],
  },
  commit: {
    description: 'record the working tree as a commit',
    options: [
      { flags: '-m, --message <message>', description: 'what changed and why', required: true },
      { flags: '--allow-empty', description: 'commit even if the schema is the same as HEAD' },
      { flags: '-S, --gpg-sign', description: 'sign the commit (SSH signature for git, plus ML-DSA-65)' },
      { flags: '--no-gpg-sign', description: 'do not sign, even with commit.sign set' },
      json,
    ],
  },
  log: {
    description: 'show commit history',
    arguments: [{ name: '[ref]', description: 'where to start (default HEAD)' }],
    options: [
      { flags: '-n, --max-count <n>', description: 'show at most n commits' },
      { flags: '--oneline', description: 'one line per commit' },
      { flags: '--show-signature', description: "check each commit's signatures against the trust document" },
      json,
    ],
  },
  'verify-commit': {
    description: 'check a commit: both signatures hold and the signer is trusted (exit 1 otherwise)',
    arguments: [{ name: '<ref>' }],
    options: [json],
  },
  'verify-tag': { description: 'check an annotated tag the same way', arguments: [{ name: '<name>' }], options: [json] },
  show: {
    description: 'show a commit and its changes, or the schema of working / db:<name>',
    arguments: [{ name: '[ref]', description: 'default HEAD' }],
    options: [{ flags: '--as <engine>', description: "render the schema as another engine's DDL, listing every lossy choice" }, json],
  },
  branch: {
    description: 'list, create or delete branches',
    arguments: [{ name: '[name]' }, { name: '[start]', description: 'where the new branch starts (default HEAD)' }],
    options: [{ flags: '-d, --delete', description: 'delete the branch' }, json],
  },
  switch: {
    description: 'switch to a branch and update the working tree',
    arguments: [{ name: '<branch>' }],
    options: [
      { flags: '-c, --create', description: 'create the branch at HEAD first' },
      { flags: '--discard-changes', description: 'throw away uncommitted edits in schema/' },
    ],
  },
  tag: {
    description: 'list, create or delete tags',
    arguments: [{ name: '[name]' }, { name: '[ref]', description: 'what to tag (default HEAD)' }],
    options: [
      { flags: '-d, --delete', description: 'delete the tag' },
      { flags: '-m, --message <message>', description: 'an annotated tag with this message' },
      { flags: '-s, --sign', description: 'an annotated tag, signed (SSH signature for git, plus ML-DSA-65)' },
      json,
    ],
  },
  merge: {
    description: 'three-way merge of another branch into the current one, object by object',
    arguments: [{ name: '[branch]' }],
    options: [
      { flags: '-m, --message <message>', description: 'message of the merge commit' },
      { flags: '--abort', description: 'give up a merge that stopped on conflicts' },
      { flags: '-S, --gpg-sign', description: 'sign the merge commit' },
      { flags: '--no-gpg-sign', description: 'do not sign, even with commit.sign set' },
      json,
    ],
  },
  lint: {
    description: 'check a change for CI: hazards, naming, unsupported objects (exit 0 clean, 2 changes, 3 blocking)',
    arguments: [
      { name: '[from]', description: 'default: HEAD, or where this branch left main' },
      { name: '[to]', description: 'default: working tree, or HEAD' },
    ],
    options: [
      { flags: '--format <format>', description: 'text, json, sarif or github', default: 'text' },
      { flags: '--allow <hazards>', description: 'hazards that do not block' },
      { flags: '--json', description: 'same as --format json' },
    ],
  },
  migrate: {
    description: 'bring a database to the schema of a ref: plan, check hazards, confirm, apply',
    arguments: [{ name: '<db>', description: 'a bound name or a database URL' }],
    options: [
      { flags: '--to <ref>', description: 'target schema (default HEAD)' },
      { flags: '--dry-run', description: 'print the plan and change nothing' },
      { flags: '--allow <hazards>', description: 'hazards to allow: drops-data,data-dependent,rewrites-table,blocking-lock,breaks-compatibility or all' },
      { flags: '-y, --yes', description: 'do not ask for confirmation' },
      { flags: '--online', description: 'PostgreSQL: build indexes CONCURRENTLY, add constraints NOT VALID then VALIDATE, under a lock_timeout' },
      { flags: '--no-shadow', description: 'do not rehearse the plan on a shadow database first' },
      { flags: '--wait <seconds>', description: 'how long to wait for another migrate of the database to finish (default 60)' },
      json,
    ],
    stopping: 'stopping the migrate after the statement in progress; what ran is recorded in the database',
    afterStop: 'redb status says where the database stands; run migrate again: it plans from what the database has now',
  },
  mv: {
    description: 'record a rename, so that migrate renames instead of dropping and adding',
    arguments: [
      { name: '<kind>', description: 'table, view, column or index' },
      { name: '<old>', description: 'table or view: [schema.]name; column or index: [schema.]table.name' },
      { name: '<new>', description: 'the new name' },
    ],
    options: [json],
  },
  mask: { description: 'masking policies for clone and the MCP server', group: true },
  'mask suggest': {
    description: 'propose a masking policy from column names and sampled values (YAML on stdout)',
    arguments: [{ name: '<db>', description: 'a bound name or a database URL' }],
    options: [json],
  },
  mcp: {
    description: 'MCP server for coding assistants: stdio by default, or streamable HTTP with --http',
    options: [
      { flags: '--http <port>', description: 'serve streamable HTTP at http://<host>:<port>/mcp, bearer tokens required' },
      { flags: '--host <host>', description: 'address to bind with --http', default: '127.0.0.1' },
      { flags: '--policy <file>', description: 'masking policy: what query may not read and sample_rows masks (default: the one named in .redb/mcp.yaml)' },
    ],
    // Serves until its client leaves or a signal comes; then it closes its sessions and exits 0.
    stopping: '',
  },
  'mcp token': { description: 'bearer tokens of redb mcp --http', group: true },
  'mcp token create': {
    description: 'create a token; it is printed once, only its hash is kept',
    arguments: [{ name: '[name]', description: 'what the token is for' }],
    options: [{ flags: '--role <role>', description: 'a role the access policy knows the token by (Role::"<role>"); repeatable', repeatable: true }, json],
  },
  'mcp token list': { description: 'list tokens: id, name, created, last used', options: [json] },
  'mcp token revoke': { description: 'revoke a token by id', arguments: [{ name: '<id>' }] },
  'mcp grant': {
    description: 'give the MCP server a login on <db> that can only read (or record one with --url)',
    arguments: [{ name: '<db>', description: 'a bound database' }],
    options: [
      { flags: '--url <url>', description: 'a read-only URL you set up yourself (password as ${VAR})' },
      { flags: '--role <name>', description: 'name of the login to create (default redb_mcp_<db>)' },
      {
        flags: '--policy <file>',
        description: 'masking policy whose masked and denied columns the login may not read (default: the one named in .redb/mcp.yaml)',
      },
      json,
    ],
    // `mcp` has a --policy of its own, which commander fills wherever the flag is written: merge them.
    inherit: true,
  },
  clone: {
    description: 'copy schema and rows into another database, of any engine, then verify the copy',
    arguments: [
      { name: '<src>', description: 'a bound name or a database URL' },
      { name: '<dst>', description: 'a bound name or a database URL (a SQLite or DuckDB file is created)' },
    ],
    options: [
      { flags: '--schema-only', description: 'create the schema, copy no rows' },
      { flags: '--data-only', description: 'copy rows into tables that exist already' },
      { flags: '--tables <names>', description: 'only these tables (comma-separated; name or schema.name)' },
      { flags: '--where <table:condition>', description: "copy only the rows that match (the source's SQL); repeatable", repeatable: true },
      { flags: '--mask <policy>', description: 'mask rows in flight with a policy file' },
      { flags: '--resume', description: 'continue an interrupted clone from its checkpoints (.redb/state/clone/)' },
      { flags: '--jobs <n>', description: 'tables copied at once (default 4)' },
      { flags: '--batch-rows <n>', description: 'rows per batch: one target transaction and one checkpoint each (default 10000)' },
      { flags: '--allow <what>', description: 'allow lossy type translations: --allow lossy' },
      { flags: '--truncate', description: 'empty target tables that already have rows' },
      { flags: '--no-verify', description: 'skip the comparison of counts and checksums at the end' },
      { flags: '-y, --yes', description: 'do not ask for confirmation' },
      { flags: '--json', description: 'progress events and the result as JSON lines' },
    ],
    // It stops at the next batch and says how to resume (REDB_CLONE_INTERRUPTED); a progress display may own the screen.
    stopping: '',
    afterStop: 'every batch committed before the stop is checkpointed: run the same command with --resume to continue',
  },
  verify: {
    description: 'compare two databases: row counts and checksums of every table, across engines',
    arguments: [
      { name: '<src>', description: 'a bound name or a database URL' },
      { name: '<dst>', description: 'a bound name or a database URL' },
    ],
    options: [
      { flags: '--tables <names>', description: 'only these tables (comma-separated)' },
      { flags: '--where <table:condition>', description: 'compare only these source rows (as a clone with --where copied); repeatable', repeatable: true },
      { flags: '--mask <policy>', description: 'the policy a masked copy was made with: source values are masked the same way, then compared' },
      json,
    ],
  },
  replicate: {
    description: 'keep a database copied into another: a snapshot, then every change, until Ctrl-C (--daemon: as a job of the daemon)',
    arguments: [
      { name: '<src>', description: 'a bound name or a database URL (PostgreSQL, MariaDB/MySQL or SQLite)' },
      { name: '<dst>', description: 'a bound name or a database URL (a SQLite or DuckDB file is created)' },
    ],
    options: [
      { flags: '--tables <names>', description: 'only these tables (comma-separated; name or schema.name)' },
      { flags: '--mask <policy>', description: 'mask rows in flight with a policy file (as clone --mask)' },
      { flags: '--allow <what>', description: 'lossy (type translations), drops-data (follow columns dropped on the source): --allow lossy,drops-data' },
      { flags: '--name <job>', description: 'the job name (default: from the two databases)' },
      { flags: '--daemon', description: 'hand the job to the daemon (started when it is not running) and return' },
      { flags: '--metrics <host:port>', description: 'with --daemon: serve Prometheus metrics here if the daemon has to be started' },
      { flags: '--heartbeat-ms <ms>', description: 'how often an idle source reports its position', hidden: true },
      { flags: '-y, --yes', description: 'do not ask for confirmation' },
      { flags: '--json', description: 'progress as JSON lines' },
    ],
    // It stops at the next transaction boundary and says so; running the same command again resumes.
    stopping: '',
    afterStop: 'nothing is lost: the target holds its position; run the same command again to resume',
  },
  'replicate status': {
    description: "replication jobs: state, position, lag, rates, retained log, last error; and the daemon's view of its jobs",
    arguments: [{ name: '[job]' }],
    options: [json],
    inherit: true,
  },
  'replicate pause': {
    description: 'stop a daemon job and keep it stopped, across daemon restarts, until resumed',
    arguments: [{ name: '<job>' }],
    options: [json],
    inherit: true,
  },
  'replicate resume': {
    description: 'run a paused daemon job again (starting the daemon if needed)',
    arguments: [{ name: '<job>' }],
    options: [json],
    inherit: true,
  },
  'replicate drop': {
    description: 'remove a job: stop it in the daemon, remove its slot, publication or capture triggers on the source, and its position in the target',
    arguments: [{ name: '<job>' }],
    options: [
      { flags: '--force', description: 'when the source or target cannot be reached (gone for good): remove what can be reached, forget the rest and list it' },
      json,
    ],
    inherit: true,
  },
  'replicate resync': {
    description:
      'after the source lost the changes a stopped job needs (a slot invalidated, a binary log purged): compare each table, copy again only those that differ, then stream on',
    arguments: [{ name: '<job>' }],
    options: [
      { flags: '--tables <names>', description: 'copy these tables again whatever the comparison says (comma-separated)' },
      { flags: '--no-stream', description: 'stop once the tables are copied (the same redb replicate goes on later)' },
      { flags: '--json', description: 'progress as JSON lines' },
    ],
    inherit: true,
    stopping: '',
    afterStop: 'run the same command again: nothing is recorded in the target until the copied tables and the position commit together',
  },
  daemon: { description: "the project's background process: runs replication jobs, restarts what fails, serves metrics", group: true },
  'daemon start': {
    description: 'start the daemon in the background (it resumes every job of .redb/jobs.json)',
    options: [
      { flags: '--foreground', description: 'run it in this process (for systemd, or to watch it)' },
      { flags: '--metrics <host:port>', description: 'serve Prometheus metrics at http://<host:port>/metrics (loopback only; port 0 picks one)' },
      json,
    ],
    // In the foreground it stops its jobs at a transaction boundary itself.
    stopping: '',
  },
  'daemon stop': { description: 'stop the daemon and its jobs (at a transaction boundary)', options: [json] },
  'daemon status': { description: 'whether the daemon runs, and each job: state, pid, restarts, lag, why it waits', options: [json] },
  'daemon logs': {
    description: "the daemon's log (.redb/state/daemon.log)",
    options: [
      { flags: '-f, --follow', description: 'keep printing new lines as they come' },
      { flags: '-n, --lines <n>', description: 'only the last n lines' },
      { flags: '--json', description: 'the raw JSON lines' },
    ],
    stopping: '',
  },
  'daemon install': {
    description: 'print a systemd user unit that runs the daemon (--write puts it in ~/.config/systemd/user/)',
    options: [
      { flags: '--systemd', description: 'a systemd user unit' },
      { flags: '--write', description: 'write the unit instead of printing it' },
      { flags: '--metrics <host:port>', description: 'the unit starts the daemon with these metrics' },
      json,
    ],
  },
  config: {
    description: 'show or set a repository setting: commit.sign, user.name, user.email',
    arguments: [{ name: '<key>' }, { name: '[value]' }],
    options: [json],
  },
  id: {
    description: "this user's identity (created on first use): the id others trust, the SSH key git checks",
    options: [{ flags: '--json', description: 'machine-readable output (the card `redb trust add --card` takes)' }],
  },
  trust: { description: 'the trust document: who signs for this repository, and who secrets are sealed to', group: true },
  'trust add': {
    description: 'add an identity (the first add starts the document, with yourself as admin)',
    arguments: [{ name: '<name>' }, { name: '<id>', description: 'a did:key id, as `redb id` prints it' }],
    options: [
      { flags: '--role <role>', description: 'admin or member (or any role the access policy names); repeatable', repeatable: true },
      { flags: '--card <file>', description: "the identity's card: the output of its `redb id --json` (- for stdin)" },
      json,
    ],
  },
  'trust list': {
    description: 'members, roles, threshold, and a change waiting for signatures',
    options: [{ flags: '--allowed-signers', description: "print git's allowed-signers file (gpg.ssh.allowedSignersFile)" }, json],
  },
  'trust remove': {
    description: 'revoke an identity (a signed change; reseal secrets afterwards)',
    aliases: ['rm'],
    arguments: [{ name: '<name>' }],
    options: [json],
  },
  'trust threshold': { description: 'how many admins must sign a change to the document', arguments: [{ name: '<n>' }], options: [json] },
  'trust sign': { description: 'add your signature to the change waiting for admins', options: [json] },
  secret: { description: 'secrets sealed to the trusted identities (age, post-quantum); URLs use ${secret:name}', group: true },
  'secret set': {
    description: 'seal a value: from stdin, or --from-env VAR (never an argument)',
    arguments: [{ name: '<name>' }],
    options: [{ flags: '--from-env <var>', description: 'take the value from this environment variable' }, json],
  },
  'secret list': { description: 'names, who each is sealed to, and which need a reseal (never values)', options: [json] },
  'secret rm': { description: 'remove a secret', aliases: ['remove'], arguments: [{ name: '<name>' }], options: [json] },
  'secret reseal': { description: "seal every secret again to the trust document's members now", options: [json] },
} as const satisfies Record<string, CommandSpec>;

export type VerbPath = keyof typeof VERBS;

/** The options the handler of `path` gets, derived from its spec above. */
export type Opts<P extends VerbPath> = OptionsOf<(typeof VERBS)[P]>;
