import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { postgresEngine } from '../support/postgres.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { exec, killReplicators, Replicator, replicationSetup, rows } from './helpers.js';

/**
 * A PostgreSQL table rewritten (ALTER COLUMN … TYPE, VACUUM FULL, CLUSTER) after the hand-off and
 * before the copy reads it: the hand-off's snapshot sees it empty (PostgreSQL's rewrites are not
 * MVCC-safe) and the stream carries no rows for it. The copy must not call such a table copied:
 * the job stops with a coded error, and the same command again goes on and copies it.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

describe('redb replicate: a table rewritten during the initial copy (real servers)', () => {
  it('PostgreSQL → PostgreSQL: the job stops naming it, and the same command again copies it', async () => {
    const { source, target, project } = await replicationSetup(postgresEngine, postgresEngine, 'redb-replicate-rewrite-', cleanups);
    const job = `w_${randomBytes(4).toString('hex')}`;
    // Four tables that keep the copy's four lanes busy a while, then the one rewritten before a lane reaches it.
    for (const t of ['a1', 'a2', 'a3', 'a4'])
      await exec(source, `CREATE TABLE ${t} (id integer PRIMARY KEY, pad text); INSERT INTO ${t} SELECT g, repeat('x', 200) FROM generate_series(1, 40000) g;`);
    await exec(source, 'CREATE TABLE z_last (id integer PRIMARY KEY, qty integer); INSERT INTO z_last SELECT g, g FROM generate_series(1, 50) g;');
    const sql = new pg.Client({ connectionString: source.db.url });
    await sql.connect();
    cleanups.push(() => sql.end());
    const args = [source.url, target.url, '--name', job, '--heartbeat-ms', '500'];
    const env = { REDB_REPLICATE_COPY_ROWS: '100' };
    const first = new Replicator(project.path, args, env);
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const on = (chunk: Buffer) => {
        seen += chunk.toString();
        if (!seen.includes('"state":"start"')) return;
        first.child.stdout?.off('data', on);
        sql.query('ALTER TABLE z_last ALTER COLUMN qty TYPE bigint').then(() => resolve(), reject);
      };
      first.child.stdout?.on('data', on);
      void first.exited.then(() => reject(new Error(`redb replicate ended before it copied: ${first.stderr}`)));
    });
    const code = await Promise.race([first.exited, first.until('streaming', 120_000).then(() => 'streaming')]);
    expect(code, `${JSON.stringify(first.events.filter((e) => e.type !== 'progress' && e.type !== 'copy'))}\n${first.stderr}`).toBe(1);
    expect(first.stderr).toContain('REDB_REPLICATE_COPY_REWRITTEN');
    expect(first.stderr).toContain('z_last');

    const again = new Replicator(project.path, args);
    await again.until('streaming', 120_000);
    // It went on from the copy: the tables read whole kept, the rewritten one copied again.
    expect(
      again.events
        .filter((e) => e.type === 'copy-resumed')
        .map((e) => `${String(e.table)} ${String(e.how)}`)
        .sort(),
    ).toEqual(['public.a1 kept', 'public.a2 kept', 'public.a3 kept', 'public.a4 kept', 'public.z_last restarted']);
    expect(Number((await rows(target, 'SELECT count(*)::int AS n FROM z_last'))[0]?.n)).toBe(50);
    expect(await again.stop('SIGTERM')).toBe(143);
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 300_000);
});
