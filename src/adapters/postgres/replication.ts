import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import type { Client, Submittable } from 'pg';
import { errors } from '../../errors.js';
import type { DbTarget } from '../adapter.js';
import { loadPg } from './load-pg.js';
import { formatLsn, pgNow } from './lsn.js';
import { SESSION_SETTINGS } from './rows.js';
import { quoteIdent } from './sql-text.js';

/**
 * A replication connection (the walsender protocol) and one logical replication session on it:
 * START_REPLICATION over COPY BOTH, read a frame at a time with the socket's own backpressure
 * (pg-copy-streams' duplex), and standby status updates that tell the server how far the target
 * has committed. Only that position is ever reported as flushed: the server frees WAL before it.
 */

const message = (e: unknown): string => (e instanceof Error ? e.message || String((e as { code?: unknown }).code ?? e.name) : String(e));
const codeOf = (e: unknown): string | undefined => (e as { code?: unknown }).code as string | undefined;

/** Startup options: values print as the rows plane reads them (the walsender runs the output functions). */
const STARTUP = Object.entries(SESSION_SETTINGS)
  .map(([name, value]) => `-c ${name}=${value.replace(/[\\ ]/g, (c) => `\\${c}`)}`)
  .join(' ');

export async function replicationClient(target: DbTarget, purpose: string): Promise<Client> {
  const pg = await loadPg();
  const client = new pg.Client({
    connectionString: target.url,
    replication: 'database',
    application_name: purpose,
    options: STARTUP,
    connectionTimeoutMillis: 15_000,
  } as ConstructorParameters<typeof pg.Client>[0]);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    const inner = e instanceof AggregateError ? (e.errors[0] as unknown) : e;
    // 42501: the login lacks the REPLICATION attribute; 28000: pg_hba has no replication entry.
    if (codeOf(inner) === '42501' || codeOf(inner) === '28000')
      throw errors
        .changesPrivilege(
          target.name,
          '(this login)',
          ['the REPLICATION attribute'],
          `ALTER ROLE <login> WITH REPLICATION (as a superuser), and a pg_hba.conf line that allows it to connect${codeOf(inner) === '28000' ? ' for replication' : ''}`,
        )
        .because(e);
    throw errors.dbUnreachable(target.name, message(inner)).because(e);
  }
  return client;
}

/** End a connection that may be in the middle of COPY BOTH, without waiting for the server to drain. */
export async function endClient(client: Client): Promise<void> {
  const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  const ended = client.end().catch(() => undefined);
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref());
  await Promise.race([ended, timeout]);
  stream?.destroy();
}

type CopyBoth = Duplex & Submittable;
type Both = (text: string, options?: { alignOnCopyDataFrame?: boolean; readableObjectMode?: boolean }) => CopyBoth;

export interface SessionOptions {
  readonly slot: string;
  readonly publication: string;
  readonly from: bigint;
  /** pgoutput protocol: 2 streams large transactions before they commit (PostgreSQL 14 and later). */
  readonly protocol: 1 | 2;
  /** Ask for a keepalive (and so a heartbeat) when nothing arrived for this long. */
  readonly heartbeatMs: number;
}

/** How often the server hears from us even when nothing is acknowledged (its wal_sender_timeout is 60 s by default). */
const STATUS_MS = 10_000;
/** Longest run of buffered frames decoded without giving the event loop a turn. */
const YIELD_MS = 2;
/** Frames handed to the consumer at once, at most (and bytes: one frame may be large). */
const RUN_FRAMES = 512;
const RUN_BYTES = 1 << 20;
/** A slot stays active for a moment after its last reader disconnected. */
const ACTIVE_GRACE_MS = 10_000;

export class ReplicationSession {
  private acked: bigint;
  private lastStatus = 0;
  private lastFrame = Date.now();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  private constructor(
    private readonly client: Client,
    private readonly copy: CopyBoth,
    from: bigint,
    heartbeatMs: number,
  ) {
    this.acked = from;
    copy.on('error', () => undefined);
    this.timer = setInterval(() => this.tick(heartbeatMs), Math.min(heartbeatMs, STATUS_MS) / 2);
    this.timer.unref();
  }

  /** Start streaming from the slot, waiting out a reader that just disconnected. */
  static async start(target: DbTarget, options: SessionOptions): Promise<ReplicationSession> {
    const { both } = (await import('pg-copy-streams')) as unknown as { both: Both };
    const deadline = Date.now() + ACTIVE_GRACE_MS;
    for (;;) {
      const client = await replicationClient(target, `redb replicate ${options.slot}`);
      const pluginOptions = [
        `proto_version '${options.protocol}'`,
        `publication_names ${quoteLiteralOption(quoteIdent(options.publication))}`,
        `messages 'true'`,
      ];
      if (options.protocol >= 2) pluginOptions.push(`streaming 'on'`);
      const copy = client.query(
        both(`START_REPLICATION SLOT ${quoteIdent(options.slot)} LOGICAL ${formatLsn(options.from)} (${pluginOptions.join(', ')})`, {
          alignOnCopyDataFrame: true,
          readableObjectMode: true,
        }),
      );
      const session = new ReplicationSession(client, copy, options.from, options.heartbeatMs);
      try {
        // A keepalive asked for at once: the first frame (or the refusal) arrives without waiting for data.
        session.status(true);
        await once(copy, 'readable');
        return session;
      } catch (e) {
        await session.close();
        // 55006: object in use (another session reads the slot); 42704: no such slot.
        if (codeOf(e) === '55006' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          continue;
        }
        if (codeOf(e) === '55006') throw errors.changesSlotActive(target.name, options.slot, activePid(message(e))).because(e);
        if (codeOf(e) === '42704')
          throw errors.changesJobMissing(target.name, options.slot.replace(/^redb_/, ''), `replication slot ${options.slot}`).because(e);
        if (codeOf(e) === '55000') throw errors.changesPositionGone(target.name, formatLsn(options.from), message(e)).because(e);
        throw errors.changesSourceFailed(target.name, `reading replication slot ${options.slot}`, message(e)).because(e);
      }
    }
  }

  /**
   * CopyData payloads (object mode: a byte stream would run frames together), in runs: every frame
   * buffered when the consumer asks, up to RUN_FRAMES or RUN_BYTES, read with read() and waiting
   * only when none is. A run costs the consumer one promise, where a frame each was a measurable
   * part of a catch-up. Between runs the event loop gets a turn every few milliseconds, so the
   * target's replies are read (and the next batch sent) while the source's backlog is decoded.
   */
  async *runs(): AsyncGenerator<Buffer[]> {
    const copy = this.copy;
    let ended = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    const onEnd = () => {
      ended = true;
      notify();
    };
    const onError = (e: unknown) => {
      failure ??= e;
      notify();
    };
    copy.on('readable', notify);
    copy.on('end', onEnd);
    copy.on('close', onEnd);
    copy.on('error', onError);
    let turn = performance.now();
    try {
      for (;;) {
        const run: Buffer[] = [];
        let bytes = 0;
        while (run.length < RUN_FRAMES && bytes < RUN_BYTES) {
          const frame = copy.read() as Buffer | null;
          if (frame === null) break;
          run.push(frame);
          bytes += frame.length;
        }
        if (run.length > 0) {
          this.lastFrame = Date.now();
          yield run;
          if (performance.now() - turn >= YIELD_MS) {
            await new Promise<void>((resolve) => setImmediate(resolve));
            turn = performance.now();
          }
          continue;
        }
        turn = performance.now();
        if (failure !== undefined) throw failure;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      copy.off('readable', notify);
      copy.off('end', onEnd);
      copy.off('close', onEnd);
      copy.off('error', onError);
    }
  }

  /** The target committed up to `lsn`. */
  confirm(lsn: bigint): void {
    if (lsn <= this.acked) return;
    this.acked = lsn;
    this.status(false);
  }

  /** A standby status update: written, flushed and applied all mean "committed on the target". */
  status(replyRequested: boolean): void {
    if (this.closed) return;
    const m = Buffer.alloc(34);
    m.write('r', 0, 'latin1');
    m.writeBigUInt64BE(this.acked, 1);
    m.writeBigUInt64BE(this.acked, 9);
    m.writeBigUInt64BE(this.acked, 17);
    m.writeBigInt64BE(pgNow(), 25);
    m.writeUInt8(replyRequested ? 1 : 0, 33);
    this.lastStatus = Date.now();
    this.copy.write(m);
  }

  private tick(heartbeatMs: number): void {
    const now = Date.now();
    if (now - this.lastFrame >= heartbeatMs) {
      this.lastFrame = now;
      this.status(true);
    } else if (now - this.lastStatus >= STATUS_MS) this.status(false);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await endClient(this.client);
  }
}

/** Plugin option values are literals; the publication list is itself a list of identifiers. */
const quoteLiteralOption = (text: string): string => `'${text.replace(/'/g, "''")}'`;

const activePid = (text: string): number | undefined => {
  const m = /PID (\d+)/.exec(text);
  return m === null ? undefined : Number(m[1]);
};
