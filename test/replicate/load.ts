import Sqlite from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { redb } from '../support/cli.js';
import { PASSWORD_ENV } from '../clone/helpers.js';
import { exec, figures, itemsDdl, Replicator, rows, sleep, until, type Side } from './helpers.js';

/**
 * A write load on a replication source of any engine: one connection, one transaction at a time,
 * statements with `?` placeholders. SQLite's driver is synchronous, so its transactions are kept
 * short and a busy file is retried rather than waited on (the test's own loop must keep running).
 */
export interface Session {
  /** Run `work` as one transaction; it is rolled back (and the error passed on) if anything fails. */
  transaction<T>(work: (run: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const pgPlaceholders = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

export async function session(s: Side): Promise<Session> {
  switch (s.engine) {
    case 'postgres': {
      const c = new pg.Client({ connectionString: s.db.url });
      await c.connect();
      return {
        async transaction(work) {
          await c.query('BEGIN');
          try {
            const out = await work(async (sql, params) => (await c.query(pgPlaceholders(sql), params)).rows as Record<string, unknown>[]);
            await c.query('COMMIT');
            return out;
          } catch (e) {
            await c.query('ROLLBACK').catch(() => undefined);
            throw e;
          }
        },
        close: () => c.end(),
      };
    }
    case 'mysql': {
      const url = new URL(s.db.url);
      const c = await mysql.createConnection({
        host: url.hostname,
        port: Number(url.port || 3306),
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        database: decodeURIComponent(url.pathname.slice(1)),
      });
      return {
        async transaction(work) {
          await c.query('START TRANSACTION');
          try {
            const out = await work(async (sql, params) => {
              const [r] = await c.query(sql, params);
              return Array.isArray(r) ? (r as Record<string, unknown>[]) : [];
            });
            await c.query('COMMIT');
            return out;
          } catch (e) {
            await c.query('ROLLBACK').catch(() => undefined);
            throw e;
          }
        },
        close: () => c.end(),
      };
    }
    case 'sqlite': {
      const db = new Sqlite(s.db.url.replace(/^sqlite:/, ''));
      db.pragma('busy_timeout = 200');
      return {
        async transaction(work) {
          for (let attempt = 0; ; attempt++) {
            try {
              db.exec('BEGIN IMMEDIATE');
            } catch (e) {
              if (attempt > 200 || !/SQLITE_BUSY|locked/i.test(String(e))) throw e;
              await sleep(20);
              continue;
            }
            try {
              const out = await work(async (sql, params = []) => {
                const statement = db.prepare(sql);
                return statement.reader ? (statement.all(...params) as Record<string, unknown>[]) : (statement.run(...params), []);
              });
              db.exec('COMMIT');
              return out;
            } catch (e) {
              if (db.inTransaction) db.exec('ROLLBACK');
              throw e;
            }
          }
        },
        close: async () => void db.close(),
      };
    }
    default:
      throw new Error(`no write load for ${s.engine}`);
  }
}

/**
 * Transactions on `items` (200 accounts holding 1000 each) and `ledger` until stopped: a transfer
 * between two accounts (the total never moves), a ledger row numbered by the transaction, now and
 * then the oldest ledger row deleted or the newest one's key moved. `extra` adds statements of its
 * own to each transaction (for columns and tables a schema change brought). Returns how many committed.
 */
export async function transfers(
  s: Side,
  stop: { now: boolean },
  extra?: (run: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>, n: number) => Promise<void>,
): Promise<number> {
  const c = await session(s);
  let n = 0;
  try {
    while (!stop.now) {
      const a = 1 + Math.floor(Math.random() * 200);
      const b = 1 + Math.floor(Math.random() * 200);
      const amount = 1 + Math.floor(Math.random() * 50);
      await c.transaction(async (run) => {
        await run('UPDATE items SET qty = qty - ?, price = price + 1 WHERE id = ?', [amount, a]);
        await run('UPDATE items SET qty = qty + ? WHERE id = ?', [amount, b]);
        await run('INSERT INTO ledger (id, amount, note) VALUES (?, ?, ?)', [1_000_000 + n, amount, amount % 4 === 0 ? null : 'transfer']);
        // MariaDB refuses a subquery on the table being changed: the row is found first.
        if (n % 17 === 0) {
          const [oldest] = await run('SELECT min(id) AS id FROM ledger');
          await run('DELETE FROM ledger WHERE id = ?', [oldest?.id]);
        }
        if (n % 23 === 0) {
          const [newest] = await run('SELECT max(id) AS id FROM ledger WHERE id < 5000000');
          await run('UPDATE ledger SET id = id + 5000000 WHERE id = ?', [newest?.id]);
        }
        await extra?.(run, n);
      });
      n++;
      // Other work gets its turn: the test's own loop, and on SQLite, whose writers take the whole
      // file, redb's own writes (its capture triggers), which a writer that never pauses would starve.
      if (s.engine === 'sqlite') await sleep(3);
      else if (n % 5 === 0) await sleep(2);
    }
  } finally {
    await c.close();
  }
  return n;
}

/** 200 accounts of 1000 and a 6,000-row ledger, in statements every engine takes. */
export async function seedLedger(s: Side): Promise<void> {
  if (s.engine === 'sqlite') await exec(s, 'PRAGMA journal_mode = WAL');
  const items = Array.from({ length: 200 }, (_x, i) => `(${i + 1}, 'a${i + 1}', 1000, 0, NULL)`).join(', ');
  await exec(s, `${itemsDdl()};\nINSERT INTO items VALUES ${items};\nCREATE TABLE ledger (id BIGINT PRIMARY KEY, amount INTEGER NOT NULL, note TEXT);`);
  for (let from = 1; from <= 6_000; from += 2_000) {
    const values = Array.from({ length: 2_000 }, (_x, i) => `(${from + i}, 1, 'seed')`).join(', ');
    await exec(s, `INSERT INTO ledger VALUES ${values};`);
  }
}

/** Both tables' figures, side by side, for a failure message. */
const both = async (s: Side): Promise<string> => `${await figures(s)} / ${await figures(s, 'ledger')}`;

/** Kill the job at random moments while `load` writes, then let one last run catch up; returns that run, stopped. */
export async function killLoop(
  loopMs: number,
  project: string,
  source: Side,
  target: Side,
  load: (stop: { now: boolean }) => Promise<number>,
  tables: readonly ('items' | 'ledger' | 'tags')[] = ['items', 'ledger'],
): Promise<void> {
  const job = `k_${randomBytes(4).toString('hex')}`;
  const args = [source.url, target.url, '--name', job, '--heartbeat-ms', '500'];
  const stop = { now: false };
  const writing = load(stop);
  const deadline = Date.now() + loopMs;
  let kills = 0;
  let streamedKills = 0;
  try {
    // Bounded in time; on a machine so loaded that the copies crawl, a few more runs (up to twice the time) make the kills enough.
    while (Date.now() < deadline || (kills < 4 && Date.now() < deadline + loopMs)) {
      const r = new Replicator(project, args);
      const started = Date.now();
      // Every other run is killed while it streams (a moment after it starts to), the others at any moment before.
      if (kills % 2 === 1) {
        // A run that does not get to stream within a minute is stuck: a failure, not a moment to kill.
        await r.until('streaming', 60_000).catch((e: unknown) => {
          throw new Error(`run ${kills + 1}: ${String(e)}; events ${JSON.stringify(r.events.slice(-5))}`);
        });
        await sleep(Math.random() * 2500);
      } else await sleep(300 + Math.random() * 4000);
      if (r.events.some((e) => e.type === 'streaming')) streamedKills++;
      // A run that ended by itself failed: that is what the test is about, not a kill.
      expect(r.child.exitCode, r.stderr).toBeNull();
      if (process.env.REDB_TEST_KILL_TRACE)
        console.log(
          `${source.engine} run ${kills + 1}: ${Date.now() - started} ms, ${r.events
            .map((e) => e.type)
            .join(',')
            .slice(-200)}`,
        );
      r.child.kill('SIGKILL');
      await r.exited;
      kills++;
    }
  } finally {
    stop.now = true;
  }
  const transactions = await writing;
  expect(transactions).toBeGreaterThan(50);
  expect(kills).toBeGreaterThan(3);
  // Some kills must have landed while it streamed, or the loop proved only the copy.
  expect(streamedKills).toBeGreaterThan(0);

  const figuresOf = async (s: Side) => {
    const out: string[] = [];
    for (const t of tables) {
      if (t !== 'tags') out.push(await figures(s, t));
      else {
        const [r] = await rows(s, 'SELECT count(*) AS n, sum(id) AS ids FROM tags');
        out.push(`tags n=${Number(r?.n)} ids=${Number(r?.ids ?? 0)}`);
      }
    }
    return out.join(' / ');
  };
  const last = new Replicator(project, args);
  await last.until('streaming', 120_000);
  await until(async () => (await figuresOf(target)) === (await figuresOf(source)), 'the last run to catch up', 120_000).catch(async (e: unknown) => {
    throw new Error(
      `${String(e)}: source ${await figuresOf(source).catch(String)}, target ${await figuresOf(target).catch(String)}; last events ${JSON.stringify(last.events.slice(-3))}; ${last.stderr}`,
    );
  });
  expect(await last.stop('SIGTERM')).toBe(143);

  // Transfers sum to zero: the total is what it started as, on both sides.
  const [total] = await rows(target, 'SELECT sum(qty) AS s, count(*) AS n FROM items');
  expect(Number(total?.s)).toBe(200 * 1000);
  const [ledger] = await rows(target, 'SELECT count(*) AS n FROM ledger WHERE id >= 1000000');
  const [sourceLedger] = await rows(source, 'SELECT count(*) AS n FROM ledger WHERE id >= 1000000');
  expect(Number(ledger?.n)).toBe(Number(sourceLedger?.n));
  expect(await both(target)).toBe(await both(source));
  const verify = redb(project, ['verify', source.url, target.url], PASSWORD_ENV);
  expect(verify.code, verify.stdout + verify.stderr).toBe(0);
}
