import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlKillTarget } from '../support/kill-targets.js';
import { killLoop, type KillTarget } from '../support/migrate-kill.js';
import { mysqlEngine } from '../support/mysql.js';
import type { ScratchDb } from '../support/scratch.js';

describe('redb migrate killed with SIGKILL at random moments, against a real MariaDB server', () => {
  let db: ScratchDb;
  let target: KillTarget;

  beforeAll(async () => {
    db = await mysqlEngine.create();
    await db.exec('CREATE TABLE base (id int PRIMARY KEY)');
    target = await mysqlKillTarget(db);
  });
  afterAll(async () => {
    await target?.close();
    await db?.drop();
  });

  it('records every statement as it runs, so a kill leaves an exact record, and the next run finishes it', async () => {
    const { iterations, midApply } = await killLoop(target, 25_000);
    console.log(`kill loop: ${iterations} runs, ${midApply} killed mid-apply`);
    expect(iterations).toBeGreaterThanOrEqual(3);
  }, 300_000);
});
