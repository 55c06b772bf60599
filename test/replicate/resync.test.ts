import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';
import { pgExec, pgQuery } from '../support/postgres.js';
import { startPrivatePostgres } from '../changes/private-postgres.js';
import { killReplicators, Replicator, until } from './helpers.js';
import { resyncsTheChangedTable } from './resync-check.js';

/**
 * A job whose slot PostgreSQL invalidated while the job was stopped (max_slot_wal_keep_size passed):
 * the job and `replicate status` say so with a coded error and the command that goes on, and that
 * command (`redb replicate resync <job>`) copies again only the table that changed meanwhile, then
 * streams on; the databases end equal. The source is a server of this test's own, with a small
 * max_slot_wal_keep_size, so that writing a little WAL and a CHECKPOINT lose the slot.
 */

const SETTINGS = { wal_level: 'logical', max_replication_slots: '8', max_wal_senders: '8', max_slot_wal_keep_size: '1MB', wal_keep_size: '0' };

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

const count = async (url: string, table: string): Promise<number> =>
  Number((await pgQuery<{ n: number }>(url, `SELECT count(*)::int AS n FROM ${table}`))[0]?.n);

describe('redb replicate: an invalidated slot (a private PostgreSQL server)', () => {
  it('says so, names `replicate resync`, which copies only the changed table again and streams on', async () => {
    const server = await startPrivatePostgres(SETTINGS);
    cleanups.push(() => server.stop());
    await pgExec(server.url, 'CREATE DATABASE src');
    await pgExec(server.url, 'CREATE DATABASE dst');
    const sourceUrl = server.url.replace(/\/postgres$/, '/src');
    const targetUrl = server.url.replace(/\/postgres$/, '/dst');
    const project = tempDir('redb-replicate-resync-');
    cleanups.push(() => project.cleanup());
    expect(redb(project.path, ['init']).code).toBe(0);
    await pgExec(
      sourceUrl,
      `CREATE TABLE calm (id integer PRIMARY KEY, v text);
       CREATE TABLE busy (id integer PRIMARY KEY, v text, n integer);
       CREATE TABLE filler (id serial PRIMARY KEY, pad text);
       INSERT INTO calm SELECT g, 'c' || g FROM generate_series(1, 200) g;
       INSERT INTO busy SELECT g, 'b' || g, g FROM generate_series(1, 200) g;`,
    );
    const job = `r_${randomBytes(4).toString('hex')}`;
    const args = [sourceUrl, targetUrl, '--name', job, '--tables', 'calm,busy', '--heartbeat-ms', '500'];

    const first = new Replicator(project.path, args);
    await first.until('streaming');
    await pgExec(sourceUrl, `INSERT INTO busy VALUES (201, 'b201', 201);`);
    await until(async () => (await count(targetUrl, 'busy')) === 201, 'the first change to arrive');
    expect(await first.stop('SIGTERM')).toBe(143);

    // While the job is stopped: busy changes, calm does not, and enough WAL passes to lose the slot.
    await pgExec(sourceUrl, `UPDATE busy SET n = n * 2 WHERE id % 3 = 0; DELETE FROM busy WHERE id % 10 = 0; INSERT INTO busy VALUES (500, 'b500', 500);`);
    const slot = `redb_${job}`;
    for (let i = 0; i < 40; i++) {
      const [s] = await pgQuery<{ wal_status: string }>(server.url, `SELECT wal_status FROM pg_replication_slots WHERE slot_name = '${slot}'`);
      if (s?.wal_status === 'lost') break;
      await pgExec(sourceUrl, `INSERT INTO filler (pad) SELECT repeat('x', 1000) FROM generate_series(1, 3000); SELECT pg_switch_wal();`);
      await pgExec(sourceUrl, 'CHECKPOINT');
    }
    const [lost] = await pgQuery<{ wal_status: string }>(server.url, `SELECT wal_status FROM pg_replication_slots WHERE slot_name = '${slot}'`);
    expect(lost?.wal_status).toBe('lost');

    // The job says what happened and which command goes on; so does status.
    await resyncsTheChangedTable({
      project: project.path,
      args,
      job,
      source: sourceUrl,
      target: targetUrl,
      table: (name) => `public.${name}`,
      verify: [sourceUrl, targetUrl, '--tables', 'calm,busy'],
    });
  }, 240_000);
});
