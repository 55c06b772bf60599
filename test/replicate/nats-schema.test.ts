import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { duckdbEngine } from '../support/duckdb.js';
import { natsServer, plainClient, type NatsServer } from '../support/nats.js';
import { postgresEngine } from '../support/postgres.js';
import { tempDir } from '../support/scratch.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { committedPosition, dropPgCapture, exec, killReplicators, Replicator, rows, side, until, rowsText as text } from './helpers.js';

/**
 * The JetStream path through schema changes, masking and drop, on a real nats-server and real
 * databases. One PostgreSQL source published once, applied into a PostgreSQL and a DuckDB database:
 * a column added, a column retyped, a new table, and a column dropped (the consumers run with
 * `--allow drops-data`), with writes before and after each, every target equal to the source in
 * the end (`redb verify`). A publisher with a masking policy puts no clear value of a masked column
 * in the stream (read back by a plain NATS client); a strict one pauses a table on a new column
 * with no rule. `replicate drop` of a consumer job removes its durable consumer.
 */

/** A publisher's slot waits for every transaction open on the server: on a busy shared server, a while. */
const START_MS = 180_000;

let nats: NatsServer;
const cleanups: (() => Promise<void>)[] = [];
beforeAll(async () => {
  nats = await natsServer();
}, 30_000);
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await nats?.stop();
});

const inserts = (from: number, n: number) =>
  Array.from({ length: n }, (_x, i) => `INSERT INTO items (id, name, qty) VALUES (${from + i}, 'item ${from + i}', ${i});`).join('\n');

/** Every message of a stream, as a plain client reads it. */
async function readAll(url: string, stream: string): Promise<{ subject: string; data: string }[]> {
  const { nc, js, jsm } = await plainClient(url);
  try {
    const info = await jsm.streams.info(stream);
    const out: { subject: string; data: string }[] = [];
    if (info.state.messages === 0) return out;
    const consumer = await js.consumers.get(stream);
    for (;;) {
      const m = await consumer.next({ expires: 2000 });
      if (m === null) break;
      out.push({ subject: m.subject, data: m.string() });
      if (m.info.pending === 0) break;
    }
    return out;
  } finally {
    await nc.close();
  }
}

async function setup(prefix: string) {
  const source = side('postgres', await postgresEngine.create());
  const project = tempDir(prefix);
  cleanups.push(async () => {
    await dropPgCapture(source.db);
    await source.db.drop();
    project.cleanup();
  });
  expect(redb(project.path, ['init']).code).toBe(0);
  const tag = randomBytes(4).toString('hex');
  return { source, project: project.path, tag, bus: `${nats.url}/s_${tag}`, stream: `s_${tag}` };
}

describe.concurrent('redb replicate through NATS JetStream: schema changes, masking, drop (real servers)', () => {
  it('PostgreSQL → JetStream → PostgreSQL and DuckDB follows added, retyped and dropped columns and a new table', async () => {
    const { source, project, tag, bus } = await setup('redb-nats-schema-');
    const toPg = side('postgres', await postgresEngine.create());
    const toDuck = side('duckdb', await duckdbEngine.create());
    cleanups.push(async () => {
      await toPg.db.drop();
      await toDuck.db.drop();
    });
    await exec(source, `CREATE TABLE items (id integer PRIMARY KEY, name varchar(100) NOT NULL, qty integer NOT NULL, gone text);\n${inserts(1, 30)}`);
    const publisher = new Replicator(project, [source.url, bus, '--name', `p_${tag}`, '--heartbeat-ms', '500']);
    await publisher.until('streaming', START_MS);
    const pg = new Replicator(project, [bus, toPg.url, '--name', `pg_${tag}`, '--allow', 'drops-data']);
    const duck = new Replicator(project, [bus, toDuck.url, '--name', `duck_${tag}`, '--allow', 'drops-data']);
    await pg.until('streaming', START_MS);
    await duck.until('streaming', START_MS);
    const items = (cols: string) => `SELECT ${cols} FROM items ORDER BY id`;
    const caughtUp = async (what: string, sql: string) =>
      until(async () => (await text(toPg, sql)) === (await text(source, sql)), `the PostgreSQL consumer: ${what}`, 120_000);

    await exec(source, inserts(100, 10));
    await caughtUp('rows before any change', items('id, name, qty'));

    // Added: rows written after the ALTER land in the new column.
    await exec(source, `ALTER TABLE items ADD COLUMN color varchar(20);\n${inserts(200, 5)}\nUPDATE items SET color = 'c' || id WHERE id >= 200 OR id < 5;`);
    await caughtUp('the added column', items('id, color'));

    // Retyped: a value only the new type holds arrives whole.
    await exec(source, `ALTER TABLE items ALTER COLUMN qty TYPE bigint;\nUPDATE items SET qty = 9000000000 + id WHERE id < 3;\n${inserts(300, 5)}`);
    await caughtUp('the retyped column', items('id, qty'));

    // A new table: its rows before and after it joined the stream.
    await exec(source, `CREATE TABLE extra (id integer PRIMARY KEY, v text);\nINSERT INTO extra VALUES (1, 'one'), (2, 'two');`);
    await until(
      async () => (await rows(toPg, `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'extra'`))[0]?.n === 1,
      'the new table',
      120_000,
    );
    await exec(source, `INSERT INTO extra VALUES (3, 'three');\nUPDATE extra SET v = 'uno' WHERE id = 1;`);
    await until(
      async () => (await text(toPg, 'SELECT id, v FROM extra ORDER BY id')) === (await text(source, 'SELECT id, v FROM extra ORDER BY id')),
      'rows of the new table',
      120_000,
    );

    // Dropped, allowed: the column goes on the targets too, rows go on.
    await exec(source, `ALTER TABLE items DROP COLUMN gone;\n${inserts(400, 5)}\nDELETE FROM items WHERE id = 7;`);
    await until(
      async () => (await rows(toPg, `SELECT column_name FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'gone'`)).length === 0,
      'the dropped column',
      120_000,
    );
    await exec(source, `INSERT INTO items (id, name, qty, color) VALUES (900001, 'sentinel', 1, 'last');`);
    await caughtUp('the last row', items('id, name, qty, color'));
    // Where the PostgreSQL consumer committed the last row (its progress lines may be behind it), the DuckDB one must reach.
    const reached = Number(await committedPosition(toPg, `pg_${tag}`));
    expect(reached).toBeGreaterThan(0);
    await until(async () => Number(duck.position ?? '0') >= reached, 'the DuckDB consumer to catch up', 120_000);
    expect(await publisher.stop('SIGTERM')).toBe(143);
    expect(await pg.stop('SIGTERM')).toBe(143);
    expect(await duck.stop('SIGTERM')).toBe(143);
    expect(pg.events.filter((e) => e.type === 'paused')).toEqual([]);
    expect(duck.events.filter((e) => e.type === 'paused')).toEqual([]);
    for (const target of [toPg, toDuck]) {
      const verify = redb(project, ['verify', source.url, target.url], PASSWORD_ENV);
      expect(verify.code, verify.stderr + verify.stdout).toBe(0);
      expect(verify.stderr + verify.stdout).toMatch(/matches/);
    }
  }, 600_000);

  it('a masking policy on the publisher: no clear value of a masked column in the stream; a strict one pauses a table on a new column', async () => {
    const { source, project, tag, bus, stream } = await setup('redb-nats-mask-');
    const toPg = side('postgres', await postgresEngine.create());
    cleanups.push(() => toPg.db.drop());
    const file = join(project, 'mask.yaml');
    writeFileSync(file, 'strict: true\nrules:\n  - match: people.email\n    transform: redact\n');
    await exec(
      source,
      `CREATE TABLE people (id integer PRIMARY KEY, email text);\nCREATE TABLE other (id integer PRIMARY KEY, v text);\nINSERT INTO people VALUES (1, 'alice@secret.example'), (2, 'bob@secret.example');\nINSERT INTO other VALUES (1, 'one');`,
    );
    const publisher = new Replicator(project, [source.url, bus, '--name', `p_${tag}`, '--mask', file, '--heartbeat-ms', '500']);
    await publisher.until('streaming', START_MS);
    const consumer = new Replicator(project, [bus, toPg.url, '--name', `c_${tag}`]);
    await consumer.until('streaming', START_MS);
    await exec(source, `INSERT INTO people VALUES (3, 'carol@secret.example');\nUPDATE people SET email = 'dave@secret.example' WHERE id = 1;`);
    await until(async () => (await rows(toPg, 'SELECT count(*)::int AS n FROM people'))[0]?.n === 3, 'the masked rows', 120_000);

    // A new column no rule names: its table pauses on the publisher, the other table goes on.
    await exec(
      source,
      `ALTER TABLE people ADD COLUMN phone text;\nINSERT INTO people VALUES (4, 'erin@secret.example', '555-0199');\nINSERT INTO other VALUES (2, 'two');`,
    );
    const paused = await publisher.until('paused');
    expect(paused.table).toBe('public.people');
    expect(paused.reason).toContain('phone');
    await until(async () => (await rows(toPg, 'SELECT count(*)::int AS n FROM other'))[0]?.n === 2, 'the other table to go on', 120_000);
    expect(await publisher.stop('SIGTERM')).toBe(143);
    expect(await consumer.stop('SIGTERM')).toBe(143);

    const all = await readAll(nats.url, stream);
    expect(all.some((m) => m.subject === `${stream}.public.people`)).toBe(true);
    for (const m of all) {
      expect(m.data).not.toContain('secret.example');
      expect(m.data).not.toContain('555-0199');
    }
    expect((await rows(toPg, 'SELECT email FROM people ORDER BY id')).map((r) => r.email)).not.toContain('carol@secret.example');
    expect((await rows(toPg, 'SELECT count(*)::int AS n FROM people'))[0]?.n).toBe(3);
  }, 500_000);

  it('replicate drop of a consumer job removes its durable consumer and its position; of the publisher, its slot, keeping the stream', async () => {
    const { source, project, tag, bus, stream } = await setup('redb-nats-drop-');
    const toPg = side('postgres', await postgresEngine.create());
    cleanups.push(() => toPg.db.drop());
    await exec(source, `CREATE TABLE items (id integer PRIMARY KEY, name varchar(100) NOT NULL, qty integer NOT NULL);\n${inserts(1, 10)}`);
    const publisher = new Replicator(project, [source.url, bus, '--name', `p_${tag}`, '--heartbeat-ms', '500']);
    await publisher.until('streaming', START_MS);
    const consumer = new Replicator(project, [bus, toPg.url, '--name', `c_${tag}`]);
    await consumer.until('streaming', START_MS);
    await until(async () => (await rows(toPg, 'SELECT count(*)::int AS n FROM items'))[0]?.n === 10, 'the copy', 120_000);
    expect(await consumer.stop('SIGTERM')).toBe(143);
    expect(await publisher.stop('SIGTERM')).toBe(143);

    const { nc, jsm } = await plainClient(nats.url);
    try {
      expect((await jsm.consumers.info(stream, `c_${tag}`)).name).toBe(`c_${tag}`);
      const dropped = redb(project, ['replicate', 'drop', `c_${tag}`, '--json'], PASSWORD_ENV);
      expect(dropped.code, dropped.stderr).toBe(0);
      expect((JSON.parse(dropped.stdout) as { removed: string[] }).removed.join('\n')).toMatch(/consumer c_/);
      await expect(jsm.consumers.info(stream, `c_${tag}`)).rejects.toThrow(/consumer not found/i);
      expect(await rows(toPg, `SELECT * FROM redb.replication WHERE job = 'c_${tag}'`).catch(() => [])).toEqual([]);

      const publisherDrop = redb(project, ['replicate', 'drop', `p_${tag}`], PASSWORD_ENV);
      expect(publisherDrop.code, publisherDrop.stderr).toBe(0);
      expect(publisherDrop.stdout).toMatch(/kept the stream/);
      expect((await jsm.streams.info(stream)).state.messages).toBeGreaterThan(0);
    } finally {
      await nc.close();
    }
  }, 400_000);
});
