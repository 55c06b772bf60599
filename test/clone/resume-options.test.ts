import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, errorCode, redb, redbOk } from '../support/cli.js';
import { pgExec, pgQuery, postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';
import { envUrl, PASSWORD_ENV, redbPw, sqliteQuery } from './helpers.js';

const ROWS = 120_000;

/**
 * Start a clone and stop it once `rows` rows of `table` are in: with SIGKILL, or with `signal`
 * (as a person's Ctrl-C would). Resolves with how it ended.
 */
function cloneStoppedAt(
  cwd: string,
  args: readonly string[],
  table: string,
  rows: number,
  signal: NodeJS.Signals = 'SIGKILL',
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--json'], {
      cwd,
      env: { ...process.env, ...PASSWORD_ENV, ...env, NO_COLOR: '1', REDB_DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.startsWith('{"type":"table"'))) {
        const e = JSON.parse(line) as { table: string; rows: number };
        if (!sent && e.table === table && e.rows >= rows) {
          sent = true;
          child.kill(signal);
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, sig) => (sent ? resolve({ code, signal: sig, stderr }) : reject(new Error(`the clone ended before it was stopped: ${stderr}`))));
  });
}

describe('a resume continues the same job or refuses (PostgreSQL → SQLite, real processes)', () => {
  let source: ScratchDb;
  let dir: ReturnType<typeof tempDir>;
  let src: string;
  const count = (file: string, table = 'customer') => Number(sqliteQuery<{ n: number }>(join(dir.path, file), `SELECT count(*) AS n FROM "${table}"`)[0]?.n);

  beforeAll(async () => {
    source = await postgresEngine.create();
    await pgExec(
      source.url,
      `CREATE TABLE customer (id bigint PRIMARY KEY, email text NOT NULL, country text);
       INSERT INTO customer SELECT i, 'person' || i || '@example.com', CASE WHEN i % 2 = 0 THEN 'FR' ELSE 'DE' END FROM generate_series(1, ${ROWS}) i;`,
    );
    dir = tempDir('redb-resume-options-');
    redbOk(dir.path, ['init']);
    writeFileSync(join(dir.path, 'mask.yaml'), 'secret: env:MASK_SECRET\nrules:\n  - match: customer.email\n    transform: email\n');
    src = envUrl(source.url);
  });
  afterAll(async () => {
    await source?.drop();
    dir?.cleanup();
  });

  it('a masked clone resumed without --mask, with another secret or another --where is refused naming the difference, and nothing is written', {
    timeout: 180_000,
  }, async () => {
    const args = ['clone', src, 'sqlite:masked.db', '--mask', 'mask.yaml', '--batch-rows', '1000', '--jobs', '1', '--where', "customer:country = 'FR'"];
    await cloneStoppedAt(dir.path, args, 'public.customer', 5_000, 'SIGKILL', { MASK_SECRET: 'first-secret-of-enough-length' });
    const before = count('masked.db');
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(ROWS / 2);

    const unmasked = redbPw(dir.path, [
      'clone',
      src,
      'sqlite:masked.db',
      '--batch-rows',
      '1000',
      '--jobs',
      '1',
      '--where',
      "customer:country = 'FR'",
      '--resume',
    ]);
    expect(unmasked.code).toBe(1);
    expect(errorCode(unmasked)).toBe('REDB_CLONE_RESUME_MISMATCH');
    expect(unmasked.stderr).toMatch(/--mask: it masked rows with mask\.yaml, this run would copy them unmasked/);

    const otherSecret = redbPw(dir.path, [...args, '--resume'], { MASK_SECRET: 'another-secret-entirely-different' });
    expect(errorCode(otherSecret)).toBe('REDB_CLONE_RESUME_MISMATCH');
    expect(otherSecret.stderr).toContain('secret is not the one the interrupted run masked with');
    // The secret itself never appears, in the message or in the checkpoint.
    expect(otherSecret.stderr).not.toContain('first-secret');
    const stateDir = join(dir.path, '.redb', 'state', 'clone');
    for (const f of readdirSync(stateDir)) expect(readFileSync(join(stateDir, f), 'utf8')).not.toContain('first-secret');

    const otherWhere = redbPw(
      dir.path,
      ['clone', src, 'sqlite:masked.db', '--mask', 'mask.yaml', '--batch-rows', '1000', '--jobs', '1', '--where', "customer:country = 'DE'", '--resume'],
      { MASK_SECRET: 'first-secret-of-enough-length' },
    );
    expect(errorCode(otherWhere)).toBe('REDB_CLONE_RESUME_MISMATCH');
    expect(otherWhere.stderr).toContain(`--where for public.customer: it was 'country = 'FR'', now 'country = 'DE''`);

    const otherBatch = redbPw(dir.path, [...args.map((a) => (a === '1000' ? '500' : a)), '--resume'], { MASK_SECRET: 'first-secret-of-enough-length' });
    expect(errorCode(otherBatch)).toBe('REDB_CLONE_RESUME_MISMATCH');
    expect(otherBatch.stderr).toContain('--batch-rows: it was 1000, now 500');
    expect(count('masked.db')).toBe(before);

    // The same job goes on, and every row it holds is masked.
    const resumed = redbPw(dir.path, [...args, '--resume'], { MASK_SECRET: 'first-secret-of-enough-length' });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(count('masked.db')).toBe(ROWS / 2);
    const leaked = sqliteQuery<{ n: number }>(join(dir.path, 'masked.db'), "SELECT count(*) AS n FROM customer WHERE email LIKE 'person%@example.com'")[0]?.n;
    expect(leaked).toBe(0);
  });

  it('a finished clone leaves no checkpoint, and --resume after it says it finished', { timeout: 120_000 }, () => {
    const ok = redbPw(dir.path, ['clone', src, 'sqlite:done.db', '--batch-rows', '5000']);
    expect(ok.code, ok.stderr).toBe(0);
    const stateDir = join(dir.path, '.redb', 'state', 'clone');
    expect(existsSync(stateDir) ? readdirSync(stateDir) : []).toEqual([]);
    const again = redbPw(dir.path, ['clone', src, 'sqlite:done.db', '--batch-rows', '5000', '--resume']);
    expect(again.code).toBe(1);
    expect(errorCode(again)).toBe('REDB_CLONE_FINISHED');
    expect(again.stderr).toMatch(/finished at \d{4}-\d\d-\d\dT/);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('Ctrl-C stops the clone with one line naming --resume and exit code 130; the resume completes it', { timeout: 180_000 }, async () => {
    const args = ['clone', src, 'sqlite:interrupted.db', '--batch-rows', '1000', '--jobs', '1'];
    const stopped = await cloneStoppedAt(dir.path, args, 'public.customer', 5_000, 'SIGINT');
    expect(stopped.code).toBe(130);
    const lines = stopped.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('copied '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error\[REDB_CLONE_INTERRUPTED\]: .*--resume/);
    expect(count('interrupted.db')).toBeLessThan(ROWS);
    const resumed = redbPw(dir.path, [...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(count('interrupted.db')).toBe(ROWS);
  });
});

describe('--truncate checks that the copy can succeed before it empties a table (real PostgreSQL)', () => {
  it('a target table with a NOT NULL column the source lacks keeps its rows', { timeout: 180_000 }, async () => {
    const [source, target] = await Promise.all([postgresEngine.create(), postgresEngine.create()]);
    const dir = tempDir('redb-truncate-check-');
    try {
      await source.exec("CREATE TABLE item (id int PRIMARY KEY, name text); INSERT INTO item SELECT i, 'n' || i FROM generate_series(1, 100) i;");
      await target.exec(
        "CREATE TABLE item (id int PRIMARY KEY, name text, owner text NOT NULL); INSERT INTO item VALUES (1, 'mine', 'me'), (2, 'yours', 'you');",
      );
      const r = redb(dir.path, ['clone', envUrl(source.url), envUrl(target.url), '--truncate', '--yes'], PASSWORD_ENV);
      expect(r.code).toBe(1);
      expect(errorCode(r)).toBe('REDB_CLONE_TARGET_INCOMPATIBLE');
      expect(r.stderr).toContain('public.item.owner is NOT NULL without a default');
      expect(await pgQuery<{ n: string }>(target.url, 'SELECT count(*) AS n FROM item')).toEqual([{ n: '2' }]);
    } finally {
      await Promise.all([source.drop(), target.drop()]);
      dir.cleanup();
    }
  });
});
