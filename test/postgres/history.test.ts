import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shadowPrefix } from '../../src/adapters/shadow-name.js';
import { redbOk } from '../support/cli.js';
import { postgresEngine, pgQuery } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';

describe('migrate through the CLI against a real PostgreSQL server', () => {
  const dir = tempDir();
  let db: ScratchDb;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await postgresEngine.create();
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

  it('rehearses on a shadow, applies, and records the migration in a redb schema of its own', async () => {
    const file = join(dir.path, 'schema', 'tables', 'public.customer.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'primaryKey:',
        '  - name: phone\n    type: {kind: text, native: character varying(24), length: 24}\n    nullable: true\nprimaryKey:',
      ),
    );
    redbOk(dir.path, ['commit', '-m', 'phone'], env);
    const r = redbOk(dir.path, ['migrate', 'app', '--yes'], env);
    expect(r.stdout).toContain('rehearsed on a shadow database: it produces the target');
    const head = (JSON.parse(redbOk(dir.path, ['log', '--json', '-n', '1'], env).stdout) as { id: string }[])[0]?.id;
    const rows = await pgQuery<{ commit_id: string; outcome: string }>(db.url, 'SELECT commit_id, outcome FROM redb.migrations');
    expect(rows).toEqual([{ commit_id: head, outcome: 'applied' }]);
    // The history schema is not part of the modelled schema.
    expect(redbOk(dir.path, ['diff', 'db:app', 'HEAD', '--exit-code'], env).code).toBe(0);
    const status = JSON.parse(redbOk(dir.path, ['status', '--json'], env).stdout) as { databases: { state: string; at: string }[] };
    expect(status.databases).toEqual([expect.objectContaining({ state: 'in-sync', at: head })]);
    const prefix = shadowPrefix(new URL(db.url).pathname.slice(1));
    expect(await pgQuery(db.url, `SELECT 1 FROM pg_database WHERE starts_with(datname, '${prefix}')`)).toEqual([]);
  });
});
