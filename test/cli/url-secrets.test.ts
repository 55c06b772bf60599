import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errorCode, redb, redbOk } from '../support/cli.js';
import { postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';

const SECRET = 'Hunter2Secret';

describe('a password in plain text is refused by every spelling, and never shown', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
    redbOk(dir.path, ['init']);
  });
  afterEach(() => dir.cleanup());
  const config = () => readFileSync(join(dir.path, '.redb', 'redb.json'), 'utf8');

  it.each([
    `postgres://app:${SECRET}@127.0.0.1/app`,
    `postgres://app@127.0.0.1/app?password=${SECRET}`,
    `postgresql://127.0.0.1/app?user=app&password=${SECRET}`,
    `postgres://app@127.0.0.1/app?sslmode=require&sslpassword=${SECRET}`,
    `mysql://app@127.0.0.1/app?password=${SECRET}`,
    `mariadb://app@127.0.0.1/app?password1=${SECRET}`,
    `mysql://app@127.0.0.1/app?passwordSha1=${SECRET}`,
    `mysql://app@127.0.0.1/app?ssl={"passphrase":"${SECRET}"}`,
  ])('db add, pull and clone refuse %s and store nothing', (url) => {
    const before = config();
    for (const args of [
      ['db', 'add', 'x', url],
      ['pull', url],
      ['clone', url, 'sqlite:copy.db'],
    ]) {
      const r = redb(dir.path, args);
      expect(r.code).toBe(1);
      expect(errorCode(r)).toBe('REDB_PLAIN_PASSWORD');
      expect(r.stderr + r.stdout).not.toContain(SECRET);
    }
    expect(config()).toBe(before);
  });

  it('a key=value connection string is refused without being echoed', () => {
    for (const args of [
      ['db', 'add', 'x', `host=db user=app password=${SECRET}`],
      ['pull', `host=db password=${SECRET}`],
    ]) {
      const r = redb(dir.path, args);
      expect(r.code).toBe(1);
      expect(r.stderr).not.toContain(SECRET);
    }
  });

  it('a binding written by hand with a password is listed redacted, and refused at use', () => {
    writeFileSync(
      join(dir.path, '.redb', 'redb.json'),
      JSON.stringify({ version: 1, databases: { prod: { url: `postgres://app@127.0.0.1/app?password=${SECRET}` } } }),
    );
    const list = redbOk(dir.path, ['db', 'list']);
    expect(list.stdout).toContain('password=***');
    expect(list.stdout).not.toContain(SECRET);
    expect(redbOk(dir.path, ['db', 'list', '--json']).stdout).not.toContain(SECRET);
    const r = redb(dir.path, ['pull', 'prod']);
    expect(errorCode(r)).toBe('REDB_PLAIN_PASSWORD');
    expect(r.stderr).not.toContain(SECRET);
  });
});

describe('a password from the environment in a query parameter (real PostgreSQL server)', () => {
  let db: ScratchDb;
  let dir: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    db = await postgresEngine.create();
    await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
  });
  afterAll(() => db.drop());
  beforeEach(() => {
    dir = tempDir();
    redbOk(dir.path, ['init']);
  });
  afterEach(() => dir.cleanup());

  it('?password=${VAR} is stored as the reference, filled in at use, and dropped from the read URL of mcp grant', () => {
    const u = new URL(db.url);
    const password = decodeURIComponent(u.password);
    const user = decodeURIComponent(u.username);
    u.password = '';
    u.username = '';
    const url = `${u.toString()}?user=${user}&password=\${PGPW_TEST}`;
    redbOk(dir.path, ['db', 'add', 'pg', url]);
    expect(readFileSync(join(dir.path, '.redb', 'redb.json'), 'utf8')).toContain('password=${PGPW_TEST}');
    expect(errorCode(redb(dir.path, ['pull', 'pg'], { PGPW_TEST: undefined }))).toBe('REDB_ENV_MISSING');
    redbOk(dir.path, ['pull', 'pg'], { PGPW_TEST: password });
    expect(readFileSync(join(dir.path, 'schema', 'tables', 'public.t.yaml'), 'utf8')).toContain('id');
    // The read login's own userinfo must win: pg reads ?user= and ?password= before the userinfo.
    const role = `redb_mcp_t${Date.now().toString(36)}`;
    redbOk(dir.path, ['mcp', 'grant', 'pg', '--role', role], { PGPW_TEST: password });
    const readUrl = (JSON.parse(readFileSync(join(dir.path, '.redb', 'redb.json'), 'utf8')) as { databases: { pg: { readUrl: string } } }).databases.pg.readUrl;
    expect(readUrl).not.toContain('PGPW_TEST');
    expect(readUrl).not.toContain('user=');
    return db.exec(`DROP OWNED BY ${role}; DROP ROLE ${role}`).catch(() => undefined);
  });
});
