import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killLoop, type HistoryView, type KillTarget } from '../support/migrate-kill.js';
import { sqliteEngine, type ScratchDb } from '../support/scratch.js';

describe('redb migrate killed with SIGKILL at random moments, against SQLite', () => {
  let db: ScratchDb;

  beforeAll(async () => {
    db = await sqliteEngine.create();
    await db.exec('CREATE TABLE base (id integer PRIMARY KEY)');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('lands a migration with its history row or not at all, and the next run finishes it', async () => {
    const file = db.url.slice('sqlite:'.length);
    // A reader opening the file after a kill rolls back the killed transaction from its journal.
    const read = <T>(work: (d: Sqlite.Database) => T): T => {
      const d = new Sqlite(file);
      try {
        return work(d);
      } finally {
        d.close();
      }
    };
    const target: KillTarget = {
      db,
      bind: db.url,
      env: {},
      createTable: (name) => `CREATE TABLE ${name} (id integer PRIMARY KEY, label text)`,
      tables: async () =>
        read((d) =>
          (d.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name GLOB 'k[0-9]*' ORDER BY 1").all() as { name: string }[]).map((r) => r.name),
        ),
      history: async () =>
        read((d) => {
          if (d.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'redb_migrations'").get() === undefined) return [];
          const rows = d.prepare('SELECT * FROM redb_migrations ORDER BY id DESC').all() as {
            commit_id: string | null;
            outcome: string;
            executed?: number | null;
            statements: string;
          }[];
          return rows.map(
            (r): HistoryView => ({ commit: r.commit_id, outcome: r.outcome, executed: r.executed ?? null, statements: JSON.parse(r.statements) as string[] }),
          );
        }),
      shadows: async () => [],
      hasShadow: false,
      close: async () => undefined,
    };
    const { iterations, midApply } = await killLoop(target, 25_000);
    console.log(`kill loop: ${iterations} runs, ${midApply} killed mid-apply`);
    expect(iterations).toBeGreaterThanOrEqual(3);
  }, 240_000);
});
