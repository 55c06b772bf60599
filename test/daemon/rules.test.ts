import { describe, expect, it } from 'vitest';
import { backoffDelay, failuresAfter } from '../../src/daemon/backoff.js';
import { exitReason, failureLine, readJobLine } from '../../src/daemon/job-report.js';
import { renderMetrics } from '../../src/daemon/metrics.js';
import { parseMetricsAddress } from '../../src/ops/daemon.js';
import { decodeRequest, decodeResponse, encode, errorJsonOf, errorOf, lineSplitter } from '../../src/ops/daemon-protocol.js';
import { jobArgv, type DaemonJob } from '../../src/repo/daemon-jobs.js';
import { parseAllow } from '../../src/commands/replicate.js';
import { VERBS } from '../../src/commands/verbs.js';
import { errors, RedbError } from '../../src/errors.js';

/** The daemon's decisions as plain functions: backoff, reading job lines, metrics text, the protocol. */

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof RedbError ? e.code : 'not a RedbError';
  }
  return undefined;
};

describe('backoff', () => {
  const policy = { baseMs: 1000, maxMs: 60_000, stableMs: 60_000 };
  it('doubles with each failure in a row, up to the ceiling', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 60].map((n) => backoffDelay(n, policy))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });
  it('a run that lasted counts as healthy: the count starts over', () => {
    expect(failuresAfter(5, 59_999, policy)).toBe(6);
    expect(failuresAfter(5, 60_000, policy)).toBe(1);
  });
});

describe('job lines', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  it('merges what a progress line says into the report', () => {
    const first = readJobLine(JSON.stringify({ type: 'streaming', from: '0/16' }), null, now);
    expect(first).toEqual({ kind: 'report', report: { at: now.toISOString(), type: 'streaming', position: '0/16' } });
    const next = readJobLine(
      JSON.stringify({ type: 'progress', position: '0/20', changes: 9, rate: 3, lagMs: { p50: 1, p99: 2, last: 3 }, retainedWalBytes: 10 }),
      first.kind === 'report' ? first.report : null,
      now,
    );
    expect(next).toMatchObject({
      kind: 'report',
      report: { type: 'progress', position: '0/20', changes: 9, rate: 3, lagMs: { p50: 1, p99: 2, last: 3 }, retainedWalBytes: 10 },
    });
  });
  it('tells problems and other lines apart', () => {
    expect(readJobLine(JSON.stringify({ type: 'retry', attempt: 2, error: 'connection refused' }), null, now)).toMatchObject({
      kind: 'problem',
      text: 'connection refused',
    });
    expect(readJobLine(JSON.stringify({ error: { code: 'REDB_X', message: 'boom' } }), null, now)).toMatchObject({
      kind: 'problem',
      text: 'error[REDB_X]: boom',
    });
    expect(readJobLine('copying 3 tables', null, now)).toEqual({ kind: 'other', text: 'copying 3 tables' });
    expect(readJobLine('[1,2]', null, now).kind).toBe('other');
  });
  it("finds redb's error line on stderr as the reason", () => {
    expect(failureLine(['warning: x', 'error[REDB_DB_UNREACHABLE]: gone (hint)', 'at foo'])).toBe('error[REDB_DB_UNREACHABLE]: gone (hint)');
    expect(failureLine(['Segmentation fault', ''])).toBe('Segmentation fault');
    expect(exitReason(1, null, 'error[REDB_X]: y', false)).toBe('exited with code 1: error[REDB_X]: y');
    expect(exitReason(null, 'SIGKILL', undefined, false)).toBe('killed by SIGKILL');
  });
});

describe('metrics', () => {
  it('renders every job family with HELP and TYPE, labels escaped', () => {
    const text = renderMetrics(
      {
        pid: 1,
        started: '2030-01-01T00:00:00.000Z',
        socket: '/x',
        metrics: null,
        logFile: '/x.log',
        jobs: [
          {
            name: 'a"b',
            source: 's',
            target: 't',
            state: 'running',
            pid: 2,
            since: '2030-01-01T00:00:00.000Z',
            restarts: 3,
            lastExit: null,
            nextStartAt: null,
            report: { at: '2030-01-01T00:00:01.000Z', lagMs: { p50: 10, p99: 1500, last: 5 }, rate: 4 },
          },
        ],
      },
      new Date('2030-01-01T00:00:10.000Z'),
    );
    expect(text).toContain('redb_job_state{job="a\\"b",state="running"} 1');
    expect(text).toContain('redb_job_restarts_total{job="a\\"b"} 3');
    expect(text).toContain('redb_job_lag_seconds{job="a\\"b",quantile="0.99"} 1.5');
    expect(text).toContain('redb_job_state_seconds{job="a\\"b"} 10');
    expect(text).toContain('# TYPE redb_job_restarts_total counter');
    expect(text.endsWith('\n')).toBe(true);
  });
  it('listens on loopback only', () => {
    expect(parseMetricsAddress('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseMetricsAddress('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseMetricsAddress('localhost:1')).toEqual({ host: 'localhost', port: 1 });
    for (const bad of ['0.0.0.0:9464', '10.0.0.1:1', 'example.com:80', '127.0.0.1', '127.0.0.1:70000'])
      expect(
        code(() => parseMetricsAddress(bad)),
        bad,
      ).toBe('REDB_DAEMON_METRICS_ADDRESS');
  });
});

describe('control protocol', () => {
  it('accepts only well-formed requests', () => {
    expect(decodeRequest('{"v":1,"id":2,"token":"t","op":"reload","job":"a"}')).toEqual({ v: 1, id: 2, token: 't', op: 'reload', job: 'a' });
    for (const bad of [
      '',
      'nope',
      '{}',
      '{"v":2,"id":1,"token":"t","op":"status"}',
      '{"v":1,"id":-1,"token":"t","op":"status"}',
      '{"v":1,"id":1,"token":"t","op":"status","x":1}',
      '{"v":1,"id":1,"op":"stop"}',
    ]) {
      expect(
        code(() => decodeRequest(bad)),
        bad,
      ).toBe('REDB_DAEMON_PROTOCOL');
    }
  });
  it('carries coded errors back as they were', () => {
    const r = decodeResponse('{"v":1,"id":1,"ok":false,"error":{"code":"REDB_DAEMON_RUNNING","message":"m","hint":"h","data":{"pid":3}}}');
    expect(r).toMatchObject({ ok: false, error: { code: 'REDB_DAEMON_RUNNING', hint: 'h', data: { pid: 3 } } });
    const e = RedbError.fromJSON({ code: 'REDB_DAEMON_RUNNING', message: 'm', hint: 'h', data: { pid: 3 }, exitCode: 1 });
    expect(e.toJSON()).toEqual({ code: 'REDB_DAEMON_RUNNING', message: 'm', hint: 'h', data: { pid: 3 }, exitCode: 1 });
    expect(code(() => decodeResponse('{"v":1,"id":1,"ok":false,"error":{"code":"oops","message":"m"}}'))).toBe('REDB_DAEMON_PROTOCOL');
  });
  it('an error the daemon sends is the one the client throws, exit code included', () => {
    const sent = errors.replicateJobNotFound('nosuch', ['a', 'b']);
    const line = encode({ v: 1, id: 7, ok: false, error: errorJsonOf(sent) });
    const r = decodeResponse(line.trimEnd());
    if (r.ok) throw new Error('an error was sent');
    const thrown = errorOf(r.error);
    expect(thrown).toBeInstanceOf(RedbError);
    expect(thrown.toJSON()).toEqual(sent.toJSON());
    // A daemon of an older build sent no exit code: 1, not an unreadable error.
    expect(errorOf({ code: 'REDB_DAEMON_RUNNING', message: 'm' }).toJSON()).toMatchObject({ code: 'REDB_DAEMON_RUNNING', exitCode: 1 });
  });
  it('splits lines across chunks and stops at an overlong one', () => {
    const lines: string[] = [];
    let overflow = 0;
    const feed = lineSplitter(
      (l) => lines.push(l),
      () => overflow++,
      8,
    );
    feed('ab');
    feed('c\r\nde\n\n');
    feed('0123456789');
    feed('more\n');
    expect(lines).toEqual(['abc', 'de']);
    expect(overflow).toBe(1);
  });
});

describe('job records', () => {
  it('run as the foreground replicate command, as JSON lines, --yes only where the user gave it', () => {
    const nightly: DaemonJob = {
      kind: 'replicate',
      source: 'prod',
      target: 'sqlite:copy.db',
      tables: ['a', 'b'],
      mask: 'policy.yaml',
      allowLossy: true,
      paused: false,
      created: 'x',
    };
    const args = ['replicate', 'prod', 'sqlite:copy.db', '--name', 'nightly', '--tables', 'a,b', '--mask', 'policy.yaml', '--allow', 'lossy', '--json'];
    expect(jobArgv('nightly', nightly)).toEqual(args);
    expect(jobArgv('nightly', { ...nightly, yes: true })).toEqual([...args, '--yes']);
  });

  it('take only flags the replicate command has, --allow with both of its values', () => {
    const args = jobArgv('full', {
      kind: 'replicate',
      source: 'prod',
      target: 'sqlite:copy.db',
      tables: ['a'],
      mask: 'policy.yaml',
      allowLossy: true,
      allowDrops: true,
      paused: false,
      created: 'x',
    });
    const known = new Set(VERBS.replicate.options.flatMap((o) => o.flags.split(/[\s,]+/).filter((f) => f.startsWith('-'))));
    for (const flag of args.filter((a) => a.startsWith('-'))) expect(known).toContain(flag);
    expect(args.slice(args.indexOf('--allow'), args.indexOf('--allow') + 2)).toEqual(['--allow', 'lossy,drops-data']);
    expect(parseAllow(args[args.indexOf('--allow') + 1])).toEqual({ allowLossy: true, allowDrops: true });
    expect(jobArgv('drops', { kind: 'replicate', source: 'a', target: 'b', allowDrops: true, paused: false, created: 'x' })).toContain('drops-data');
  });
});
