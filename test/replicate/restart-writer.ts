import mysql from 'mysql2/promise';
import pg from 'pg';
import { type PrivatePostgres, startPrivatePostgres } from '../changes/private-postgres.js';
import { sleep } from './helpers.js';

/**
 * A writer that outlives its server's restarts, on PostgreSQL or MariaDB: one transaction at a
 * time, a transfer between two accounts (balances sum to a constant, each account counts its
 * moves), a ledger row numbered by the transaction, and every tenth one deletes the ledger row of
 * five transactions before. A transaction whose COMMIT was cut off by a restart is `unsure` until
 * its ledger row says whether it committed.
 */

export const ACCOUNTS = 100;

interface Client {
  /** Rows of a query, or how many rows a change touched. */
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[]; count: number }>;
  end(): Promise<void>;
}

/** A client on a server URL (postgres:// or mysql://), `?` placeholders either way. */
export async function client(url: string, connectTimeoutMs = 5_000): Promise<Client> {
  if (url.startsWith('mysql:')) {
    const u = new URL(url);
    const c = await mysql.createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: decodeURIComponent(u.pathname.slice(1)),
      multipleStatements: true,
      connectTimeout: connectTimeoutMs,
    });
    c.on('error', () => undefined);
    return {
      async query(sql, params) {
        const [r] = await c.query(sql, params);
        return Array.isArray(r) ? { rows: r as Record<string, unknown>[], count: r.length } : { rows: [], count: (r as { affectedRows: number }).affectedRows };
      },
      end: () => c.end(),
    };
  }
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  c.on('error', () => undefined);
  try {
    await c.connect();
  } catch (e) {
    await c.end().catch(() => undefined);
    throw e;
  }
  return {
    async query(sql, params) {
      let i = 0;
      const r = await c.query(
        sql.replace(/\?/g, () => `$${++i}`),
        params,
      );
      return { rows: r.rows as Record<string, unknown>[], count: r.rowCount ?? 0 };
    },
    end: () => c.end(),
  };
}

/** Run statements (several where the engine takes them) on a URL. */
export async function execUrl(url: string, sql: string): Promise<void> {
  const c = await client(url);
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function queryUrl(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const c = await client(url);
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

export class RestartWriter {
  private stopped = false;
  private n = 0;
  readonly sure = new Set<number>();
  readonly unsure = new Set<number>();
  readonly amounts = new Map<number, number>();
  /** Rows each tenth transaction's DELETE removed, by the id it deleted. */
  private readonly deleted = new Map<number, number>();
  reconnects = 0;
  readonly done: Promise<void>;

  constructor(private readonly url: string) {
    this.done = this.run();
  }

  get committed(): number {
    return this.sure.size;
  }

  private async connect(): Promise<Client> {
    for (;;) {
      try {
        return await client(this.url);
      } catch {
        if (this.stopped) throw new Error('stopped');
        await sleep(200);
      }
    }
  }

  private async run(): Promise<void> {
    let c = await this.connect();
    const begin = this.url.startsWith('mysql:') ? 'START TRANSACTION' : 'BEGIN';
    try {
      while (!this.stopped) {
        const id = ++this.n;
        const a = 1 + (id % ACCOUNTS);
        const b = 1 + ((id * 7 + 3) % ACCOUNTS);
        const amount = 1 + (id % 37);
        this.amounts.set(id, amount);
        let committing = false;
        try {
          await c.query(begin);
          await c.query('UPDATE accounts SET balance = balance - ?, moves = moves + 1 WHERE id = ?', [amount, a]);
          await c.query('UPDATE accounts SET balance = balance + ?, moves = moves + 1 WHERE id = ?', [amount, b]);
          await c.query('INSERT INTO ledger (id, amount, note) VALUES (?, ?, ?)', [id, amount, amount % 5 === 0 ? null : 'transfer']);
          const removed = id % 10 === 0 ? (await c.query('DELETE FROM ledger WHERE id = ?', [id - 5])).count : undefined;
          committing = true;
          await c.query('COMMIT');
          this.sure.add(id);
          if (removed !== undefined) this.deleted.set(id - 5, removed);
        } catch {
          if (committing) this.unsure.add(id);
          await c.end().catch(() => undefined);
          this.reconnects++;
          if (this.stopped) return;
          c = await this.connect();
        }
        if (id % 4 === 0) await sleep(5);
      }
    } catch (e) {
      if (!this.stopped) throw e;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
    // A COMMIT the restart cut off either happened or not: its ledger row (or its delete) says which.
    for (const id of this.unsure) {
      const [r] = await queryUrl(this.url, `SELECT count(*) AS n FROM ledger WHERE id = ${id}`);
      if (Number(r?.n) === 1 || this.deleted.get(id) === 1) this.sure.add(id);
    }
  }

  /** The figures `writerFigures` must read from the source: those of `expected`, and the balance no transfer changes. */
  sourceFigures(): { rows: number; amount: number; moves: number; balance: number } {
    const { rows, amount, moves } = this.expected();
    return { rows, amount, moves, balance: ACCOUNTS * 1000 };
  }

  /** What the source must hold, from the transactions known to have committed. */
  expected(): { rows: number; amount: number; moves: number; inserts: number } {
    const live = new Set(this.sure);
    for (const id of this.sure) if (id % 10 === 0) live.delete(id - 5);
    let amount = 0;
    for (const id of live) amount += this.amounts.get(id) ?? 0;
    return { rows: live.size, amount, moves: 2 * this.sure.size, inserts: this.sure.size };
  }
}

/** The figures of both tables, as numbers whatever the engine's driver returns. */
export async function restartFigures(url: string): Promise<string> {
  const [l] = await queryUrl(url, 'SELECT count(*) AS n, coalesce(sum(id), 0) AS ids, coalesce(sum(amount), 0) AS amount, count(note) AS notes FROM ledger');
  const [a] = await queryUrl(url, 'SELECT count(*) AS n, sum(balance) AS balance, sum(moves) AS moves, sum(balance * id) AS weighted FROM accounts');
  const v = (x: unknown) => Number(x ?? 0);
  return `ledger n=${v(l?.n)} ids=${v(l?.ids)} amount=${v(l?.amount)} notes=${v(l?.notes)}; accounts n=${v(a?.n)} balance=${v(a?.balance)} moves=${v(a?.moves)} weighted=${v(a?.weighted)}`;
}

export const ledgerMax = async (url: string): Promise<number> => Number((await queryUrl(url, 'SELECT max(id) AS m FROM ledger'))[0]?.m ?? 0);

/** The writer's two tables, the accounts seeded. */
export function ledgerSchema(engine: 'mysql' | 'postgres'): string {
  const accounts = Array.from({ length: ACCOUNTS }, (_x, i) => `(${i + 1}, 1000, 0)`).join(', ');
  const text = engine === 'mysql' ? 'VARCHAR(100)' : 'TEXT';
  return `CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance BIGINT NOT NULL, moves INTEGER NOT NULL);
    INSERT INTO accounts VALUES ${accounts};
    CREATE TABLE ledger (id BIGINT PRIMARY KEY, amount INTEGER NOT NULL, note ${text});`;
}

/**
 * Every ledger row written into the target, by any path and even if overwritten by a replay, counts
 * here by its id, in the same transaction as the row: a commit a crash lost takes its count with it.
 * A row inserted and deleted within one applied batch is never written (the apply keeps each key's
 * last change), so the proof of "not twice" is that no id was written more than once (`writtenOnce`).
 */
export function countLedgerWrites(engine: 'mysql' | 'postgres'): string {
  return engine === 'mysql'
    ? `CREATE TABLE ledger_writes (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);
       CREATE TRIGGER count_ledger_write BEFORE INSERT ON ledger FOR EACH ROW INSERT INTO ledger_writes VALUES (NEW.id, 1) ON DUPLICATE KEY UPDATE n = n + 1;`
    : `CREATE TABLE ledger_writes (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);
       CREATE FUNCTION count_ledger_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO ledger_writes VALUES (NEW.id, 1) ON CONFLICT (id) DO UPDATE SET n = ledger_writes.n + 1; RETURN NEW; END $$;
       CREATE TRIGGER count_ledger_write BEFORE INSERT ON ledger FOR EACH ROW EXECUTE FUNCTION count_ledger_write();
       ALTER TABLE ledger ENABLE ALWAYS TRIGGER count_ledger_write;`;
}

/** Removes what countLedgerWrites made, so that `verify` compares the writer's tables alone. */
export function uncountLedgerWrites(engine: 'mysql' | 'postgres'): string {
  return engine === 'mysql'
    ? 'DROP TRIGGER count_ledger_write; DROP TABLE ledger_writes'
    : 'DROP TRIGGER count_ledger_write ON ledger; DROP FUNCTION count_ledger_write(); DROP TABLE ledger_writes';
}

/** The figures the writer can know of the source (its rows, their amounts, the moves, the constant balance). */
export async function writerFigures(url: string): Promise<{ rows: number; amount: number; moves: number; balance: number }> {
  const [c] = await queryUrl(
    url,
    'SELECT (SELECT count(*) FROM ledger) AS n, (SELECT coalesce(sum(amount), 0) FROM ledger) AS amount, (SELECT sum(moves) FROM accounts) AS moves, (SELECT sum(balance) FROM accounts) AS balance',
  );
  return { rows: Number(c?.n), amount: Number(c?.amount), moves: Number(c?.moves), balance: Number(c?.balance) };
}

/** What countLedgerWrites counted: the most writes of one id, and how many ids were written. */
export async function ledgerWrites(url: string): Promise<{ most: number; ids: number }> {
  const [w] = await queryUrl(url, 'SELECT coalesce(max(n), 0) AS most, count(*) AS ids FROM ledger_writes');
  return { most: Number(w?.most), ids: Number(w?.ids) };
}

/**
 * Two PostgreSQL servers of the test's own (initdb'd into temp dirs on free ports), a database `src`
 * on the one with the writer's tables and an empty `dst` on the other; `stop` goes with the cleanups.
 */
export async function privateLedgerPair(
  settings: Readonly<Record<string, string>>,
  targetSettings: Readonly<Record<string, string>> = {},
): Promise<{ sourceServer: PrivatePostgres; targetServer: PrivatePostgres; source: string; target: string; stop: () => void }> {
  const [sourceServer, targetServer] = await Promise.all([startPrivatePostgres(settings), startPrivatePostgres({ ...settings, ...targetSettings })]);
  const stop = () => {
    sourceServer.stop();
    targetServer.stop();
  };
  const withDb = (server: PrivatePostgres, db: string) => server.url.replace(/\/postgres$/, `/${db}`);
  await execUrl(sourceServer.url, 'CREATE DATABASE src');
  await execUrl(targetServer.url, 'CREATE DATABASE dst');
  const source = withDb(sourceServer, 'src');
  await execUrl(source, ledgerSchema('postgres'));
  return { sourceServer, targetServer, source, target: withDb(targetServer, 'dst'), stop };
}
