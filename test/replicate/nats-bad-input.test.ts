import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { natsServer, plainClient, startNatsServer, type NatsServer } from '../support/nats.js';
import { tempDir } from '../support/scratch.js';

/**
 * What `redb replicate` refuses about a NATS side, each with its code, exit 1, one line, and
 * nothing applied: a server that is not there, a server without JetStream, a stream that does not
 * exist, and a stream of someone else's messages (neither applied from nor published into).
 */

let nats: NatsServer;
let plain: NatsServer;
const project = tempDir('redb-nats-bad-');
// Stream names of this run only: the shared server keeps its streams from run to run.
const tag = `${process.pid}_${Date.now().toString(36)}`;
const orders = `orders_${tag}`;
const other = `other_${tag}`;
beforeAll(async () => {
  [nats, plain] = await Promise.all([natsServer(), startNatsServer({ jetstream: false })]);
  expect(redb(project.path, ['init']).code).toBe(0);
  const db = new Sqlite(join(project.path, 'src.db'));
  db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)');
  db.exec("INSERT INTO items VALUES (1, 'one')");
  db.close();
}, 30_000);
afterAll(async () => {
  await Promise.all([nats?.stop(), plain?.stop()]);
  project.cleanup();
});

/** One line naming the code, exit 1, no stack trace. */
function refused(args: readonly string[], code: string): string {
  const r = redb(project.path, ['replicate', ...args, '--heartbeat-ms', '500']);
  expect(r.code, r.stderr + r.stdout).toBe(1);
  expect(r.stderr).toContain(`error[${code}]`);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return r.stderr;
}

const userTables = (file: string): string[] => {
  if (!existsSync(file)) return [];
  const db = new Sqlite(file);
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[])
      .map((r) => r.name)
      .filter((n) => !n.startsWith('redb'));
  } finally {
    db.close();
  }
};

describe('redb replicate refuses bad NATS input (real nats-server)', () => {
  it('a server that is not there', () => {
    const closed = 'nats://127.0.0.1:1/s';
    expect(refused(['sqlite:src.db', closed], 'REDB_NATS_UNREACHABLE')).toMatch(/127\.0\.0\.1:1/);
    refused([closed, 'sqlite:dst1.db'], 'REDB_NATS_UNREACHABLE');
    expect(userTables(join(project.path, 'dst1.db'))).toEqual([]);
  });

  it('a server without JetStream', () => {
    refused(['sqlite:src.db', `${plain.url}/s`, '--name', 'nojs_pub'], 'REDB_NATS_NO_JETSTREAM');
    refused([`${plain.url}/s`, 'sqlite:dst2.db', '--name', 'nojs_con'], 'REDB_NATS_NO_JETSTREAM');
    expect(userTables(join(project.path, 'dst2.db'))).toEqual([]);
  });

  it('a stream that does not exist', () => {
    refused([`${nats.url}/nothing_here_${tag}`, 'sqlite:dst3.db', '--name', 'missing'], 'REDB_NATS_STREAM_MISSING');
    expect(userTables(join(project.path, 'dst3.db'))).toEqual([]);
  });

  it("a stream of someone else's messages", async () => {
    const { nc, jsm, js } = await plainClient(nats.url);
    try {
      await jsm.streams.add({ name: orders, subjects: [`${orders}.>`] });
      await js.publish(`${orders}.created`, JSON.stringify({ id: 1, total: 9.5 }));
      await js.publish(`${orders}.raw`, 'not json at all');
      await jsm.streams.add({ name: other, subjects: [`${other}.>`] });
      await js.publish(`${other}.public.items`, JSON.stringify({ before: null, after: { id: 1 }, op: 'c', source: { connector: 'postgresql' } }));
    } finally {
      await nc.close();
    }
    expect(refused([`${nats.url}/${orders}`, 'sqlite:dst4.db', '--name', 'foreign_con'], 'REDB_NATS_FOREIGN_STREAM')).toContain(orders);
    refused([`${nats.url}/${other}`, 'sqlite:dst4.db', '--name', 'foreign_con2'], 'REDB_NATS_FOREIGN_STREAM');
    refused(['sqlite:src.db', `${nats.url}/${orders}`, '--name', 'foreign_pub'], 'REDB_NATS_FOREIGN_STREAM');
    expect(userTables(join(project.path, 'dst4.db'))).toEqual([]);
    // Nothing was added to the foreign stream.
    const again = await plainClient(nats.url);
    try {
      expect((await again.jsm.streams.info(orders)).state.messages).toBe(2);
    } finally {
      await again.nc.close();
    }
  });
});
