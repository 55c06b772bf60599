import { hostname } from 'node:os';
import { errors, isRedbError } from '../errors.js';
import type { JobEvent } from './job.js';
import type { JobRecord, JobRecords } from './job-record.js';
import { Stats } from './job-stats.js';

/**
 * The project's record of a job that publishes to or applies from a JetStream stream, kept as a
 * database-to-database job's is (job-record.ts), so that `redb replicate status` lists it; and its
 * progress, reported once a second. As there, nothing here is needed to resume: the publisher's
 * place is the stream's last transaction, the consumer's is in its target.
 */
export class NatsJobRecord {
  private current!: JobRecord;
  readonly stats: Stats;
  private ticker: NodeJS.Timeout | undefined;

  private constructor(
    private readonly records: JobRecords,
    record: JobRecord,
    private readonly onEvent: (e: JobEvent) => void,
  ) {
    this.current = record;
    this.stats = new Stats(record.transactions, record.changes);
  }

  /** Start (or resume) the record of `job`; a job of that name between other ends is refused. */
  static async open(
    records: JobRecords,
    job: string,
    source: string,
    target: string,
    tables: readonly string[] | undefined,
    onEvent: (e: JobEvent) => void,
    options: { readonly mask?: JobRecord['mask']; readonly allowLossy?: boolean | undefined } = {},
  ): Promise<NatsJobRecord> {
    const previous = await records.read(job);
    if (previous !== undefined && (previous.source !== source || previous.target !== target))
      throw errors.replicateJobExists(job, previous.source, previous.target);
    const now = new Date().toISOString();
    const record: JobRecord = {
      version: 1,
      job,
      source,
      target,
      tables: [...(tables ?? [])],
      mask: options.mask ?? null,
      allowLossy: options.allowLossy ?? previous?.allowLossy ?? false,
      createdAt: previous?.createdAt ?? now,
      phase: previous?.phase ?? 'copying',
      pid: process.pid,
      host: hostname(),
      seenAt: now,
      position: previous?.position ?? null,
      transactions: previous?.transactions ?? 0,
      changes: previous?.changes ?? 0,
      rate: 0,
      lagMs: previous?.lagMs ?? null,
      tablesState: previous?.tablesState ?? {},
      lastError: previous?.lastError ?? null,
      stoppedAt: null,
    };
    await records.write(record);
    return new NatsJobRecord(records, record, onEvent);
  }

  async save(patch: Partial<JobRecord>): Promise<void> {
    this.current = { ...this.current, ...patch, seenAt: new Date().toISOString() };
    await this.records.write(this.current);
  }

  /** Per table, as last saved: a paused table stays paused when the job runs again. */
  get tablesState(): JobRecord['tablesState'] {
    return this.current.tablesState;
  }

  /** A table whose changes are no longer applied: said, and recorded before any later position is. */
  async pause(table: string, reason: string, command: string): Promise<void> {
    this.onEvent({ type: 'paused', table, reason, command });
    const changes = this.current.tablesState[table]?.changes ?? 0;
    await this.save({ tablesState: { ...this.current.tablesState, [table]: { changes, state: 'paused', reason, command } } });
  }

  /** A progress event and a saved record, now and every second until `stop`. */
  start(from: string): void {
    this.ticker = setInterval(() => void this.report(from).catch(() => undefined), 1000);
  }

  async report(from: string): Promise<void> {
    const s = this.stats;
    const position = s.position ?? from;
    this.onEvent({ type: 'progress', position, transactions: s.transactions, changes: s.changes, rate: s.rate(), lagMs: s.lag(), tables: {} });
    await this.save({ phase: 'streaming', position, transactions: s.transactions, changes: s.changes, rate: s.rate(), lagMs: s.lag() });
  }

  /** Stopped: by a signal (`e` undefined) or by a failure, recorded for status. */
  async stop(from: string, e?: unknown): Promise<void> {
    clearInterval(this.ticker);
    if (e === undefined) {
      await this.report(from);
      await this.save({ pid: null, stoppedAt: new Date().toISOString() });
      return;
    }
    const at = new Date().toISOString();
    const code = isRedbError(e) ? e.code : 'REDB_INTERNAL';
    await this.save({ pid: null, stoppedAt: at, lastError: { at, code, message: e instanceof Error ? e.message : String(e) } }).catch(() => undefined);
  }
}
