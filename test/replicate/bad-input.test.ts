import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errorCode, redb } from '../support/cli.js';
import { duckdbEngine } from '../support/duckdb.js';
import { pgExec, pgQuery, postgresEngine } from '../support/postgres.js';
import { serverUrl, sqliteEngine, tempDir } from '../support/scratch.js';
import { envUrl, PASSWORD_ENV } from '../clone/helpers.js';
import { startPrivatePostgres } from '../changes/private-postgres.js';
import { dropPgCapture, exec, itemsDdl, killReplicators, Replicator, side } from './helpers.js';

/**
 * `redb replicate` refuses what cannot work with a coded, one-line error and sets nothing up:
 * a source with no change log, a target that is the source, a job name in use, a server without
 * logical WAL, a login without the replication privilege.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await c();
});

function project(): string {
  const dir = tempDir('redb-replicate-bad-');
  cleanups.push(dir.cleanup);
  expect(redb(dir.path, ['init']).code).toBe(0);
  return dir.path;
}

const refused = (cwd: string, args: readonly string[], code: string) => {
  const r = redb(cwd, ['replicate', ...args], PASSWORD_ENV);
  expect(r.code, r.stderr).toBe(1);
  expect(errorCode(r)).toBe(code);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return r;
};

/** What a replication job made in a SQLite file (its change table and triggers). */
async function captureObjects(url: string): Promise<unknown[]> {
  const Sqlite = (await import('better-sqlite3')).default;
  const file = new Sqlite(url.slice('sqlite:'.length), { readonly: true });
  try {
    return file.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'redb%'").all();
  } finally {
    file.close();
  }
}

describe.concurrent('redb replicate: bad input', () => {
  it('refuses DuckDB as a source', async () => {
    const db = await duckdbEngine.create();
    const to = await sqliteEngine.create();
    cleanups.push(
      () => db.drop(),
      () => to.drop(),
    );
    refused(project(), [db.url, to.url], 'REDB_CHANGES_UNSUPPORTED');
  });

  it('refuses a target that is the source, and leaves no capture behind', async () => {
    const db = await sqliteEngine.create();
    cleanups.push(() => db.drop());
    const s = side('sqlite', db);
    await exec(s, itemsDdl());
    refused(project(), [db.url, db.url], 'REDB_REPLICATE_SAME_DATABASE');
    expect(await captureObjects(db.url)).toEqual([]);
  });

  it('refuses a table without a primary key before anything is made, a whole-row replica identity included', async () => {
    const from = await postgresEngine.create();
    const to = await postgresEngine.create();
    cleanups.push(
      () => from.drop(),
      () => to.drop(),
    );
    await pgExec(from.url, 'CREATE TABLE keyed (id int PRIMARY KEY); CREATE TABLE loose (a int, b text); ALTER TABLE loose REPLICA IDENTITY FULL;');
    const cwd = project();
    const r = refused(cwd, [envUrl(from.url), envUrl(to.url), '--name', 'keyless'], 'REDB_CHANGES_NO_KEY');
    expect(r.stderr).toMatch(/public\.loose/);
    expect(r.stderr).toMatch(/--tables/);
    const name = new URL(from.url).pathname.slice(1);
    expect(await pgQuery(from.url, `SELECT slot_name FROM pg_replication_slots WHERE database = '${name}'`)).toEqual([]);
    expect(await pgQuery(to.url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).toEqual([]);
    expect(redb(cwd, ['replicate', 'status', '--json'], PASSWORD_ENV).stdout).not.toMatch(/keyless/);
    // Left out, the rest replicates.
    const job = new Replicator(cwd, [envUrl(from.url), envUrl(to.url), '--name', 'keyed', '--tables', 'keyed']);
    await job.until('streaming');
    expect(await job.stop('SIGINT')).toBe(130);
    await dropPgCapture(from);
  });

  it('refuses a generated column the target would hold as a plain one, before anything is made', async () => {
    const from = await postgresEngine.create();
    const dir = tempDir('redb-replicate-generated-');
    cleanups.push(
      () => from.drop(),
      () => dir.cleanup(),
    );
    // SQLite keeps decimals in floating point: the expression does not translate, and a stream carries no generated values.
    await pgExec(
      from.url,
      'CREATE TABLE orders (id int PRIMARY KEY, qty int NOT NULL, price numeric(10,2) NOT NULL, total numeric(12,2) GENERATED ALWAYS AS (qty * price) STORED); CREATE TABLE plain (id int PRIMARY KEY);',
    );
    const cwd = project();
    const file = join(dir.path, 'target.sqlite');
    const r = refused(cwd, [envUrl(from.url), `sqlite:${file}`, '--name', 'generated', '--allow', 'lossy'], 'REDB_REPLICATE_GENERATED_PLAIN');
    expect(r.stderr).toMatch(/public\.orders\.total/);
    expect(r.stderr).toMatch(/--tables/);
    const name = new URL(from.url).pathname.slice(1);
    expect(await pgQuery(from.url, `SELECT slot_name FROM pg_replication_slots WHERE database = '${name}'`)).toEqual([]);
    expect(existsSync(file)).toBe(false);
    // Left out, the rest replicates.
    const job = new Replicator(cwd, [envUrl(from.url), `sqlite:${file}`, '--name', 'plain', '--tables', 'plain']);
    await job.until('streaming');
    expect(await job.stop('SIGINT')).toBe(130);
    await dropPgCapture(from);
  });

  it('drop refuses while the source cannot be reached, and --force forgets the job, listing what it left', async () => {
    const from = await postgresEngine.create();
    const to = await sqliteEngine.create();
    cleanups.push(
      () => from.drop(),
      () => to.drop(),
    );
    await pgExec(from.url, 'CREATE TABLE items (id int PRIMARY KEY, name text)');
    const cwd = project();
    const job = new Replicator(cwd, [envUrl(from.url), to.url, '--name', 'orphan']);
    await job.until('streaming');
    expect(await job.stop('SIGINT')).toBe(130);
    // The source database is gone for good (its slot with it).
    await from.drop();
    const r = redb(cwd, ['replicate', 'drop', 'orphan'], PASSWORD_ENV);
    expect(r.code, r.stderr).toBe(1);
    expect(errorCode(r)).toBe('REDB_REPLICATE_DROP_UNREACHABLE');
    expect(r.stderr).toContain('--force');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const positions = async () => {
      const Sqlite = (await import('better-sqlite3')).default;
      const file = new Sqlite(to.url.slice('sqlite:'.length), { readonly: true });
      try {
        return file.prepare('SELECT job FROM redb_replication').all();
      } finally {
        file.close();
      }
    };
    // Refused: the job and its position in the target are kept.
    expect(await positions()).toEqual([{ job: 'orphan' }]);
    expect(redb(cwd, ['replicate', 'status', '--json'], PASSWORD_ENV).stdout).toMatch(/orphan/);
    const forced = redb(cwd, ['replicate', 'drop', 'orphan', '--force'], PASSWORD_ENV);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/left behind .*what orphan made on/);
    expect(await positions()).toEqual([]);
    expect(redb(cwd, ['replicate', 'status', '--json'], PASSWORD_ENV).stdout).not.toMatch(/orphan/);
  });

  it('refuses a keyless SQLite table without creating the DuckDB target file', async () => {
    const from = await sqliteEngine.create();
    const dir = tempDir('redb-replicate-keyless-');
    cleanups.push(
      () => from.drop(),
      () => dir.cleanup(),
    );
    await exec(side('sqlite', from), 'CREATE TABLE keyed (id integer PRIMARY KEY); CREATE TABLE loose (x integer);');
    const file = join(dir.path, 'target.duckdb');
    const r = refused(project(), [from.url, `duckdb:${file}`], 'REDB_CHANGES_NO_KEY');
    expect(r.stderr).toMatch(/loose/);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a job name that another job of the project uses', async () => {
    const a = await sqliteEngine.create();
    const b = await sqliteEngine.create();
    const c = await sqliteEngine.create();
    cleanups.push(
      () => a.drop(),
      () => b.drop(),
      () => c.drop(),
    );
    await exec(side('sqlite', a), itemsDdl());
    const cwd = project();
    // A job named `one` from a into b, stopped at once after it set up (the record is written before the copy).
    const { Replicator } = await import('./helpers.js');
    const first = new Replicator(cwd, [a.url, b.url, '--name', 'one']);
    await first.until('streaming');
    expect(await first.stop('SIGINT')).toBe(130);
    const r = refused(cwd, [a.url, c.url, '--name', 'one'], 'REDB_REPLICATE_JOB_EXISTS');
    expect(r.stderr).toMatch(/--name|drop/);
    refused(cwd, [a.url, c.url, '--name', 'Bad-Name'], 'REDB_INVALID_NAME');
  });

  it('refuses to stream on into a target whose copied table is gone, and copies anew after drop', async () => {
    const a = await sqliteEngine.create();
    const b = await postgresEngine.create();
    cleanups.push(
      () => a.drop(),
      () => b.drop(),
    );
    const src = side('sqlite', a);
    await exec(src, itemsDdl());
    await exec(src, "INSERT INTO items (id, name, qty, price, note) VALUES (1, 'one', 1, 1.5, NULL), (2, 'two', 2, 2.5, 'n');");
    const cwd = project();
    const to = envUrl(b.url);
    const { Replicator } = await import('./helpers.js');
    const first = new Replicator(cwd, [a.url, to, '--name', 'gone']);
    await first.until('streaming', 180_000);
    expect(await first.stop('SIGINT')).toBe(130);
    // The table is dropped on the target; the job's position (in the target's redb schema) stays.
    await pgExec(b.url, 'DROP TABLE items');
    const r = refused(cwd, [a.url, to, '--name', 'gone'], 'REDB_REPLICATE_TARGET_TABLES_GONE');
    expect(r.stderr).toContain('items');
    expect(r.stderr).toContain('redb replicate drop gone');
    // A drop whose target URL cannot be filled in (its variable unset) removes nothing, the source's triggers included.
    const unresolved = redb(cwd, ['replicate', 'drop', 'gone']);
    expect(unresolved.code, unresolved.stderr).toBe(1);
    expect(errorCode(unresolved)).toBe('REDB_ENV_MISSING');
    expect((await captureObjects(a.url)).length).toBeGreaterThan(0);
    expect(redb(cwd, ['replicate', 'drop', 'gone'], PASSWORD_ENV).code).toBe(0);
    expect(await captureObjects(a.url)).toEqual([]);
    const again = new Replicator(cwd, [a.url, to, '--name', 'gone']);
    expect((await again.until('copied', 180_000)).rows).toBe(2);
    expect(await again.stop('SIGINT')).toBe(130);
    expect(await pgQuery(b.url, 'SELECT count(*)::int AS n FROM items')).toEqual([{ n: 2 }]);
  }, 300_000);

  it('refuses a login without the REPLICATION attribute (PostgreSQL)', async () => {
    const db = await postgresEngine.create();
    const to = await sqliteEngine.create();
    cleanups.push(
      () => db.drop(),
      () => to.drop(),
    );
    const admin = serverUrl('REDB_TEST_PG_URL');
    const role = `redb_norepl_${Math.random().toString(36).slice(2, 8)}`;
    await pgExec(admin, `CREATE ROLE ${role} LOGIN PASSWORD 'redb' NOSUPERUSER NOREPLICATION`);
    cleanups.push(() => pgExec(admin, `DROP OWNED BY ${role}; DROP ROLE IF EXISTS ${role}`).catch(() => undefined));
    const url = new URL(db.url);
    await pgExec(db.url, `GRANT ALL ON SCHEMA public TO ${role}; CREATE TABLE items (id int primary key)`);
    const source = `postgres://${role}:\${REDB_TEST_PW}@${url.host}${url.pathname}`;
    refused(project(), [source, to.url], 'REDB_CHANGES_PRIVILEGE');
    expect(await pgQuery(db.url, `SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE 'redb_%' AND database = '${url.pathname.slice(1)}'`)).toEqual(
      [],
    );
  });

  it('refuses a server whose wal_level is not logical, saying how to set it', async () => {
    const server = await startPrivatePostgres({ wal_level: 'replica' });
    cleanups.push(() => server.stop());
    await pgExec(server.url, 'CREATE TABLE items (id int primary key)');
    const to = await sqliteEngine.create();
    cleanups.push(() => to.drop());
    const r = refused(project(), [server.url, to.url], 'REDB_CHANGES_WAL_LEVEL');
    expect(r.stderr).toMatch(/wal_level = logical/);
  });
}, 120_000);
