import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redb } from '../support/cli.js';
import { postgresEngine } from '../support/postgres.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { exec, killReplicators, Replicator, rows, until, replicationSetup } from './helpers.js';

/**
 * A strict masking policy in flight: a column added on the source that no rule names pauses its
 * table (its values never reach the target unmasked), the other tables go on, and status says why;
 * once the policy has a rule for it, the same command copies the table afresh, masked.
 */

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const policy = (rules: string) => `strict: true\nrules:\n  - match: items.name\n    transform: redact\n${rules}`;

describe('redb replicate with a strict policy (real servers)', () => {
  it('PostgreSQL → PostgreSQL: a new column with no rule pauses its table, never copied in the clear', async () => {
    const { source, target, project } = await replicationSetup(postgresEngine, postgresEngine, 'redb-replicate-strict-', cleanups);
    const file = join(project.path, 'mask.yaml');
    writeFileSync(file, policy(''));
    await exec(
      source,
      `CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL);\nCREATE TABLE other (id integer PRIMARY KEY, v text);\nINSERT INTO items VALUES (1, 'alice'), (2, 'bob');\nINSERT INTO other VALUES (1, 'one');`,
    );
    const job = `m_${randomBytes(4).toString('hex')}`;
    const args = [source.url, target.url, '--name', job, '--mask', file, '--heartbeat-ms', '500'];

    const first = new Replicator(project.path, args);
    await first.until('streaming');
    expect((await rows(target, 'SELECT name FROM items ORDER BY id')).map((r) => r.name)).not.toContain('alice');

    await exec(
      source,
      `ALTER TABLE items ADD COLUMN email text;\nINSERT INTO items VALUES (3, 'carol', 'carol@example.com');\nUPDATE items SET email = name || '@example.com' WHERE id < 3;\nINSERT INTO other VALUES (2, 'two');`,
    );
    const paused = await first.until('paused');
    expect(paused.table).toBe('public.items');
    expect(paused.reason).toContain('email');
    expect(paused.reason).toContain('strict');
    await until(async () => (await rows(target, 'SELECT count(*)::int AS n FROM other'))[0]?.n === 2, 'the other table to go on');
    // Nothing of the new column reached the target.
    expect(await rows(target, `SELECT column_name FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'email'`)).toEqual([]);
    expect(await rows(target, 'SELECT id FROM items WHERE id = 3')).toEqual([]);
    const status = JSON.parse(redb(project.path, ['replicate', 'status', job, '--json'], PASSWORD_ENV).stdout) as {
      jobs: { tables: Record<string, { state: string; reason?: string; command?: string }> }[];
    };
    expect(status.jobs[0]?.tables['public.items']).toMatchObject({ state: 'paused', command: expect.stringContaining('items.email') });
    expect(await first.stop('SIGTERM')).toBe(143);

    // With a rule for it, the same command copies the table afresh, masked.
    writeFileSync(file, policy('  - match: items.email\n    transform: redact\n'));
    const second = new Replicator(project.path, args);
    await second.until('resumed');
    await exec(source, `INSERT INTO items VALUES (4, 'dave', 'dave@example.com');`);
    await until(async () => (await rows(target, 'SELECT count(*)::int AS n FROM items'))[0]?.n === 4, 'items to catch up');
    const emails = (await rows(target, 'SELECT email FROM items ORDER BY id')).map((r) => r.email as string | null);
    const clear = (await rows(source, 'SELECT email FROM items ORDER BY id')).map((r) => r.email as string | null);
    expect(emails.every((e) => e !== null)).toBe(true);
    for (const e of emails) expect(clear).not.toContain(e);
    expect(await second.stop('SIGTERM')).toBe(143);
    expect(redb(project.path, ['replicate', 'drop', job], PASSWORD_ENV).code).toBe(0);
  }, 240_000);
});
