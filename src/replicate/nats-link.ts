import type { JetStreamClient, JetStreamManager, StoredMsg, StreamInfo } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { errors, isRedbError } from '../errors.js';
import { parseJson, STREAM_DESCRIPTION, subjects } from './nats-envelope.js';
import type { NatsAddress } from './nats-url.js';

/**
 * A connection to a NATS server with JetStream, and the stream a job uses. The client loads on
 * first use only (start-up of other commands never pays for it). A server that cannot be reached,
 * one without JetStream, and a stream that is not redb's are refused here, before anything moves.
 */

export interface NatsLink {
  readonly address: NatsAddress;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  close(): Promise<void>;
}

/** How long the stream remembers message ids: a publisher restarted within it publishes nothing twice. */
export const DUPLICATE_WINDOW_NS = 24 * 3600 * 1e9;

const detailOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function openNats(address: NatsAddress, name: string): Promise<NatsLink> {
  const [{ connect }, { jetstream, jetstreamManager }] = await Promise.all([import('@nats-io/transport-node'), import('@nats-io/jetstream')]);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: address.server,
      name: `redb ${name}`,
      timeout: 5000,
      maxReconnectAttempts: -1,
      ...(address.user === undefined ? {} : { user: address.user, pass: address.pass }),
    });
  } catch (e) {
    throw errors.natsUnreachable(address.name, detailOf(e)).because(e);
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    return { address, nc, js: jetstream(nc, { timeout: 10_000 }), jsm, close: () => nc.close() };
  } catch (e) {
    await nc.close().catch(() => undefined);
    if (/jetstream (is )?not enabled/i.test(detailOf(e)) || (e as { name?: string }).name === 'JetStreamNotEnabled')
      throw errors.natsNoJetStream(address.name).because(e);
    throw errors.natsUnreachable(address.name, detailOf(e)).because(e);
  }
}

/** The stream's info, or undefined when there is none. */
export async function streamInfo(link: NatsLink): Promise<StreamInfo | undefined> {
  try {
    return await link.jsm.streams.info(link.address.stream);
  } catch (e) {
    if ((e as { name?: string }).name === 'StreamNotFoundError' || /stream not found/i.test(detailOf(e))) return undefined;
    throw errors.natsUnreachable(link.address.name, detailOf(e)).because(e);
  }
}

/** The last message on a subject, or undefined. */
export async function lastOn(link: NatsLink, subject: string): Promise<StoredMsg | undefined> {
  try {
    return (await link.jsm.streams.getMessage(link.address.stream, { last_by_subj: subject })) ?? undefined;
  } catch (e) {
    if (/no message found/i.test(detailOf(e))) return undefined;
    throw e;
  }
}

/** The message at sequence `seq`, or undefined when the stream no longer holds it. */
export async function messageAt(link: NatsLink, seq: number): Promise<StoredMsg | undefined> {
  try {
    return (await link.jsm.streams.getMessage(link.address.stream, { seq })) ?? undefined;
  } catch (e) {
    if (/no message found/i.test(detailOf(e))) return undefined;
    throw e;
  }
}

/** The first message on a subject at or after sequence `seq`, or undefined. */
export async function nextOn(link: NatsLink, subject: string, seq: number): Promise<StoredMsg | undefined> {
  // The server takes `next_by_subj` (2.9 and later); the client's type names only the other two requests.
  const query = { seq, next_by_subj: subject } as unknown as { seq: number };
  try {
    return (await link.jsm.streams.getMessage(link.address.stream, query)) ?? undefined;
  } catch (e) {
    if (/no message found/i.test(detailOf(e))) return undefined;
    throw e;
  }
}

/**
 * A stream redb may use: its own (marked by its description), or one that holds nothing yet.
 * Anything else holds someone else's messages and is refused, whatever its subjects.
 */
export async function checkRedbStream(link: NatsLink, info: StreamInfo): Promise<void> {
  const { stream } = link.address;
  if (info.config.description === STREAM_DESCRIPTION) {
    if (!info.config.subjects?.includes(subjects(stream).all))
      throw errors.natsForeignStream(stream, `its subjects are ${(info.config.subjects ?? []).join(', ')}, not ${subjects(stream).all}`);
    return;
  }
  // An empty stream made by hand is taken, if its subjects are the ones redb publishes on.
  if (info.state.messages === 0 && info.config.subjects?.includes(subjects(stream).all) === true) return;
  if (info.state.messages === 0)
    throw errors.natsForeignStream(
      stream,
      `it was not made by redb, and its subjects are ${(info.config.subjects ?? []).join(', ')}, not ${subjects(stream).all}`,
    );
  const first = await link.jsm.streams.getMessage(stream, { seq: info.state.first_seq }).catch(() => null);
  const sample =
    first === null
      ? 'its messages cannot be read'
      : parseJson(first.data) === undefined
        ? `message ${first.seq} on ${first.subject} is not JSON`
        : `message ${first.seq} on ${first.subject} is no redb event`;
  throw errors.natsForeignStream(stream, sample);
}

/** The stream, made when missing (subjects `<stream>.>`, a duplicate window that covers a restart). */
export async function ensureStream(link: NatsLink): Promise<StreamInfo> {
  const found = await streamInfo(link);
  if (found !== undefined) {
    await checkRedbStream(link, found);
    return found;
  }
  try {
    const { StorageType, RetentionPolicy } = await import('@nats-io/jetstream');
    return await link.jsm.streams.add({
      name: link.address.stream,
      description: STREAM_DESCRIPTION,
      subjects: [subjects(link.address.stream).all],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: DUPLICATE_WINDOW_NS,
    });
  } catch (e) {
    if (isRedbError(e)) throw e;
    // Made meanwhile by another publisher of the same name: take it as found.
    const again = await streamInfo(link);
    if (again === undefined) throw errors.natsUnreachable(link.address.name, detailOf(e)).because(e);
    await checkRedbStream(link, again);
    return again;
  }
}
