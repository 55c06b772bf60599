import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineToken, shadowName, shadowPrefix, STALE_AFTER_MS } from '../../src/adapters/shadow-name.js';
import { CLI, redbOk } from '../support/cli.js';
import { mysqlEngine, mysqlScriptConnection, mysqlUrlFor } from '../support/mysql.js';
import { pgDatabaseUrl, pgExec, postgresEngine } from '../support/postgres.js';
import { serverUrl, tempDir, type ScratchDb, type TestEngine } from '../support/scratch.js';

/** What the test needs of a server: its databases, and a session held open on one of them. */
interface Server {
  readonly engine: TestEngine;
  databases(like: string): Promise<string[]>;
  create(name: string): Promise<void>;
  drop(name: string): Promise<void>;
  /** A session connected to `name`, as a rehearsal keeps on its shadow. */
  hold(name: string): Promise<() => Promise<void>>;
  table(i: number): string;
}

const postgres: Server = {
  engine: postgresEngine,
  databases: async (prefix) => {
    const c = new pg.Client({ connectionString: serverUrl('REDB_TEST_PG_URL') });
    await c.connect();
    try {
      return (await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1', [prefix])).rows.map(
        (r) => r.datname,
      );
    } finally {
      await c.end();
    }
  },
  create: (name) => pgExec(serverUrl('REDB_TEST_PG_URL'), `CREATE DATABASE "${name}"`),
  drop: (name) => pgExec(serverUrl('REDB_TEST_PG_URL'), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  hold: async (name) => {
    const c = new pg.Client({ connectionString: pgDatabaseUrl(name) });
    await c.connect();
    return async () => void (await c.end());
  },
  table: (i) => `CREATE TABLE t${i} (id int PRIMARY KEY, label text NOT NULL, at timestamptz DEFAULT now(), CHECK (length(label) < 100))`,
};

const mariadb: Server = {
  engine: mysqlEngine,
  databases: async (prefix) => {
    const c = await mysqlScriptConnection();
    try {
      const [rows] = await c.query('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE LEFT(SCHEMA_NAME, ?) = ? ORDER BY 1', [
        prefix.length,
        prefix,
      ]);
      return (rows as { name: string }[]).map((r) => r.name);
    } finally {
      await c.end();
    }
  },
  create: async (name) => {
    const c = await mysqlScriptConnection();
    await c.query(`CREATE DATABASE \`${name}\``).finally(() => c.end());
  },
  drop: async (name) => {
    const c = await mysqlScriptConnection();
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``).finally(() => c.end());
  },
  hold: async (name) => {
    const url = new URL(mysqlUrlFor(name));
    const c = await mysql.createConnection({
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: name,
    });
    return async () => void (await c.end());
  },
  table: (i) => `CREATE TABLE t${i} (id int PRIMARY KEY, label varchar(80) NOT NULL, at timestamp DEFAULT current_timestamp, CHECK (length(label) < 100))`,
};

/** The pid of a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe.each([postgres, mariadb])('shadow databases a killed rehearsal leaves behind ($engine.engine)', (server) => {
  let db: ScratchDb;
  const dir = tempDir();
  let env: NodeJS.ProcessEnv;
  let database: string;
  const made: string[] = [];

  beforeAll(async () => {
    db = await server.engine.create();
    const url = new URL(db.url);
    database = decodeURIComponent(url.pathname.slice(1));
    env = { REDB_TEST_PASSWORD: decodeURIComponent(url.password) };
    // Enough tables that building them on a shadow takes a moment to catch.
    for (let i = 0; i < 30; i++) await db.exec(server.table(i));
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['db', 'add', 'app', db.url.replace(`:${url.password}@`, ':${REDB_TEST_PASSWORD}@')], env);
    redbOk(dir.path, ['pull', 'app'], env);
    redbOk(dir.path, ['commit', '-m', 'A'], env);
    await db.exec(server.table(99));
    redbOk(dir.path, ['pull', 'app'], env);
    redbOk(dir.path, ['commit', '-m', 'B'], env);
    redbOk(dir.path, ['migrate', 'app', '--to', 'HEAD~1', '--yes', '--allow', 'all'], env);
  }, 180_000);
  afterAll(async () => {
    for (const name of made) await server.drop(name);
    await db?.drop();
    dir.cleanup();
  });

  it('drops what a killed rehearsal left on the next run, and never a shadow someone may still use', async () => {
    const prefix = shadowPrefix(database);
    // Kill the migrate while it rehearses: its shadow stays behind.
    const child = spawn(process.execPath, [CLI, 'migrate', 'app', '--yes'], { cwd: dir.path, env: { ...process.env, ...env }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    let leftover: string[] = [];
    const until = Date.now() + 60_000;
    while (leftover.length === 0 && Date.now() < until && child.exitCode === null) leftover = await server.databases(prefix);
    child.kill('SIGKILL');
    await exited;
    expect(leftover).toHaveLength(1);

    // Beside it, shadows that must survive the sweep, and one that must not.
    const here = machineToken();
    const other = here === 'ffffff' ? 'eeeeee' : 'ffffff';
    const dead = deadPid();
    const inUse = shadowName(database, Date.now(), { host: here, pid: dead });
    const living = shadowName(database, Date.now(), { host: here, pid: process.pid });
    const elsewhere = shadowName(database, Date.now(), { host: other, pid: 4242 });
    const abandoned = shadowName(database, Date.now() - STALE_AFTER_MS - 60_000, { host: other, pid: 4242 });
    const older = `${prefix}${randomBytes(4).toString('hex')}`;
    for (const name of [inUse, living, elsewhere, abandoned, older]) {
      await server.create(name);
      made.push(name);
    }
    const release = await server.hold(inUse);
    try {
      redbOk(dir.path, ['migrate', 'app', '--yes'], env);
      const left = await server.databases(prefix);
      // Gone: the killed run's shadow (its process is gone, nobody is connected), and one abandoned for over an hour.
      expect(left).not.toContain(leftover[0]);
      expect(left).not.toContain(abandoned);
      // Kept: one with a session on it, one whose creator runs, one made elsewhere a moment ago, one an older redb named.
      expect(left).toEqual(expect.arrayContaining([inUse, living, elsewhere, older]));
    } finally {
      await release();
    }
  }, 180_000);
});
