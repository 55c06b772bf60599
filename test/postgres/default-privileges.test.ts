import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { pgExec, pgQuery, postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';
import { envUrl, PASSWORD_ENV } from '../clone/helpers.js';

/** ALTER DEFAULT PRIVILEGES is kept as native DDL, with a warning, and survives pull, commit and migrate (real PostgreSQL server). */

const ROLE = 'redb_t_defacl_reader';
const defaultAcl = (url: string) =>
  pgQuery<{ entry: string }>(
    url,
    `SELECT defaclrole::regrole::text || ' ' || defaclnamespace::regnamespace::text || ' ' || defaclobjtype::text || ' ' || defaclacl::text AS entry FROM pg_default_acl ORDER BY 1`,
  ).then((rows) => rows.map((r) => r.entry));

describe('PostgreSQL default privileges are kept, not dropped in silence', () => {
  let source: ScratchDb;
  let target: ScratchDb;
  let dir: ReturnType<typeof tempDir>;
  const run = (args: readonly string[]) => {
    const r = redb(dir.path, args, PASSWORD_ENV);
    expect(r.code, `redb ${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  };
  beforeAll(async () => {
    [source, target] = await Promise.all([postgresEngine.create(), postgresEngine.create()]);
    await pgExec(source.url, `DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ROLE}') THEN CREATE ROLE ${ROLE}; END IF; END$$`);
    await source.exec(`
      CREATE SCHEMA app;
      CREATE TABLE app.item (id int PRIMARY KEY);
      ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT, INSERT ON TABLES TO ${ROLE};
      ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT USAGE ON SEQUENCES TO ${ROLE} WITH GRANT OPTION;
      ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT EXECUTE ON FUNCTIONS TO ${ROLE};
      ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO ${ROLE};
      ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
      ALTER DEFAULT PRIVILEGES REVOKE USAGE ON TYPES FROM PUBLIC;
      ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO ${ROLE};
      CREATE ACCESS METHOD heap_copy TYPE TABLE HANDLER heap_tableam_handler;
      CREATE TABLE app.stored_elsewhere (id int) USING heap_copy;
      CREATE CONVERSION app.latin_to_utf FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
      CREATE FOREIGN DATA WRAPPER plain_wrapper OPTIONS (debug 'true');
      CREATE SERVER plain_server FOREIGN DATA WRAPPER plain_wrapper;
    `);
    dir = tempDir();
    run(['init']);
    run(['db', 'add', 'src', envUrl(source.url)]);
    run(['db', 'add', 'dst', envUrl(target.url)]);
  });
  afterAll(async () => {
    dir.cleanup();
    await Promise.all([source.drop(), target.drop()]);
  });

  it('pull keeps each as native DDL with a warning; commit and migrate re-create them exactly on an empty database', async () => {
    const others = async (url: string) =>
      pgQuery<{ o: string }>(
        url,
        `SELECT 'am ' || amname AS o FROM pg_am WHERE oid >= 16384 UNION ALL SELECT 'conversion ' || conname FROM pg_conversion WHERE oid >= 16384
        UNION ALL SELECT 'fdw ' || fdwname || ' ' || coalesce(fdwoptions::text, '') FROM pg_foreign_data_wrapper UNION ALL SELECT 'server ' || srvname FROM pg_foreign_server
        UNION ALL SELECT 'table am ' || c.relname || ' ' || a.amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.relname = 'stored_elsewhere' ORDER BY 1`,
      ).then((rows) => rows.map((r) => r.o));
    const pulled = run(['pull', 'src']);
    const files = readdirSync(join(dir.path, 'schema', 'native')).filter((f) => f.startsWith('default%20privileges'));
    expect(files).toHaveLength(7);
    expect(pulled.stderr).toContain('default privileges app.redb.tables is kept as native DDL');
    const texts = files.map((f) => readFileSync(join(dir.path, 'schema', 'native', f), 'utf8')).join('\n');
    expect(texts).toContain(`IN SCHEMA \\"app\\" GRANT INSERT, SELECT ON TABLES TO ${ROLE}`);
    expect(texts).toContain('REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC');
    run(['commit', '-m', 'default privileges']);
    run(['migrate', 'dst', '--yes']);
    expect(await defaultAcl(target.url)).toEqual(await defaultAcl(source.url));
    expect((await defaultAcl(target.url)).length).toBe(7);
    // Access methods, conversions and foreign-data wrappers made by hand come along too.
    expect(await others(target.url)).toEqual(await others(source.url));
    expect(await others(target.url)).toEqual([
      'am heap_copy',
      'conversion latin_to_utf',
      'fdw plain_wrapper {debug=true}',
      'server plain_server',
      'table am stored_elsewhere heap_copy',
    ]);
    // Read back from the copy, nothing differs.
    expect(run(['diff', 'HEAD', 'db:dst', '--exit-code']).stdout).not.toContain('default privileges');
  });
});
