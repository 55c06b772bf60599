import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';
import { createDb, redbAsync, type TestDb } from './databases.js';

/**
 * A translation can be faithful and still refused by the target engine (MariaDB will not check an
 * AUTO_INCREMENT column). The clone finds that on a scratch database first: the target is left
 * exactly as it was, not with the tables created before the failing one.
 */
describe('clone into MariaDB rehearses the translated schema first (real servers)', () => {
  const dir = tempDir();
  let src: TestDb;
  beforeAll(async () => {
    src = await createDb('postgres');
    await src.exec(`
      CREATE TABLE alpha (id integer PRIMARY KEY, name text NOT NULL CHECK (name <> ''));
      CREATE TABLE beta (id integer PRIMARY KEY, alpha_id integer REFERENCES alpha (id), at timestamp without time zone DEFAULT now());
      CREATE TABLE gamma (id integer PRIMARY KEY, note text DEFAULT 'x');
      CREATE TABLE omega (id serial PRIMARY KEY CHECK (id > 0), qty integer CHECK (qty >= 0));
      CREATE VIEW alpha_names AS SELECT a.id, a.name || '!' AS shout FROM alpha a;
      INSERT INTO alpha VALUES (1, 'a');`);
  }, 300_000);
  afterAll(async () => {
    await src?.drop();
    dir.cleanup();
  }, 300_000);

  it('stops before creating anything when MariaDB refuses a translated statement', async () => {
    const dst = await createDb('mysql');
    try {
      const r = await redbAsync(dir.path, ['clone', src.url, dst.url, '--allow', 'lossy', '--yes']);
      expect(errorCode(r), r.stderr).toBe('REDB_CLONE_REHEARSAL_FAILED');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/CREATE TABLE `omega`.*AUTO_INCREMENT.*nothing was created/s);
      expect(await dst.tables()).toEqual([]);
    } finally {
      await dst.drop();
    }
  }, 300_000);

  it('creates everything once the refused object is left out', async () => {
    const dst = await createDb('mysql');
    try {
      // Views come along with the whole database only, so a subset leaves alpha_names out.
      const r = await redbAsync(dir.path, ['clone', src.url, dst.url, '--tables', 'alpha,beta,gamma', '--allow', 'lossy', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect((await dst.tables()).sort()).toEqual(['alpha', 'beta', 'gamma']);
      expect(await dst.run("INSERT INTO alpha VALUES (2, '')")).toBe(false);
      expect(await dst.run("INSERT INTO alpha VALUES (2, 'b')")).toBe(true);
    } finally {
      await dst.drop();
    }
  }, 300_000);
});
