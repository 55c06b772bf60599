import { closeSync, constants, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/**
 * The daemon's log: one JSON object per line (`ts`, `level`, `msg`, and fields such as `job`), in
 * `.redb/state/daemon.log`, rotated by size to `daemon.log.1` ... `.N`. Written synchronously: a
 * daemon killed a moment later still has its last line on disk, in order.
 */

export type Level = 'info' | 'warn' | 'error';

export interface LogOptions {
  /** Rotate once the file would grow past this. */
  readonly maxBytes: number;
  /** Rotated files kept besides the current one. */
  readonly keep: number;
  /** Also hand each line here (a foreground daemon writes them to stderr, for journald). */
  readonly echo?: ((line: string) => void) | undefined;
}

export const DEFAULT_LOG_BYTES = 10 * 1024 * 1024;

export class DaemonLog {
  private fd: number | undefined;
  private size = 0;

  constructor(
    readonly file: string,
    private readonly options: LogOptions,
  ) {}

  info(msg: string, fields: Record<string, unknown> = {}): void {
    this.write('info', msg, fields);
  }

  warn(msg: string, fields: Record<string, unknown> = {}): void {
    this.write('warn', msg, fields);
  }

  error(msg: string, fields: Record<string, unknown> = {}): void {
    this.write('error', msg, fields);
  }

  write(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
    const line = `${JSON.stringify({ ts: new Date().toISOString(), level, msg, ...fields })}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      if (this.fd === undefined) this.open();
      if (this.size > 0 && this.size + bytes > this.options.maxBytes) {
        this.rotate();
        this.open();
      }
      writeSync(this.fd as number, line);
      this.size += bytes;
    } catch {
      // A full disk must not stop the jobs: the line is lost, the next one tries again.
      this.close();
    }
    this.options.echo?.(line);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): void {
    // Never through a link (O_NOFOLLOW), as every write redb makes in a project.
    this.fd = openSync(this.file, constants.O_APPEND | constants.O_CREAT | constants.O_WRONLY | constants.O_NOFOLLOW, 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    rmSync(`${this.file}.${this.options.keep}`, { force: true });
    for (let n = this.options.keep - 1; n >= 1; n--) {
      try {
        renameSync(`${this.file}.${n}`, `${this.file}.${n + 1}`);
      } catch {
        // Not there yet.
      }
    }
    renameSync(this.file, `${this.file}.1`);
  }
}

/** REDB_DAEMON_LOG_BYTES: the size past which the log rotates (default 10 MiB). */
export function logBytes(env: NodeJS.ProcessEnv): number {
  const n = Number(env.REDB_DAEMON_LOG_BYTES);
  return Number.isInteger(n) && n >= 1024 ? n : DEFAULT_LOG_BYTES;
}
