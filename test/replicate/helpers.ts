import { spawn, type ChildProcess } from 'node:child_process';
import Sqlite from 'better-sqlite3';
import { CLI, redb } from '../support/cli.js';
import { duckdbRows } from '../support/duckdb.js';
import { mysqlRows } from '../support/mysql.js';
import { pgExec, pgQuery } from '../support/postgres.js';
import { serverUrl, tempDir, type ScratchDb, type TestEngine } from '../support/scratch.js';
import { envUrl, PASSWORD_ENV } from '../clone/helpers.js';
import type { Engine } from '../../src/unified/index.js';

/** A database in a replication test: its engine, the scratch database, and the URL redb is given. */
export interface Side {
  readonly engine: Engine;
  readonly db: ScratchDb;
  /** As redb takes it: passwords as ${REDB_TEST_PW}. */
  readonly url: string;
}

export const side = (engine: Engine, db: ScratchDb): Side => ({ engine, db, url: engine === 'postgres' || engine === 'mysql' ? envUrl(db.url) : db.url });

const file = (s: Side): string => s.db.url.replace(/^(sqlite|duckdb):/, '');

/** Rows of a query, straight from the engine (not through redb). */
export async function rows(s: Side, sql: string): Promise<Record<string, unknown>[]> {
  switch (s.engine) {
    case 'postgres':
      return pgQuery(s.db.url, sql);
    case 'mysql':
      return mysqlRows(s.db, sql);
    case 'duckdb':
      return duckdbRows(file(s), sql);
    case 'sqlite': {
      const db = new Sqlite(file(s));
      try {
        db.pragma('busy_timeout = 10000');
        return db.prepare(sql).all() as Record<string, unknown>[];
      } finally {
        db.close();
      }
    }
    default:
      throw new Error(`no test access to ${s.engine}`);
  }
}

/** Run statements on a side, as one transaction where the engine allows it. */
/** Rows as JSON text, every value as a string (drivers return a bigint as a string or a number): compared across engines. */
export const rowsText = async (s: Side, sql: string): Promise<string> =>
  JSON.stringify((await rows(s, sql)).map((r) => Object.values(r).map((v) => (v === null ? null : String(v)))));

export async function exec(s: Side, sql: string): Promise<void> {
  if (s.engine === 'sqlite') {
    const db = new Sqlite(file(s));
    try {
      db.pragma('busy_timeout = 10000');
      db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  await s.db.exec(sql);
}

/** Count, sums and NULLs of a test table (`items`, or `ledger`: id, amount, note), read `from` where it is qualified: what proves nothing lost or doubled. */
export async function figures(s: Side, table: 'items' | 'ledger' = 'items', from: string = table): Promise<string> {
  const sums = table === 'items' ? 'sum(qty) AS qty, sum(price) AS price' : 'sum(amount) AS qty, 0 AS price';
  const [r] = await rows(s, `SELECT count(*) AS n, sum(id) AS ids, ${sums}, count(note) AS notes FROM ${from}`);
  const v = (x: unknown) => (x === null || x === undefined ? '0' : Number(x).toFixed(2));
  return `n=${v(r?.n)} ids=${v(r?.ids)} qty=${v(r?.qty)} notes=${v(r?.notes)} price=${v(r?.price)}`;
}

/** `CREATE TABLE items` in the source engine's SQL: every kind of change below lands in it. */
export function itemsDdl(): string {
  return `CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, qty INTEGER NOT NULL, price DECIMAL(10,2), note TEXT)`;
}

/** Every replicator a test started that has not exited: a failed case must not leave one running. */
const running = new Set<ChildProcess>();

/** Kill what a failed case left running (by process, never by name). */
export function killReplicators(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** A running `redb replicate --json`: its events as they come, and how it ended. */
export class Replicator {
  readonly child: ChildProcess;
  readonly events: Record<string, unknown>[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(cwd: string, args: readonly string[], env: Readonly<Record<string, string>> = {}) {
    this.child = spawn(process.execPath, [CLI, 'replicate', ...args, '--json'], {
      cwd,
      env: { ...process.env, ...PASSWORD_ENV, NO_COLOR: '1', REDB_DEBUG: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        try {
          this.events.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // An error document spans several lines: kept as text.
          this.stderr += `${line}\n`;
        }
      }
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    running.add(this.child);
    // On 'close', not 'exit': 'exit' may come before the last lines of stdout are read (its 'stopped' event, say).
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code) => {
        running.delete(this.child);
        resolve(code);
      }),
    );
  }

  /** Wait for an event of this type (failing if the process ends first). */
  async until(type: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void this.exited.then(() => (ended = true));
    for (;;) {
      const found = this.events.find((e) => e.type === type);
      if (found !== undefined) return found;
      if (ended) throw new Error(`redb replicate ended before '${type}': ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no '${type}' event within ${timeoutMs} ms: ${this.stderr}`);
      await sleep(50);
    }
  }

  /** The last position a progress event reported. */
  get position(): string | undefined {
    return [...this.events].reverse().find((e) => e.type === 'progress' || e.type === 'stopped')?.position as string | undefined;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The position a job committed in a PostgreSQL target with its rows (redb.replication): exact where
 * the job's progress lines, a second apart, may be behind what the target holds.
 */
export async function committedPosition(target: Side, job: string): Promise<string | undefined> {
  const [r] = await rows(target, `SELECT position FROM redb.replication WHERE job = '${job}'`);
  return r?.position === undefined ? undefined : String(r.position);
}

/** Poll until `ready` resolves true. */
export async function until(ready: () => Promise<boolean>, what: string | (() => string), timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(200);
  }
}

/** Replication slots and publications of a scratch PostgreSQL database go before the database can. */
export async function dropPgCapture(db: ScratchDb): Promise<void> {
  const name = new URL(db.url).pathname.slice(1);
  const admin = serverUrl('REDB_TEST_PG_URL');
  for (let i = 0; i < 20; i++) {
    const slots = await pgQuery<{ slot_name: string; active: boolean }>(admin, `SELECT slot_name, active FROM pg_replication_slots WHERE database = '${name}'`);
    if (slots.length === 0) return;
    for (const s of slots.filter((x) => !x.active)) await pgExec(admin, `SELECT pg_drop_replication_slot('${s.slot_name}')`).catch(() => undefined);
    await sleep(250);
  }
}

/**
 * A source and a target database of the given engines and a redb project beside them, all removed by
 * the cleanup it registers (a PostgreSQL source's slot and publication first).
 */
export async function replicationSetup(
  from: TestEngine,
  to: TestEngine,
  prefix: string,
  cleanups: (() => Promise<void> | void)[],
): Promise<{ source: Side; target: Side; project: { path: string; cleanup: () => void } }> {
  const source = side(from.engine, await from.create());
  const target = side(to.engine, await to.create());
  const project = tempDir(prefix);
  cleanups.push(async () => {
    if (source.engine === 'postgres') await dropPgCapture(source.db);
    await source.db.drop();
    await target.db.drop();
    project.cleanup();
  });
  const init = redb(project.path, ['init']);
  if (init.code !== 0) throw new Error(`redb init failed: ${init.stderr}`);
  return { source, target, project };
}
