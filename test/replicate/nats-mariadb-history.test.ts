import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { mysqlEngine } from '../support/mysql.js';
import { natsServer, type NatsServer } from '../support/nats.js';
import { postgresEngine } from '../support/postgres.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { exec, killReplicators, Replicator, replicationSetup, until, type Side, rowsText as text } from './helpers.js';

/**
 * A MariaDB source published to JetStream, its publisher stopped while the source changes: a
 * column added, one dropped, one retyped and one added again, with rows between each. Row events
 * hold values by position only, and the catalog the restarted publisher finds has moved on (the
 * last shape has as many columns as an earlier one, with other names): it must name each row by
 * the table's shape at that point of the binary log. The schema history it keeps for that lives in
 * the stream beside the position (`<stream>._meta.state`), as a direct job keeps it in its target.
 * A consumer into PostgreSQL follows every change; the target ends equal to the source.
 */

let nats: NatsServer;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  nats = await natsServer();
}, 30_000);
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  await nats?.stop();
});

const same = (source: Side, target: Side, sql: string) => async () => (await text(target, sql)) === (await text(source, sql));
const insert = (ids: readonly number[], columns: string, values: (id: number) => string) =>
  ids.map((id) => `INSERT INTO items (${columns}) VALUES (${values(id)});`).join('\n');
const range = (from: number, n: number) => Array.from({ length: n }, (_x, i) => from + i);

describe('redb replicate: a MariaDB publisher stopped behind schema changes (real servers)', () => {
  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'stopped by %s: added, dropped, retyped, added again, every value in its own column',
    async (stop) => {
      const { source, target, project } = await replicationSetup(mysqlEngine, postgresEngine, 'redb-nats-history-', cleanups);
      const tag = randomBytes(4).toString('hex');
      const bus = `${nats.url}/h_${tag}`;
      await exec(source, 'CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, qty INTEGER NOT NULL, note VARCHAR(100))');
      await exec(
        source,
        insert(range(1, 10), 'id, name, qty, note', (id) => `${id}, 'item ${id}', ${id}, 'note ${id}'`),
      );
      const publish = [source.url, bus, '--name', `p_${tag}`, '--heartbeat-ms', '500'];
      const first = new Replicator(project.path, publish);
      await first.until('streaming', 180_000);
      const consumer = new Replicator(project.path, [bus, target.url, '--name', `c_${tag}`, '--heartbeat-ms', '500', '--allow', 'drops-data']);
      await consumer.until('streaming', 180_000);
      await exec(
        source,
        insert(range(11, 5), 'id, name, qty, note', (id) => `${id}, 'item ${id}', ${id}, 'note ${id}'`),
      );
      await until(same(source, target, 'SELECT id, name, qty, note FROM items ORDER BY id'), 'rows before any change');
      expect(await first.stop(stop)).toBe(stop === 'SIGTERM' ? 143 : null);

      await exec(
        source,
        `ALTER TABLE items ADD COLUMN color VARCHAR(20);
       ${insert(range(100, 5), 'id, name, qty, note, color', (id) => `${id}, 'added ${id}', ${id}, 'note ${id}', 'red'`)}
       UPDATE items SET color = 'blue', note = CONCAT(note, '+') WHERE id <= 3;`,
      );
      await exec(
        source,
        `ALTER TABLE items DROP COLUMN color;
       ${insert(range(300, 5), 'id, name, qty, note', (id) => `${id}, 'dropped ${id}', ${id}, 'note ${id}'`)}
       DELETE FROM items WHERE id = 7;`,
      );
      await exec(
        source,
        `ALTER TABLE items MODIFY qty BIGINT NOT NULL;
       ${insert(range(400, 5), 'id, name, qty, note', (id) => `${id}, 'retyped ${id}', ${5_000_000_000 + id}, 'note ${id}'`)}
       UPDATE items SET qty = qty + 4000000000 WHERE id BETWEEN 8 AND 10;`,
      );
      // Five columns again, as after the first change, but not the same five: by position, size would take color's place.
      await exec(
        source,
        `ALTER TABLE items ADD COLUMN size INTEGER;
       ${insert(range(500, 5), 'id, name, qty, note, size', (id) => `${id}, 'sized ${id}', ${id}, 'note ${id}', ${id * 10}`)}
       UPDATE items SET size = 1 WHERE id BETWEEN 11 AND 12;`,
      );

      const second = new Replicator(project.path, publish);
      await second.until('streaming', 180_000);
      const items = 'SELECT id, name, qty, note, size FROM items ORDER BY id';
      await until(
        same(source, target, items),
        () => `the target to catch up: ${second.stderr} ${consumer.stderr} ${JSON.stringify(consumer.events.filter((e) => e.type !== 'progress'))}`,
        120_000,
      );
      expect(second.events.filter((e) => e.type === 'paused')).toEqual([]);
      expect(consumer.events.filter((e) => e.type === 'paused')).toEqual([]);
      expect(await text(target, 'SELECT note, size FROM items WHERE id IN (1, 100, 300, 400, 500) ORDER BY id')).toBe(
        JSON.stringify([
          ['note 1+', null],
          ['note 100', null],
          ['note 300', null],
          ['note 400', null],
          ['note 500', '5000'],
        ]),
      );
      expect(await text(target, 'SELECT qty FROM items WHERE id IN (8, 404) ORDER BY id')).toBe(JSON.stringify([['4000000008'], ['5000000404']]));
      expect(await second.stop('SIGTERM')).toBe(143);
      expect(await consumer.stop('SIGTERM')).toBe(143);
      const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
      expect(verify.stdout + verify.stderr).toMatch(/matches/);
      expect(verify.code).toBe(0);
    },
    420_000,
  );
});
