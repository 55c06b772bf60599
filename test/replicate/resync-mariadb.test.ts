import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';
import { startPrivateMariadb } from '../support/private-mariadb.js';
import { envUrl } from '../clone/helpers.js';
import { killReplicators, Replicator, until } from './helpers.js';
import { execUrl, queryUrl } from './restart-writer.js';
import { resyncsTheChangedTable } from './resync-check.js';

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

    await resyncsTheChangedTable({
      project: project.path,
      args,
      job,
      source: sourceUrl,
      target: targetUrl,
      table: (name) => name,
      verify: [envUrl(sourceUrl), envUrl(targetUrl)],
    });
  }, 240_000);
});
