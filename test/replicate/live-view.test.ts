import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { initialLive, reduceLive } from '../../src/commands/ui/replicate-state.js';
import { renderLive } from '../../src/commands/ui/replicate-view.js';
import type { JobEvent } from '../../src/ops/replicate.js';
import { redb } from '../support/cli.js';
import { sqliteEngine, tempDir } from '../support/scratch.js';
import { postgresEngine } from '../support/postgres.js';
import { dropPgCapture, exec, killReplicators, Replicator, side, until } from './helpers.js';

/**
 * The live view a terminal shows for `redb replicate`, rendered to text from the events of a real
 * job (the same events `--json` prints): per table the rows copied, the changes applied, their rate
 * and state; for the job its position and lag. Time is the events' order, not the clock.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  killReplicators();
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

describe('redb replicate: the live view', () => {
  it('shows rows, changes, changes/s and state per table, and the lag, from a real job', async () => {
    // A PostgreSQL source: its log says when each transaction committed, so the lag is known.
    const a = await postgresEngine.create();
    const b = await sqliteEngine.create();
    const project = tempDir('redb-replicate-view-');
    cleanups.push(
      async () => {
        await dropPgCapture(a);
        await a.drop();
      },
      () => b.drop(),
      () => project.cleanup(),
    );
    expect(redb(project.path, ['init']).code).toBe(0);
    const source = side('postgres', a);
    await exec(
      source,
      `CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT);
       CREATE TABLE quiet (id INTEGER PRIMARY KEY, v TEXT);
       INSERT INTO items SELECT n, 'v' || n FROM generate_series(1, 300) n;
       INSERT INTO quiet VALUES (1, 'one');`,
    );
    const job = `v_${randomBytes(4).toString('hex')}`;
    const running = new Replicator(project.path, [source.url, b.url, '--name', job, '--heartbeat-ms', '200']);
    await running.until('streaming');
    await exec(source, `UPDATE items SET v = 'changed' WHERE id <= 40; DELETE FROM items WHERE id > 290;`);
    const applied = () => running.events.some((e) => e.type === 'progress' && (e.tables as Record<string, number>)['public.items'] === 50);
    await until(async () => applied(), 'the changes to be reported');
    expect(await running.stop('SIGTERM')).toBe(143);

    let state = initialLive();
    running.events.forEach((e, i) => {
      state = reduceLive(state, e as unknown as JobEvent, i * 1000);
    });
    const text = renderLive(state);
    const line = (table: string) => text.split('\n').find((l) => l.trimStart().startsWith(table)) ?? '';
    expect(line('public.items').split(/\s+/).slice(0, 3)).toEqual(['public.items', '300', '50']);
    expect(line('public.items')).toMatch(/streaming$/);
    expect(line('public.quiet').split(/\s+/)).toEqual(['public.quiet', '1', '0', '0', 'streaming']);
    // Some report saw the 50 changes arrive: its rate was above zero.
    const rates: number[] = [];
    let s = initialLive();
    running.events.forEach((e, i) => {
      s = reduceLive(s, e as unknown as JobEvent, i * 1000);
      rates.push(s.tables.get('public.items')?.rate ?? 0);
    });
    expect(Math.max(...rates)).toBeGreaterThan(0);
    expect(text).toMatch(/^streaming {2}at \S+ {2}\d+ transactions?, 50 changes/);
    expect(text).toMatch(/lag p50 \d+ ms {2}p99 \d+ ms/);
  }, 120_000);
});
