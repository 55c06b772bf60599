import { createHash, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { postgresEngine } from '../support/postgres.js';
import { tempDir } from '../support/scratch.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { dropPgCapture, exec, killReplicators, Replicator, rows, side, until, type Side } from './helpers.js';

/**
 * A table copied again mid-stream (paused by a dropped column, then the job run with
 * `--allow drops-data`) is read in a snapshot newer than the job's position, and the stream then
 * goes over the changes between the two. Among them, while the job was stopped: row 2 deleted,
 * then row 1's key moved to 2, its large (TOAST) value unchanged, which PostgreSQL logs without that
 * value. Replayed by key over the copy, the delete would remove the moved row the copy holds and the
 * key move would have no value to write back; the copy's snapshot says which transactions it holds
 * already, and the stream leaves them out for that table. The databases end equal.
 */

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const bodies = async (s: Side) =>
  (await rows(s, 'SELECT id, md5(body) AS h, n FROM docs ORDER BY id')).map((r) => `${String(r.id)}:${String(r.h)}:${String(r.n)}`).join(' ');

describe('redb replicate: a table copied again mid-stream (real servers)', () => {
  it('PostgreSQL → PostgreSQL: a key moved with an unchanged TOAST value before the copy is not replayed over it', async () => {
    const source = side('postgres', await postgresEngine.create());
    const target = side('postgres', await postgresEngine.create());
    const project = tempDir('redb-replicate-recopy-');
    cleanups.push(async () => {
      await dropPgCapture(source.db);
      await source.db.drop();
      await target.db.drop();
      project.cleanup();
    });
    expect(redb(project.path, ['init']).code).toBe(0);
    // Bodies of random text past TOAST's threshold, stored out of line uncompressed.
    const big = (i: number) => `'${Array.from({ length: 120 }, (_x, k) => createHash('md5').update(`${i}:${k}`).digest('hex')).join('')}'`;
    await exec(
      source,
      `CREATE TABLE docs (id integer PRIMARY KEY, body text NOT NULL, n integer NOT NULL, tag text);
       ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL;
       ${Array.from({ length: 20 }, (_x, i) => `INSERT INTO docs VALUES (${i + 1}, ${big(i + 1)}, ${i + 1}, 't');`).join('\n')}`,
    );
    const job = `t_${randomBytes(4).toString('hex')}`;
    const args = [source.url, target.url, '--name', job, '--heartbeat-ms', '500'];

    const first = new Replicator(project.path, args);
    await first.until('streaming');
    await exec(source, 'UPDATE docs SET n = n + 100 WHERE id = 3');
    await until(async () => (await bodies(target)) === (await bodies(source)), 'the first change');
    // A dropped column without --allow drops-data pauses the table.
    await exec(source, 'ALTER TABLE docs DROP COLUMN tag; UPDATE docs SET n = n + 100 WHERE id = 4');
    await first.until('paused');
    expect(await first.stop('SIGTERM')).toBe(143);

    // While the job is stopped: row 2 goes, row 1 takes its key (body unchanged), another row changes.
    await exec(source, 'DELETE FROM docs WHERE id = 2; UPDATE docs SET id = 2, n = n + 1000 WHERE id = 1; UPDATE docs SET n = n + 100 WHERE id = 5');

    const second = new Replicator(project.path, [...args, '--allow', 'drops-data']);
    await second.until('resumed');
    await exec(source, 'UPDATE docs SET n = n + 100 WHERE id = 6');
    await until(
      async () => (await bodies(target)) === (await bodies(source)),
      () => `the target to equal the source:\n${second.stderr}`,
    );
    expect(await second.stop('SIGTERM')).toBe(143);
    const verify = redb(project.path, ['verify', source.url, target.url], PASSWORD_ENV);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(redb(project.path, ['replicate', 'drop', job], PASSWORD_ENV).code).toBe(0);
  }, 180_000);
});
