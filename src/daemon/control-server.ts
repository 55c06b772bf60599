import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { errors, RedbError } from '../errors.js';
import { decodeRequest, encode, errorJsonOf, lineSplitter, PROTOCOL_VERSION, requestIdOf, type Request } from '../ops/daemon-protocol.js';
import type { DaemonLog } from './log.js';

/**
 * The control socket: line-delimited JSON, validated here as in the client. A request that is not
 * JSON, not a known request, or not carrying the owner's token is answered with a coded error, and
 * the connection is closed: a peer that speaks garbage gets nothing more.
 */

export type Handler = (request: Request) => Promise<unknown>;

const sameToken = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function controlServer(token: string, handle: Handler, log: DaemonLog): Server {
  return createServer((socket: Socket) => {
    const reply = (id: number | null, outcome: { result: unknown } | { error: RedbError }) => {
      if (socket.destroyed) return;
      socket.write(
        'error' in outcome
          ? encode({ v: PROTOCOL_VERSION, id, ok: false, error: errorJsonOf(outcome.error) })
          : encode({ v: PROTOCOL_VERSION, id: id ?? 0, ok: true, result: outcome.result }),
      );
    };
    const refuse = (id: number | null, error: RedbError) => {
      log.warn('control request refused', { code: error.code, detail: error.message });
      reply(id, { error });
      socket.end();
    };
    socket.on('error', () => undefined);
    // A connection that says nothing is not kept forever.
    socket.setTimeout(120_000, () => socket.destroy());
    socket.on(
      'data',
      lineSplitter(
        (line) => {
          let request: Request;
          try {
            request = decodeRequest(line);
          } catch (e) {
            refuse(requestIdOf(line), e instanceof RedbError ? e : errors.daemonProtocol(String(e)));
            return;
          }
          if (!sameToken(request.token, token)) {
            refuse(request.id, errors.daemonUnauthorized());
            return;
          }
          handle(request).then(
            (result) => reply(request.id, { result }),
            (e: unknown) =>
              reply(request.id, {
                error:
                  e instanceof RedbError ? e : errors.daemonProtocol(`the daemon failed on '${request.op}': ${e instanceof Error ? e.message : String(e)}`),
              }),
          );
        },
        () => refuse(null, errors.daemonProtocol('a line longer than 1 MiB')),
      ),
    );
  });
}
