import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shadowPrefix } from '../../src/adapters/shadow-name.js';
import { redbOk } from '../support/cli.js';
import { mysqlEngine, mysqlRows } from '../support/mysql.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';

describe('migrate through the CLI against a real MariaDB server', () => {
  const dir = tempDir();
  let db: ScratchDb;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await mysqlEngine.create();
    await db.exec('CREATE TABLE customer (id int NOT NULL PRIMARY KEY, email varchar(120) NOT NULL)');
    const url = new URL(db.url);
    env = { REDB_TEST_PASSWORD: decodeURIComponent(url.password) };
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['db', 'add', 'app', db.url.replace(`:${url.password}@`, ':${REDB_TEST_PASSWORD}@')], env);
    redbOk(dir.path, ['pull', 'app'], env);
    redbOk(dir.path, ['commit', '-m', 'initial'], env);
  });
  afterAll(async () => {
    await db.drop();
    dir.cleanup();
  });

  it('rehearses on a shadow, applies, and records the migration in the server’s redb database', async () => {
    const file = join(dir.path, 'schema', 'tables', 'customer.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'primaryKey:',
        '  - name: phone\n    type: {kind: text, native: varchar(24), length: 24}\n    nullable: true\nprimaryKey:',
      ),
    );
    redbOk(dir.path, ['commit', '-m', 'phone'], env);
    const r = redbOk(dir.path, ['migrate', 'app', '--yes'], env);
    expect(r.stdout).toContain('rehearsed on a shadow database: it produces the target');
    const head = (JSON.parse(redbOk(dir.path, ['log', '--json', '-n', '1'], env).stdout) as { id: string }[])[0]?.id;
    const database = new URL(db.url).pathname.slice(1);
    const rows = await mysqlRows<{ commit_id: string; outcome: string }>(
      db,
      `SELECT commit_id, outcome FROM redb.migrations WHERE database_name = '${database}'`,
    );
    expect(rows).toEqual([{ commit_id: head, outcome: 'applied' }]);
    const status = JSON.parse(redbOk(dir.path, ['status', '--json'], env).stdout) as { databases: { state: string; at: string }[] };
    expect(status.databases).toEqual([expect.objectContaining({ state: 'in-sync', at: head })]);
    expect(
      await mysqlRows(db, `SELECT 1 FROM information_schema.SCHEMATA WHERE LEFT(SCHEMA_NAME, ${shadowPrefix(database).length}) = '${shadowPrefix(database)}'`),
    ).toEqual([]);
  });
});
