import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { mysqlEngine, mysqlScriptConnection } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { startPrivateMariadb } from '../support/private-mariadb.js';
import { sqliteEngine, tempDir } from '../support/scratch.js';
import { envUrl, PASSWORD_ENV } from '../clone/helpers.js';
import { client, execUrl, queryUrl } from './restart-writer.js';
import { exec, killReplicators, Replicator, replicationSetup, rows, rowsText as text, until, type Side } from './helpers.js';

/**
 * A new job maps its tables by their columns at the hand-off, the copy's snapshot: a schema change
 * made on the source the moment the copy is in (the job says it streams) comes later in the stream,
 * and is followed there. (The job read the source's catalog for its tables only after it said it
 * streamed: a change made in that instant was compared with a catalog already past it, and the
 * table paused on a column renamed or dropped, as if the change went backwards.)
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

/** A connection to the source, opened before the job starts: the change goes out without a connection's start-up. */
async function connect(source: Side): Promise<{ run: (sql: string) => Promise<void>; close: () => Promise<void> }> {
  if (source.engine === 'postgres') {
    const client = new pg.Client({ connectionString: source.db.url });
    await client.connect();
    return { run: async (sql) => void (await client.query(sql)), close: () => client.end() };
  }
  const connection = await mysqlScriptConnection(new URL(source.db.url).pathname.slice(1));
  return { run: async (sql) => void (await connection.query(sql)), close: () => connection.end() };
}

/** Runs `act` as soon as the job prints an event of this type, sooner than polling its events would. */
function whenPrinted(r: Replicator, type: string, act: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const on = (chunk: Buffer) => {
      seen += chunk.toString();
      if (!seen.includes(`"type":"${type}"`)) return;
      r.child.stdout?.off('data', on);
      act().then(resolve, reject);
    };
    r.child.stdout?.on('data', on);
    void r.exited.then(() => reject(new Error(`redb replicate ended before '${type}': ${r.stderr}`)));
  });
}

describe.concurrent('redb replicate: a schema change right after the copy (real servers)', () => {
  it('MariaDB → SQLite: a column renamed the moment the job streams keeps its values, no pause', async () => {
    const { source, target, project } = await replicationSetup(mysqlEngine, sqliteEngine, 'redb-replicate-handoff-', cleanups);
    const job = `h_${randomBytes(4).toString('hex')}`;
    await exec(source, 'CREATE TABLE items (id INTEGER PRIMARY KEY, note VARCHAR(50) NOT NULL, qty INTEGER NOT NULL)');
    await exec(source, "INSERT INTO items VALUES (1, 'one', 1), (2, 'two', 2)");
    const sql = await connect(source);
    cleanups.push(() => sql.close());
    const r = new Replicator(project.path, [source.url, target.url, '--name', job, '--heartbeat-ms', '500']);
    await whenPrinted(r, 'streaming', async () => {
      await sql.run('ALTER TABLE items RENAME COLUMN note TO memo');
      await sql.run("INSERT INTO items VALUES (3, 'three', 3)");
      await sql.run("UPDATE items SET memo = 'uno' WHERE id = 1");
    });
    const query = 'SELECT id, memo, qty FROM items ORDER BY id';
    await until(
      async () => (await text(target, query).catch(() => '')) === (await text(source, query)),
      () => `the renamed column on the target: ${JSON.stringify(r.events.filter((e) => e.type !== 'progress'))}\n${r.stderr}`,
      60_000,
    );
    expect(r.events.filter((e) => e.type === 'paused')).toEqual([]);
    expect(r.events.filter((e) => e.type === 'schema').map((e) => e.change)).toEqual([expect.stringContaining('renamed note → memo')]);
    expect(await r.stop('SIGTERM')).toBe(143);
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 120_000);

  it('PostgreSQL → PostgreSQL: a column dropped and one added the moment the job streams, rows before and after, no pause', async () => {
    const { source, target, project } = await replicationSetup(postgresEngine, postgresEngine, 'redb-replicate-handoff-', cleanups);
    const job = `h_${randomBytes(4).toString('hex')}`;
    await exec(source, 'CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, note text)');
    await exec(source, "INSERT INTO items VALUES (1, 'one', 'n1'), (2, 'two', 'n2')");
    const sql = await connect(source);
    cleanups.push(() => sql.close());
    const r = new Replicator(project.path, [source.url, target.url, '--name', job, '--heartbeat-ms', '500', '--allow', 'drops-data']);
    await whenPrinted(r, 'streaming', async () => {
      await sql.run("INSERT INTO items VALUES (3, 'three', 'n3')");
      await sql.run('ALTER TABLE items DROP COLUMN note, ADD COLUMN extra integer');
      await sql.run("INSERT INTO items VALUES (4, 'four', 40); UPDATE items SET extra = 10 WHERE id = 1");
    });
    const query = 'SELECT id, name, extra FROM items ORDER BY id';
    await until(
      async () => (await text(target, query).catch(() => '')) === (await text(source, query)),
      () => `the new column on the target: ${JSON.stringify(r.events.filter((e) => e.type !== 'progress'))}\n${r.stderr}`,
      60_000,
    );
    expect(r.events.filter((e) => e.type === 'paused')).toEqual([]);
    expect(await text(target, query)).toBe(
      JSON.stringify([
        ['1', 'one', '10'],
        ['2', 'two', null],
        ['3', 'three', null],
        ['4', 'four', '40'],
      ]),
    );
    // The dropped column is gone from the target too (followed at the drop, in order with the rows).
    const columns = await rows(target, "SELECT column_name FROM information_schema.columns WHERE table_name = 'items' ORDER BY ordinal_position");
    expect(columns.map((c) => c.column_name)).toEqual(['id', 'name', 'extra']);
    expect(await r.stop('SIGTERM')).toBe(143);
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 120_000);

  it('MariaDB → MariaDB, `replicate resync` after a purged binary log: a column of a table copied again, renamed the moment it is copied, keeps its values', async () => {
    // A server of this test's own: purging binary logs on the shared one would strand every other test's job.
    const server = await startPrivateMariadb();
    cleanups.push(() => server.stop());
    await server.exec('CREATE DATABASE src; CREATE DATABASE dst;');
    const sourceUrl = server.url.replace(/\/mysql$/, '/src');
    const targetUrl = server.url.replace(/\/mysql$/, '/dst');
    const project = tempDir('redb-replicate-handoff-resync-');
    cleanups.push(() => project.cleanup());
    expect(redb(project.path, ['init']).code).toBe(0);
    await execUrl(
      sourceUrl,
      `CREATE TABLE busy (id INTEGER PRIMARY KEY, v VARCHAR(20) NOT NULL, n INTEGER);
       INSERT INTO busy VALUES (1, 'b1', 1), (2, 'b2', 2), (3, 'b3', 3);`,
    );
    const job = `h_${randomBytes(4).toString('hex')}`;
    const first = new Replicator(project.path, [envUrl(sourceUrl), envUrl(targetUrl), '--name', job, '--heartbeat-ms', '500']);
    await first.until('streaming');
    expect(await first.stop('SIGTERM')).toBe(143);
    // While the job is stopped: busy changes, and the server purges every log the job would read.
    await execUrl(sourceUrl, "UPDATE busy SET n = n * 2 WHERE id = 2; INSERT INTO busy VALUES (4, 'b4', 4);");
    await server.exec('FLUSH BINARY LOGS; FLUSH BINARY LOGS;');
    const [current] = await queryUrl(server.url, 'SHOW MASTER STATUS');
    await until(async () => {
      await server.exec(`PURGE BINARY LOGS TO '${String(current?.File)}'`);
      return (await queryUrl(server.url, 'SHOW BINARY LOGS')).length === 1;
    }, 'the binary logs before the current one to be purged');

    const sql = await client(sourceUrl);
    cleanups.push(() => sql.end());
    const r = new Replicator(project.path, ['resync', job]);
    await whenPrinted(r, 'resync-recopied', async () => {
      await sql.query('ALTER TABLE busy RENAME COLUMN v TO w');
      await sql.query("INSERT INTO busy VALUES (5, 'b5', 5)");
      await sql.query("UPDATE busy SET w = 'uno' WHERE id = 1");
    });
    const query = 'SELECT id, w, n FROM busy ORDER BY id';
    await until(
      async () => JSON.stringify(await queryUrl(targetUrl, query).catch(() => [])) === JSON.stringify(await queryUrl(sourceUrl, query)),
      () => `the renamed column on the target: ${JSON.stringify(r.events.filter((e) => e.type !== 'progress'))}\n${r.stderr}`,
      60_000,
    );
    expect(r.events.filter((e) => e.type === 'resync-recopied').map((e) => e.table)).toEqual(['busy']);
    expect(r.events.filter((e) => e.type === 'paused')).toEqual([]);
    expect(r.events.filter((e) => e.type === 'schema').map((e) => e.change)).toEqual([expect.stringContaining('renamed v → w')]);
    expect(await r.stop('SIGTERM')).toBe(143);
    const verify = redb(project.path, ['verify', envUrl(sourceUrl), envUrl(targetUrl)], PASSWORD_ENV);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 240_000);
});
