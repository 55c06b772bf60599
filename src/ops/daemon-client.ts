import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { errors, isNotFound } from '../errors.js';
import type { Store } from '../repo/index.js';
import { daemonPaths, readDaemonInfo, type DaemonInfo } from './daemon-files.js';
import { decodeResponse, encode, errorOf, lineSplitter, PROTOCOL_VERSION, RESULTS, type RequestOp } from './daemon-protocol.js';

/** sun_path holds 108 bytes on Linux, the last a NUL. */
export const SOCKET_PATH_LIMIT = 107;

export function checkSocketPath(socket: string): void {
  if (Buffer.byteLength(socket) > SOCKET_PATH_LIMIT) throw errors.daemonSocketPath(socket, SOCKET_PATH_LIMIT);
}

/**
 * Whether a socket file is there, and whose: a socket of another user is refused outright (we
 * neither send it our token nor replace it). Returns false when there is none.
 */
export async function socketPresent(store: Store, socket: string): Promise<boolean> {
  let st: import('node:fs').Stats;
  try {
    st = await store.fs.promises.lstat(socket);
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw errors.daemonSocketForeign(socket, st.uid, uid);
  return true;
}

type Connected = { readonly socket: Socket } | { readonly refused: string };

function open(path: string, timeoutMs: number): Promise<Connected> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(errors.daemonUnreachable(path, `no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve({ socket });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // Nobody listens: no daemon, or a socket a killed one left behind.
      if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') resolve({ refused: e.code });
      else if (e.code === 'EACCES' || e.code === 'EPERM') reject(errors.permissionDenied(path, 'connect'));
      else reject(errors.daemonUnreachable(path, e.message));
    });
  });
}

/** Whether a daemon answers on the project's socket: its info when it does. */
export async function probeDaemon(store: Store, timeoutMs = 5_000): Promise<{ running: true; info: DaemonInfo } | { running: false; staleSocket: boolean }> {
  const { socket } = daemonPaths(store);
  checkSocketPath(socket);
  if (!(await socketPresent(store, socket))) return { running: false, staleSocket: false };
  const got = await open(socket, timeoutMs);
  if ('refused' in got) return { running: false, staleSocket: got.refused === 'ECONNREFUSED' };
  got.socket.destroy();
  // The daemon listens first and writes daemon.json right after: give a starting one a moment.
  for (let i = 0; i < 40; i++) {
    const info = await readDaemonInfo(store);
    if (info !== undefined) return { running: true, info };
    await sleep(50);
  }
  throw errors.daemonUnreachable(socket, 'it listens, but .redb/state/daemon.json is missing');
}

export type Result<Op extends RequestOp> = z.infer<(typeof RESULTS)[Op]>;

/**
 * One request to the project's daemon: undefined when no daemon runs. The answer is validated; a
 * failure the daemon reports is thrown as the coded error it sent.
 */
export async function callDaemon<Op extends RequestOp>(
  store: Store,
  op: Op,
  extra: { job?: string } = {},
  timeoutMs = 60_000,
): Promise<Result<Op> | undefined> {
  const probe = await probeDaemon(store);
  if (!probe.running) return undefined;
  const { socket: path } = daemonPaths(store);
  const got = await open(path, timeoutMs);
  if ('refused' in got) return undefined;
  const socket = got.socket;
  const id = 1;
  return new Promise<Result<Op>>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      fn();
    };
    const timer = setTimeout(
      () => finish(() => reject(errors.daemonUnreachable(path, `no answer to '${op}' within ${Math.round(timeoutMs / 1000)} s`))),
      timeoutMs,
    );
    const feed = lineSplitter(
      (line) =>
        finish(() => {
          try {
            const response = decodeResponse(line);
            if (response.id !== id && response.id !== null) throw errors.daemonProtocol(`the answer is for request ${response.id}, not ${id}`);
            if (!response.ok) throw errorOf(response.error);
            const result = RESULTS[op].safeParse(response.result);
            if (!result.success)
              throw errors.daemonProtocol(
                `invalid answer to '${op}': ${result.error.issues[0]?.path.join('.') ?? ''}: ${result.error.issues[0]?.message ?? 'invalid'}`,
              );
            resolve(result.data as Result<Op>);
          } catch (e) {
            reject(e);
          }
        }),
      () => finish(() => reject(errors.daemonProtocol('the answer is longer than a line may be'))),
    );
    socket.on('data', feed);
    socket.on('error', (e) => finish(() => reject(errors.daemonUnreachable(path, e.message))));
    socket.on('close', () => finish(() => reject(errors.daemonUnreachable(path, `it closed the connection before answering '${op}'`))));
    socket.write(encode({ v: PROTOCOL_VERSION, id, token: probe.info.token, op, ...extra } as never));
  });
}
