import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { errorCode, redb } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';
import { startPrivateMariadb } from '../support/private-mariadb.js';
import { envUrl, PASSWORD_ENV } from '../clone/helpers.js';
import { killReplicators, Replicator, until } from './helpers.js';
import { execUrl, queryUrl } from './restart-writer.js';

/**
 * A MariaDB source whose binary logs were purged past a stopped job's position: the job and
 * `replicate status` say so with a coded error and the command that goes on, and `redb replicate
 * resync <job>` copies again only the table that changed meanwhile, then streams on from a new
 * binlog position; the databases end equal. The server is this test's own (purging binary logs on
 * the shared one would strand every other test's job).
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

const count = async (url: string, table: string): Promise<number> => Number((await queryUrl(url, `SELECT count(*) AS n FROM ${table}`))[0]?.n);

describe('redb replicate: a purged binary log (a private MariaDB server)', () => {
  it('says so, names `replicate resync`, which copies only the changed table again and streams on', async () => {
    const server = await startPrivateMariadb();
    cleanups.push(() => server.stop());
    await server.exec('CREATE DATABASE src; CREATE DATABASE dst;');
    const sourceUrl = server.url.replace(/\/mysql$/, '/src');
    const targetUrl = server.url.replace(/\/mysql$/, '/dst');
    const project = tempDir('redb-replicate-resync-mariadb-');
    cleanups.push(() => project.cleanup());
    expect(redb(project.path, ['init']).code).toBe(0);
    const numbers = (prefix: string) =>
      Array.from({ length: 200 }, (_x, i) => `(${i + 1}, '${prefix}${i + 1}'${prefix === 'b' ? `, ${i + 1}` : ''})`).join(', ');
    await execUrl(
      sourceUrl,
      `CREATE TABLE calm (id INTEGER PRIMARY KEY, v VARCHAR(20));
       CREATE TABLE busy (id INTEGER PRIMARY KEY, v VARCHAR(20), n INTEGER);
       INSERT INTO calm VALUES ${numbers('c')};
       INSERT INTO busy VALUES ${numbers('b')};`,
    );
    const job = `r_${randomBytes(4).toString('hex')}`;
    const args = [envUrl(sourceUrl), envUrl(targetUrl), '--name', job, '--heartbeat-ms', '500'];

    const first = new Replicator(project.path, args);
    await first.until('streaming');
    await execUrl(sourceUrl, `INSERT INTO busy VALUES (201, 'b201', 201);`);
    await until(async () => (await count(targetUrl, 'busy')) === 201, 'the first change to arrive');
    expect(await first.stop('SIGTERM')).toBe(143);

    // While the job is stopped: busy changes, calm does not, and the server purges every log the job would read.
    await execUrl(sourceUrl, `UPDATE busy SET n = n * 2 WHERE id % 3 = 0; DELETE FROM busy WHERE id % 10 = 0; INSERT INTO busy VALUES (500, 'b500', 500);`);
    await server.exec('FLUSH BINARY LOGS; FLUSH BINARY LOGS;');
    const [current] = await queryUrl(server.url, 'SHOW MASTER STATUS');
    // The server keeps a log a dump thread still reads (the stopped job's, until the server notices it went): purge until it is gone.
    await until(async () => {
      await server.exec(`PURGE BINARY LOGS TO '${String(current?.File)}'`);
      return (await queryUrl(server.url, 'SHOW BINARY LOGS')).length === 1;
    }, 'the binary logs before the current one to be purged');

    // The job says what happened and which command goes on; so does status.
    const again = redb(project.path, ['replicate', ...args], PASSWORD_ENV);
    expect(again.code, again.stderr).toBe(1);
    expect(errorCode(again)).toBe('REDB_REPLICATE_RESYNC_NEEDED');
    expect(again.stderr).toContain(`redb replicate resync ${job}`);
    expect(again.stderr).not.toMatch(/\n\s+at /);
    const status = redb(project.path, ['replicate', 'status', job, '--json'], PASSWORD_ENV);
    expect(status.code, status.stderr).toBe(0);
    const [j] = (JSON.parse(status.stdout) as { jobs: { resync: { code: string; command: string } | null }[] }).jobs;
    expect(j?.resync).toMatchObject({ code: 'REDB_REPLICATE_RESYNC_NEEDED', command: `redb replicate resync ${job}` });

    const resync = new Replicator(project.path, ['resync', job]);
    await resync.until('streaming');
    const compared = resync.events.filter((e) => e.type === 'resync-compared');
    expect(compared.map((e) => [e.table, e.match]).sort()).toEqual([
      ['busy', false],
      ['calm', true],
    ]);
    expect(resync.events.filter((e) => e.type === 'resync-recopied').map((e) => e.table)).toEqual(['busy']);
    expect(await count(targetUrl, 'busy')).toBe(await count(sourceUrl, 'busy'));

    // Only the table that changed was copied again; it streams on from the new position.
    await execUrl(sourceUrl, `INSERT INTO calm VALUES (201, 'c201'); UPDATE busy SET v = 'again' WHERE id = 1;`);
    await until(async () => (await count(targetUrl, 'calm')) === 201, 'calm to follow');
    await until(async () => (await queryUrl(targetUrl, 'SELECT v FROM busy WHERE id = 1'))[0]?.v === 'again', 'busy to follow');
    expect(await resync.stop('SIGTERM')).toBe(143);
    const verify = redb(project.path, ['verify', envUrl(sourceUrl), envUrl(targetUrl)], PASSWORD_ENV);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const after = redb(project.path, ['replicate', 'status', job, '--json'], PASSWORD_ENV);
    expect((JSON.parse(after.stdout) as { jobs: { resync: unknown }[] }).jobs[0]?.resync).toBeNull();
    expect(redb(project.path, ['replicate', 'drop', job], PASSWORD_ENV).code).toBe(0);
  }, 240_000);
});
