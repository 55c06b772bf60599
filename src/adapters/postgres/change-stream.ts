import type { ChangeEvent, Position } from '../changes.js';
import { commitEvent, type PgChangeDecoder } from './change-events.js';
import { formatLsn } from './lsn.js';
import { decodePgoutput, isMetadata, isRowChange, STREAM_CONTROL, streamedXid } from './pgoutput.js';
import type { ReplicationSession } from './replication.js';
import { Spill } from './spill.js';

/**
 * The frames of a replication session as change events.
 *
 * - XLogData frames carry pgoutput messages. A transaction decoded whole (Begin ... Commit) goes
 *   out as it arrives, in the runs its frames came in: nothing is held however large it is.
 * - A streamed transaction (protocol 2: Stream Start ... Stream Stop blocks, as the server's
 *   logical_decoding_work_mem fills, then Stream Commit or Stream Abort) is written to a spill
 *   file and read back only at Stream Commit, in its commit order. One that aborts, or a
 *   subtransaction of it that aborts, never surfaces.
 * - Keepalive frames carry how far the server has read the WAL. Outside any transaction, every
 *   change before that point has been sent, so it goes out as a heartbeat: acknowledging it lets
 *   the server free the WAL of an idle database (or one busy only with other databases' writes).
 */

export interface ChangeStreamOptions {
  readonly from: bigint;
  readonly signal?: AbortSignal | undefined;
  readonly heartbeatMs: number;
}

/** Events of a streamed transaction replayed from its spill file go out in runs of this many. */
const REPLAY_RUN = 1_024;

/**
 * The events in runs: those of the frames that were ready together (ReplicationSession.runs), so
 * that a consumer pays a promise a run instead of one an event. A run may end inside a transaction.
 */
export async function* pgChangeRuns(session: ReplicationSession, decoder: PgChangeDecoder, options: ChangeStreamOptions): AsyncGenerator<ChangeEvent[]> {
  const spill = await Spill.create({ xidOf: streamedXid, keep: isMetadata });
  let inTransaction = false;
  let streaming: number | undefined;
  let surfaced = options.from;
  let lastBeat = 0;
  // Aborted between transactions: stop at once (a frame may be long in coming); inside one, after its commit.
  const stop = () => {
    if (!inTransaction) void session.close();
  };
  options.signal?.addEventListener('abort', stop);
  try {
    for await (const frames of session.runs()) {
      if (options.signal?.aborted && !inTransaction) return;
      let run: ChangeEvent[] = [];
      for (const frame of frames) {
        const kind = frame[0];
        if (kind === 0x6b /* k: keepalive */) {
          const walEnd = frame.readBigUInt64BE(1);
          if (frame[17] === 1) session.status(false);
          const now = Date.now();
          if (!inTransaction && streaming === undefined && walEnd > surfaced && now - lastBeat >= options.heartbeatMs) {
            lastBeat = now;
            surfaced = walEnd;
            const state = decoder.takeState();
            run.push({
              kind: 'heartbeat',
              position: formatLsn(walEnd) as Position,
              at: new Date(now).toISOString(),
              ...(state === undefined ? {} : { state }),
            });
          }
          continue;
        }
        if (kind !== 0x77 /* w: XLogData */) continue;
        // The pgoutput message follows the frame's 25-byte header (read in place: a slice a frame was garbage to collect).
        if (streaming !== undefined && !STREAM_CONTROL.has(frame[25] ?? 0)) {
          await spill.append(streaming, frame.subarray(25));
          continue;
        }
        const m = decodePgoutput(frame, false, 25);
        switch (m.tag) {
          case 'begin':
            inTransaction = true;
            run.push({ kind: 'begin', transaction: String(m.xid) });
            break;
          case 'commit':
            inTransaction = false;
            if (m.endLsn > surfaced) surfaced = m.endLsn;
            run.push(commitEvent(m.endLsn, m.commitTime, decoder.takeState()));
            break;
          case 'streamStart':
            streaming = m.xid;
            break;
          case 'streamStop':
            streaming = undefined;
            break;
          case 'streamAbort':
            await spill.abort(m.xid, m.subxid);
            break;
          case 'streamCommit': {
            // What came before goes first; the transaction is read back from its spill file a run at a time.
            if (run.length > 0) yield run;
            run = [{ kind: 'begin', transaction: String(m.xid) }];
            inTransaction = true;
            for await (const record of spill.replay(m.xid)) {
              const r = decodePgoutput(record, true);
              if (isRowChange(r)) run.push(decoder.change(r));
              else for await (const e of decoder.events(r)) run.push(e);
              if (run.length >= REPLAY_RUN) {
                yield run;
                run = [];
              }
            }
            inTransaction = false;
            if (m.endLsn > surfaced) surfaced = m.endLsn;
            run.push(commitEvent(m.endLsn, m.commitTime, decoder.takeState()));
            break;
          }
          case 'insert':
          case 'update':
          case 'delete':
            run.push(decoder.change(m));
            break;
          default:
            for await (const e of decoder.events(m)) run.push(e);
        }
        // A stop asked for while the run was decoded: it ends at this commit.
        if ((m.tag === 'commit' || m.tag === 'streamCommit') && options.signal?.aborted) {
          yield run;
          return;
        }
      }
      if (run.length > 0) yield run;
    }
    // The server ended the session (a shutdown or a restart, a connection cut): the job must connect again, not end.
    if (!options.signal?.aborted) throw new Error('the server closed the replication connection');
  } catch (e) {
    if (!options.signal?.aborted) throw e;
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await spill.close();
  }
}
