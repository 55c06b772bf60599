import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspectUrl } from '../conformance/round-trip.js';
import { redb, redbOk } from '../support/cli.js';
import { duckdbEngine } from '../support/duckdb.js';
import { mysqlEngine } from '../support/mysql.js';
import { postgresEngine } from '../support/postgres.js';
import { sqliteEngine, tempDir, type ScratchDb, type TestEngine } from '../support/scratch.js';

/**
 * Widening a column a generated column reads. PostgreSQL cannot change it under the generated column,
 * so the plan takes the generated column off and adds it back, at the end of the table: the columns
 * come in another order, which the diff (and status) do not count as a difference. The rehearsal must
 * agree with them, and say so, instead of failing with a mismatch it cannot show. Engines that can
 * keep the order keep it.
 */
const TABLES: Record<string, { sql: string; widen: [string, string] }> = {
  postgres: {
    sql: 'CREATE TABLE item (id int PRIMARY KEY, qty int NOT NULL, price numeric(8,2) NOT NULL, total numeric GENERATED ALWAYS AS (qty * price) STORED, note text)',
    widen: ['numeric(8,2)', 'numeric(12,2)'],
  },
  mysql: {
    sql: 'CREATE TABLE item (id int PRIMARY KEY, qty int NOT NULL, price decimal(8,2) NOT NULL, total decimal(20,2) GENERATED ALWAYS AS (qty * price) STORED, note text)',
    widen: ['decimal(8,2)', 'decimal(12,2)'],
  },
  sqlite: {
    sql: 'CREATE TABLE item (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL, price NUMERIC(8,2) NOT NULL, total NUMERIC GENERATED ALWAYS AS (qty * price) STORED, note TEXT)',
    widen: ['NUMERIC(8,2)', 'NUMERIC(12,2)'],
  },
  duckdb: {
    sql: 'CREATE TABLE item (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL, price DECIMAL(8,2) NOT NULL, total DECIMAL(18,2) GENERATED ALWAYS AS (qty * price), note VARCHAR)',
    widen: ['DECIMAL(8,2)', 'DECIMAL(12,2)'],
  },
};

describe.each([postgresEngine, mysqlEngine, sqliteEngine, duckdbEngine] as TestEngine[])(
  'a column under a generated column changes type ($engine)',
  (engine) => {
    let db: ScratchDb;
    const dir = tempDir();
    let env: NodeJS.ProcessEnv = {};

    beforeAll(async () => {
      db = await engine.create();
      await db.exec((TABLES[engine.engine] as { sql: string }).sql);
      let bind = db.url;
      if (!db.url.startsWith('sqlite:') && !db.url.startsWith('duckdb:')) {
        const url = new URL(db.url);
        bind = db.url.replace(`:${url.password}@`, ':${REDB_TEST_PASSWORD}@');
        env = { REDB_TEST_PASSWORD: decodeURIComponent(url.password) };
      }
      redbOk(dir.path, ['init']);
      redbOk(dir.path, ['db', 'add', 'app', bind], env);
      redbOk(dir.path, ['pull', 'app'], env);
      redbOk(dir.path, ['commit', '-m', 'item'], env);
    }, 120_000);
    afterAll(async () => {
      await db?.drop();
      dir.cleanup();
    });

    it('migrates, rehearsed: a column order the engine cannot keep is said, not called a mismatch', async () => {
      const tables = join(dir.path, 'schema', 'tables');
      const file = join(tables, readdirSync(tables).find((f) => f.endsWith('item.yaml')) as string);
      const [from, to] = (TABLES[engine.engine] as { widen: [string, string] }).widen;
      const yaml = readFileSync(file, 'utf8');
      const spelled = yaml.includes(from) ? from : from.toLowerCase();
      writeFileSync(file, yaml.replace(spelled, spelled === from ? to : to.toLowerCase()).replace('precision: 8,', 'precision: 12,'));
      redbOk(dir.path, ['commit', '-m', 'wider price'], env);

      const r = redb(dir.path, ['migrate', 'app', '--yes', '--allow', 'all'], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('rehearsed on a shadow database: it produces the target');
      expect(redb(dir.path, ['diff', 'db:app', 'HEAD', '--exit-code'], env).code).toBe(0);
      const columns = (await introspectUrl(engine, db.url)).tables[0]?.columns.map((c) => c.name);
      if (engine.engine === 'postgres') {
        expect(r.stderr).toContain('the columns of public.item will come in the order id, qty, price, note, total');
        expect(columns).toEqual(['id', 'qty', 'price', 'note', 'total']);
      } else {
        expect(r.stderr).not.toContain('will come in the order');
        expect(columns).toEqual(['id', 'qty', 'price', 'total', 'note']);
      }
    }, 180_000);
  },
);
