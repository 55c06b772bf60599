import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresKillTarget } from '../support/kill-targets.js';
import { killLoop, type KillTarget } from '../support/migrate-kill.js';
import { postgresEngine } from '../support/postgres.js';
import type { ScratchDb } from '../support/scratch.js';

describe('redb migrate killed with SIGKILL at random moments, against a real PostgreSQL server', () => {
  let db: ScratchDb;
  let target: KillTarget;

  beforeAll(async () => {
    db = await postgresEngine.create();
    await db.exec('CREATE TABLE base (id int PRIMARY KEY)');
    target = await postgresKillTarget(db);
  });
  afterAll(async () => {
    await target?.close();
    await db?.drop();
  });

  it('leaves a history that says exactly what the database has, no shadow behind, and the next run finishes it', async () => {
    const { iterations, midApply } = await killLoop(target, 25_000);
    console.log(`kill loop: ${iterations} runs, ${midApply} killed mid-apply`);
    expect(iterations).toBeGreaterThanOrEqual(3);
  }, 300_000);
});
