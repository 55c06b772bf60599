import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, errorCode, redb, redbOk } from '../support/cli.js';
import { mysqlEngine, mysqlRows } from '../support/mysql.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A migrate killed while the server builds an index: the server goes on building it after the client
 * is gone. A migrate started right then used to plan the same index, wait on it, and fail with
 * "Duplicate key name" (errno 121 for clone); it now waits for the killed run's session, then finds the
 * index there and records that, or says with a code which session it waited for.
 */
describe('a migrate right after one killed mid-statement, against a real MariaDB server', () => {
  let db: ScratchDb;
  const dir = tempDir();
  let env: NodeJS.ProcessEnv;
  let database: string;
  const building = async () =>
    (await mysqlRows(db, `SELECT 1 FROM information_schema.PROCESSLIST WHERE DB = '${database}' AND INFO LIKE 'CREATE INDEX%'`)).length > 0;

  beforeAll(async () => {
    db = await mysqlEngine.create();
    database = decodeURIComponent(new URL(db.url).pathname.slice(1));
    // Enough rows that building an index on them takes a while.
    await db.exec(
      'CREATE TABLE big (id int PRIMARY KEY, label varchar(200) NOT NULL); INSERT INTO big SELECT seq, CONCAT(REPEAT(MD5(seq), 5), seq) FROM seq_1_to_600000',
    );
    const url = new URL(db.url);
    env = { REDB_TEST_PASSWORD: decodeURIComponent(url.password) };
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['db', 'add', 'app', db.url.replace(`:${url.password}@`, ':${REDB_TEST_PASSWORD}@')], env);
    redbOk(dir.path, ['pull', 'app'], env);
    redbOk(dir.path, ['commit', '-m', 'big'], env);
    const tables = join(dir.path, 'schema', 'tables');
    const file = join(tables, readdirSync(tables)[0] as string);
    writeFileSync(file, `${readFileSync(file, 'utf8')}indexes:\n  - name: big_label\n    unique: false\n    keys:\n      - {column: label}\n`);
    redbOk(dir.path, ['commit', '-m', 'index on label'], env);
  }, 180_000);
  afterAll(async () => {
    await db?.drop();
    dir.cleanup();
  });

  /** Start a migrate and SIGKILL it once the server is building the index. */
  async function killWhileBuilding(): Promise<void> {
    const child = spawn(process.execPath, [CLI, 'migrate', 'app', '--yes', '--no-shadow', '--allow', 'all'], {
      cwd: dir.path,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const until = Date.now() + 60_000;
    while (Date.now() < until && child.exitCode === null && !(await building())) await sleep(10);
    child.kill('SIGKILL');
    await exited;
  }

  it('says with a code which session it waits for when told not to wait long', async () => {
    // On a busy machine the server may finish the index between the kill and the next migrate;
    // that attempt proves nothing about waiting, so it is dropped and tried again (at most eight times).
    let r: ReturnType<typeof redb> | undefined;
    for (let attempt = 0; attempt < 8 && r === undefined; attempt++) {
      while (await building()) await sleep(200);
      await db.exec('DROP INDEX IF EXISTS big_label ON big');
      await killWhileBuilding();
      if (!(await building())) continue;
      const run = redb(dir.path, ['migrate', 'app', '--yes', '--no-shadow', '--wait', '0'], env);
      if (run.code === 0 && run.stdout.includes('already matches')) continue;
      r = run;
    }
    if (r === undefined) throw new Error('the server finished the index before a migrate could meet it, eight times');
    expect(r.code, r.stderr).toBe(1);
    expect(errorCode(r)).toBe('REDB_MIGRATE_BUSY');
    expect(r.stderr).toMatch(/session \d+.*CREATE INDEX/);
    expect(r.stderr).not.toContain('fix the');
  }, 180_000);

  it('waits for the killed run’s statement, then finds the database at the target and records it', async () => {
    // Whatever the first case left: start again without the index.
    while (await building()) await sleep(200);
    await db.exec('DROP INDEX IF EXISTS big_label ON big');
    await killWhileBuilding();
    const r = redb(dir.path, ['migrate', 'app', '--yes', '--no-shadow'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('already matches');
    expect(
      await mysqlRows(db, "SELECT INDEX_NAME AS i FROM information_schema.STATISTICS WHERE TABLE_NAME = 'big' AND INDEX_NAME = 'big_label' LIMIT 1"),
    ).toEqual([{ i: 'big_label' }]);
    const status = JSON.parse(redbOk(dir.path, ['status', '--json'], env).stdout) as { databases: { state: string }[] };
    expect(status.databases).toEqual([expect.objectContaining({ state: 'in-sync' })]);
  }, 180_000);
});
