import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redbOk } from '../support/cli.js';
import { duckdbEngine } from '../support/duckdb.js';
import { mysqlEngine } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { sqliteEngine, tempDir, type ScratchDb, type TestEngine } from '../support/scratch.js';

/**
 * A migrate whose changes landed but whose history row did not (MariaDB killed during its last
 * statement, which the server finishes; a row lost with the connection) leaves the database at the
 * target while its history names the commit before. The next migrate finds nothing to do: it must
 * record that the database is there, or status shows drift forever.
 */
describe.each([sqliteEngine, duckdbEngine, postgresEngine, mysqlEngine] as TestEngine[])(
  'a database already at the target, its history behind ($engine)',
  (engine) => {
    let db: ScratchDb;
    let dir: ReturnType<typeof tempDir>;
    let env: NodeJS.ProcessEnv;
    const column = engine.engine === 'duckdb' ? 'ALTER TABLE t ADD COLUMN c1 VARCHAR' : 'ALTER TABLE t ADD COLUMN c1 varchar(20)';
    const status = () => JSON.parse(redbOk(dir.path, ['status', '--json'], env).stdout) as { databases: { state: string; at?: string }[] };
    const commitOf = (ref: string) => (JSON.parse(redbOk(dir.path, ['log', '--json', '-n', '1', ref], env).stdout) as { id: string }[])[0]?.id;

    beforeEach(async () => {
      db = await engine.create();
      dir = tempDir();
      await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
      let bind = db.url;
      env = {};
      if (!db.url.startsWith('sqlite:') && !db.url.startsWith('duckdb:')) {
        const url = new URL(db.url);
        bind = db.url.replace(`:${url.password}@`, ':${REDB_TEST_PASSWORD}@');
        env = { REDB_TEST_PASSWORD: decodeURIComponent(url.password) };
      }
      redbOk(dir.path, ['init']);
      redbOk(dir.path, ['db', 'add', 'app', bind], env);
      redbOk(dir.path, ['pull', 'app'], env);
      redbOk(dir.path, ['commit', '-m', 'A'], env);
      redbOk(dir.path, ['tag', 'A'], env);
      await db.exec(column);
      redbOk(dir.path, ['pull', 'app'], env);
      redbOk(dir.path, ['commit', '-m', 'B'], env);
      // Back to A through redb, so the history says A...
      redbOk(dir.path, ['migrate', 'app', '--to', 'A', '--yes', '--allow', 'all'], env);
      expect(status().databases).toEqual([expect.objectContaining({ state: 'in-sync', at: commitOf('A') })]);
      // ...then B's change lands without its row.
      await db.exec(column);
    }, 300_000);
    afterEach(async () => {
      await db.drop();
      dir.cleanup();
    });

    it('records that the database is there, so status stops showing drift', () => {
      expect(status().databases).toEqual([expect.objectContaining({ state: 'drift', at: commitOf('A') })]);
      // A dry run changes nothing, its history included.
      expect(redbOk(dir.path, ['migrate', 'app', '--dry-run'], env).stdout).toContain('nothing to do');
      expect(status().databases).toEqual([expect.objectContaining({ state: 'drift' })]);

      const r = redbOk(dir.path, ['migrate', 'app', '--yes'], env);
      expect(r.stdout).toContain('already matches');
      expect(r.stdout).toContain('recorded in its history');
      expect(status().databases).toEqual([expect.objectContaining({ state: 'in-sync', at: commitOf('HEAD') })]);
      // Recorded once: a database whose history already says so is left alone.
      expect(JSON.parse(redbOk(dir.path, ['migrate', 'app', '--yes', '--json'], env).stdout)).toMatchObject({ applied: false, matched: false });
    }, 300_000);
  },
);
