import { z } from 'zod';
import { errors, RedbError } from '../errors.js';

/**
 * The daemon's control protocol: one JSON object per line, each way, over the owner-only Unix
 * socket. Every request names the protocol version, an id the answer repeats, and the token from
 * `.redb/state/daemon.json`. Both ends validate what they read; a malformed line is answered with
 * REDB_DAEMON_PROTOCOL and the connection is closed. Failures travel as redb's coded errors.
 */

export const PROTOCOL_VERSION = 1;
/** A line longer than this is refused before it is parsed. */
export const MAX_LINE_BYTES = 1 << 20;

const base = { v: z.literal(PROTOCOL_VERSION), id: z.number().int().nonnegative(), token: z.string() };
export const Request = z.discriminatedUnion('op', [
  z.object({ ...base, op: z.literal('status') }).strict(),
  z.object({ ...base, op: z.literal('stop') }).strict(),
  /** Read `.redb/jobs.json` again and make the running jobs match it; answers with the status (of `job`, once it settled). */
  z.object({ ...base, op: z.literal('reload'), job: z.string().optional() }).strict(),
]);
export type Request = z.infer<typeof Request>;
export type RequestOp = Request['op'];

export const ErrorJson = z
  .object({
    code: z.string().regex(/^REDB_[A-Z0-9_]+$/),
    message: z.string(),
    hint: z.string().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    exitCode: z.number().int().min(1).max(255).optional(),
  })
  .strict();

export const Response = z.union([
  z.object({ v: z.literal(PROTOCOL_VERSION), id: z.number().int().nonnegative(), ok: z.literal(true), result: z.unknown() }).strict(),
  // id null: the request could not be read far enough to know its id.
  z.object({ v: z.literal(PROTOCOL_VERSION), id: z.number().int().nonnegative().nullable(), ok: z.literal(false), error: ErrorJson }).strict(),
]);
export type Response = z.infer<typeof Response>;

export const JobState = z.enum(['starting', 'running', 'backoff', 'paused', 'stopping', 'stopped']);
export type JobState = z.infer<typeof JobState>;

/** What a job's JSON lines last said, in the fields the daemon understands (see docs/daemon.md). */
export const JobReport = z
  .object({
    at: z.string(),
    type: z.string().optional(),
    phase: z.string().optional(),
    position: z.string().optional(),
    transactions: z.number().optional(),
    changes: z.number().optional(),
    /** Changes per second. */
    rate: z.number().optional(),
    lagMs: z.object({ p50: z.number(), p99: z.number(), last: z.number() }).strict().nullable().optional(),
    /** Bytes of change log the source keeps for the job (PostgreSQL: WAL behind the slot). */
    retainedWalBytes: z.number().optional(),
  })
  .strict();
export type JobReport = z.infer<typeof JobReport>;

export const JobStatus = z
  .object({
    name: z.string(),
    source: z.string(),
    target: z.string(),
    state: JobState,
    pid: z.number().int().nullable(),
    /** When the current state began. */
    since: z.string(),
    /** Restarts since the daemon started. */
    restarts: z.number().int().nonnegative(),
    lastExit: z.object({ code: z.number().int().nullable(), signal: z.string().nullable(), at: z.string(), reason: z.string() }).strict().nullable(),
    /** In backoff: when the next attempt starts. */
    nextStartAt: z.string().nullable(),
    report: JobReport.nullable(),
  })
  .strict();
export type JobStatus = z.infer<typeof JobStatus>;

export const DaemonStatus = z
  .object({
    pid: z.number().int().positive(),
    started: z.string(),
    socket: z.string(),
    metrics: z.string().nullable(),
    logFile: z.string(),
    jobs: z.array(JobStatus),
  })
  .strict();
export type DaemonStatus = z.infer<typeof DaemonStatus>;

export const StopResult = z.object({ pid: z.number().int().positive() }).strict();

/** What each request answers with, checked by the client. */
export const RESULTS = { status: DaemonStatus, reload: DaemonStatus, stop: StopResult } as const satisfies Record<RequestOp, z.ZodType>;

export const encode = (message: Request | Response): string => `${JSON.stringify(message)}\n`;

/** The coded error a response carries, as thrown by the client (a daemon of an older build sent no exit code: 1). */
export const errorOf = (json: z.infer<typeof ErrorJson>): RedbError => RedbError.fromJSON({ exitCode: 1, data: {}, ...json });

/** A coded error as it crosses the socket: undefined hint left out, data made plain JSON, its exit code kept. */
export function errorJsonOf(e: RedbError): z.infer<typeof ErrorJson> {
  const json = e.toJSON();
  return {
    code: json.code,
    message: json.message,
    ...(json.hint === undefined ? {} : { hint: json.hint }),
    data: JSON.parse(JSON.stringify(json.data ?? {})) as Record<string, unknown>,
    exitCode: json.exitCode,
  };
}

/** A request line, validated; a coded error says what is wrong with it. */
export function decodeRequest(line: string): Request {
  return decode(line, Request, 'request');
}

export function decodeResponse(line: string): Response {
  return decode(line, Response, 'response');
}

function decode<T>(line: string, schema: z.ZodType<T>, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw errors.daemonProtocol(`the ${what} is not JSON: ${line.length > 60 ? `${line.slice(0, 60)}...` : line}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw errors.daemonProtocol(`invalid ${what}: ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** The id of a request line that failed validation, when it has a readable one (to address the error). */
export function requestIdOf(line: string): number | null {
  try {
    const id = (JSON.parse(line) as { id?: unknown } | null)?.id;
    return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : null;
  } catch {
    return null;
  }
}

/**
 * Split a byte stream into lines; a line past `max` bytes calls `overflow` once and the rest is
 * dropped (a peer that never sends a newline cannot grow our memory).
 */
export function lineSplitter(onLine: (line: string) => void, overflow: () => void, max = MAX_LINE_BYTES): (chunk: Buffer | string) => void {
  let pending = '';
  let broken = false;
  return (chunk) => {
    if (broken) return;
    pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl).replace(/\r$/, '');
      pending = pending.slice(nl + 1);
      if (Buffer.byteLength(line) > max) {
        broken = true;
        overflow();
        return;
      }
      if (line.trim() !== '') onLine(line);
      if (broken) return;
    }
    if (Buffer.byteLength(pending) > max) {
      broken = true;
      overflow();
    }
  };
}
