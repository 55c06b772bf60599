import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from '../support/cli.js';
import { pgExec, pgQuery, postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';
import { cloneResult, envUrl, redbAsync, redbPw } from './helpers.js';

// Between PostgreSQL databases the source's checksums are computed beside the copy, in its snapshot,
// and the target's tables are paired with the plan that created them: the verification must still
// see every row the target ends up with, and only the rows the copy's snapshot holds on the source.
describe('clone PostgreSQL → PostgreSQL: verification beside the copy', () => {
  let dir: ReturnType<typeof tempDir>;
  const scratch: ScratchDb[] = [];
  const db = async () => {
    const d = await postgresEngine.create();
    scratch.push(d);
    return d;
  };

  beforeAll(() => {
    dir = tempDir('redb-clone-beside-');
  });
  afterAll(async () => {
    await Promise.all(scratch.map((d) => d.drop()));
    dir?.cleanup();
  });

  it('a row the target changes as the tables the clone created are loaded fails the verification', { timeout: 120_000 }, async () => {
    const source = await db();
    const target = await db();
    await pgExec(
      source.url,
      `CREATE TABLE item (id int PRIMARY KEY, note text); INSERT INTO item SELECT i, 'n' || i FROM generate_series(1, 2000) i;
       CREATE TABLE tag (id int PRIMARY KEY, label text); INSERT INTO tag SELECT i, 't' || i FROM generate_series(1, 50) i;`,
    );
    // The target's table item gets a trigger, as the clone creates it, that rewrites one row as it arrives.
    await pgExec(
      target.url,
      `CREATE FUNCTION tamper() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.id = 1234 THEN NEW.note := 'changed'; END IF; RETURN NEW; END $$;
       CREATE FUNCTION arm() RETURNS event_trigger LANGUAGE plpgsql AS $$
       DECLARE r record;
       BEGIN
         FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE TABLE' AND object_identity = 'public.item' LOOP
           EXECUTE format('CREATE TRIGGER tamper BEFORE INSERT ON %s FOR EACH ROW EXECUTE FUNCTION tamper()', r.object_identity);
           -- The copy's sessions run as replicas, which fire only the triggers enabled always.
           EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER tamper', r.object_identity);
         END LOOP;
       END $$;
       CREATE EVENT TRIGGER arm ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION arm();`,
    );
    const r = redbPw(dir.path, ['clone', envUrl(source.url), envUrl(target.url), '--jobs', '1']);
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('REDB_VERIFY_MISMATCH');
    expect(r.stdout).toMatch(/public\.item +2000 +2000 +checksums \S+ ≠ \S+ +MISMATCH/);
    expect(r.stdout).toMatch(/public\.tag +50 +50 +checksums equal +ok/);
    // The trigger did run: the mismatch is the changed row, not a misreading.
    expect(await pgQuery(target.url, 'SELECT note FROM item WHERE id = 1234')).toEqual([{ note: 'changed' }]);
  });

  it('rows written to the source during the copy are neither copied nor counted against it', { timeout: 180_000 }, async () => {
    const source = await db();
    const target = await db();
    await pgExec(
      source.url,
      `CREATE TABLE big (id bigint PRIMARY KEY, v int NOT NULL, pad text); INSERT INTO big SELECT i, 0, repeat('x', 200) FROM generate_series(1, 400000) i;
       CREATE TABLE small (id int PRIMARY KEY, v int NOT NULL); INSERT INTO small SELECT i, 0 FROM generate_series(1, 1000) i;`,
    );
    const cloning = redbAsync(dir.path, ['clone', envUrl(source.url), envUrl(target.url), '--jobs', '1', '--json']);
    let done = false;
    void cloning.finally(() => {
      done = true;
    });
    // Writes on the source until the clone ends: each commits rows the clone's snapshot does not hold.
    let writes = 0;
    while (!done) {
      await pgExec(
        source.url,
        `UPDATE big SET v = v + 1 WHERE id % 97 = ${writes % 97}; UPDATE small SET v = v + 1; INSERT INTO small VALUES (${2000 + writes}, 0);`,
      );
      writes++;
    }
    const r = await cloning;
    expect(r.code, r.stderr).toBe(0);
    expect(writes).toBeGreaterThan(0);
    const verify = cloneResult(r).verify ?? [];
    expect(verify.map((v) => [v.table, v.match])).toEqual([
      ['public.big', true],
      ['public.small', true],
    ]);
    expect(verify[0]?.targetRows).toBe(400000);
    // The target holds the rows of one moment (each write moves every row of small together), the source has moved on since.
    const [copied] = await pgQuery<{ n: number; lo: number; hi: number }>(
      target.url,
      'SELECT count(*)::int AS n, min(v) AS lo, max(v) AS hi FROM small WHERE id <= 1000',
    );
    expect(copied?.lo).toBe(copied?.hi);
    const [now] = await pgQuery<{ n: number }>(source.url, 'SELECT count(*)::int AS n FROM small');
    expect(verify[1]?.targetRows).toBeLessThan(now?.n ?? 0);
    expect(verify[1]?.sourceRows).toBe(verify[1]?.targetRows);
  });
});
