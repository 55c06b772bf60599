import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from '../support/cli.js';
import { redbAsync } from '../support/cli-async.js';
import { commitCutter, type CommitCutter } from '../support/pg-proxy.js';
import { pgQuery, postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';

describe('the connection lost right after COMMIT, against a real PostgreSQL server', () => {
  const dir = tempDir();
  let db: ScratchDb;
  let proxy: CommitCutter;
  let env: NodeJS.ProcessEnv;
  const run = async (args: string[]) => {
    const r = await redbAsync(dir.path, args, env);
    if (r.code !== 0) throw new Error(`redb ${args.join(' ')} exited ${r.code}\n${r.stderr}`);
    return r;
  };

  beforeAll(async () => {
    db = await postgresEngine.create();
    await db.exec('CREATE TABLE customer (id int PRIMARY KEY, email varchar(120) NOT NULL)');
    proxy = await commitCutter(db.url, new URL(db.url).pathname.slice(1));
    const url = new URL(proxy.url);
    env = { REDB_TEST_PASSWORD: decodeURIComponent(url.password) };
    await run(['init']);
    await run(['db', 'add', 'app', proxy.url.replace(`:${url.password}@`, ':${REDB_TEST_PASSWORD}@')]);
    await run(['pull', 'app']);
    await run(['commit', '-m', 'initial']);
  }, 180_000);
  afterAll(async () => {
    await proxy?.close();
    await db?.drop();
    dir.cleanup();
  });

  it('never leaves the changes without their history row, and says the outcome is unknown rather than "left as it was"', async () => {
    const file = join(dir.path, 'schema', 'tables', 'public.customer.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'primaryKey:',
        '  - name: phone\n    type: {kind: text, native: character varying(24), length: 24}\n    nullable: true\nprimaryKey:',
      ),
    );
    await run(['commit', '-m', 'phone']);
    const head = (JSON.parse((await run(['log', '--json', '-n', '1'])).stdout) as { id: string }[])[0]?.id;

    const r = await redbAsync(dir.path, ['migrate', 'app', '--yes'], env);
    expect(proxy.cuts()).toBe(1);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_MIGRATE_OUTCOME_UNKNOWN');
    expect(r.stderr).not.toContain('left as it was');

    // The server committed: the column is there, and so is its row, written in the same transaction.
    const columns = await pgQuery<{ column_name: string }>(
      db.url,
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'customer' ORDER BY ordinal_position",
    );
    expect(columns.map((c) => c.column_name)).toEqual(['id', 'email', 'phone']);
    expect(await pgQuery(db.url, 'SELECT commit_id, outcome FROM redb.migrations ORDER BY id')).toEqual([{ commit_id: head, outcome: 'applied' }]);

    // So status shows no drift, and the next migrate has nothing to do (and nothing to record).
    const status = JSON.parse((await run(['status', '--json'])).stdout) as { databases: { state: string; at: string }[] };
    expect(status.databases).toEqual([expect.objectContaining({ state: 'in-sync', at: head })]);
    const again = await run(['migrate', 'app', '--yes']);
    expect(again.stdout).toContain('already matches');
    expect(await pgQuery(db.url, 'SELECT count(*)::int AS n FROM redb.migrations')).toEqual([{ n: 1 }]);
    expect((await redbAsync(dir.path, ['diff', 'db:app', 'HEAD', '--exit-code'], env)).code).toBe(0);
  }, 300_000);
});
