import { validateJobName } from '../adapters/changes.js';
import { errors } from '../errors.js';
import type { Store } from '../repo/paths.js';
import type { JobResult } from '../replicate/job.js';
import { defaultJobName, type JobRecord } from '../replicate/job-record.js';
import { isNatsUrl, parseNatsUrl } from '../replicate/nats-url.js';
import { sourceMasking } from './clone.js';
import { openEndpoint, type OpContext } from './context.js';
import type { ReplicateOptions } from './replicate.js';
import { jobRecords } from './replicate-jobs.js';

/**
 * Replication through a NATS JetStream stream: a database published into one
 * (`redb replicate <src> nats://host:port/<stream>`), or one applied from it into a database
 * (`redb replicate nats://host:port/<stream> <dst>`). The NATS client loads only here.
 */
export async function replicateNats(ctx: OpContext & ReplicateOptions, store: Store): Promise<JobResult> {
  if (isNatsUrl(ctx.source) && isNatsUrl(ctx.target))
    throw errors.usage(
      'replicate takes a database on one side of a NATS stream',
      'publish with redb replicate <src> nats://…/<stream>, apply with redb replicate nats://…/<stream> <dst>',
    );
  // Masked before anything leaves the source: a consumer only ever sees what the publisher masked.
  if (ctx.mask !== undefined && isNatsUrl(ctx.source))
    throw errors.usage(
      '--mask is taken by the publisher of a NATS stream, not by its consumers',
      'publish with redb replicate <src> nats://…/<stream> --mask <policy>',
    );
  const env = ctx.env ?? process.env;
  if (isNatsUrl(ctx.target)) {
    const nats = parseNatsUrl(ctx.target, env);
    const source = await openEndpoint(store, ctx.source, ctx);
    const job =
      ctx.name === undefined ? defaultJobName({ name: source.name, url: source.db.url }, { name: nats.stream, url: nats.url }) : validateJobName(ctx.name);
    // The project's access policy decides, as for direct replication, what may leave and how masked.
    const { masker, log } = await sourceMasking(store, source.name, ctx, 'replicate');
    const { publishToNats } = await import('../replicate/nats-publish.js');
    try {
      return await publishToNats({
        records: jobRecords(store),
        job,
        source,
        sourceUrl: source.db.url,
        nats,
        tables: ctx.tables,
        masker,
        heartbeatMs: ctx.heartbeatMs,
        onEvent: ctx.onEvent,
        signal: ctx.signal,
      });
    } finally {
      await log();
    }
  }
  const nats = parseNatsUrl(ctx.source, env);
  const target = await openEndpoint(store, ctx.target, ctx);
  const job =
    ctx.name === undefined ? defaultJobName({ name: nats.stream, url: nats.url }, { name: target.name, url: target.db.url }) : validateJobName(ctx.name);
  const { consumeFromNats } = await import('../replicate/nats-consume.js');
  return consumeFromNats({
    records: jobRecords(store),
    job,
    nats,
    target,
    targetUrl: target.db.url,
    tables: ctx.tables,
    allowLossy: ctx.allowLossy,
    allowDrops: ctx.allowDrops,
    onEvent: ctx.onEvent,
    signal: ctx.signal,
  });
}

/** A consumer job's durable consumer, deleted from its stream (the stream and its messages stay). */
export async function dropNatsConsumer(ctx: OpContext, record: JobRecord, removed: string[]): Promise<void> {
  const nats = parseNatsUrl(record.source, ctx.env ?? process.env);
  const { openNats, streamInfo } = await import('../replicate/nats-link.js');
  const link = await openNats(nats, record.job);
  try {
    if ((await streamInfo(link)) === undefined) return;
    const there = await link.jsm.consumers.info(nats.stream, record.job).then(
      () => true,
      () => false,
    );
    if (!there) return;
    await link.jsm.consumers.delete(nats.stream, record.job);
    removed.push(`consumer ${record.job} on ${nats.name}`);
  } finally {
    await link.close().catch(() => undefined);
  }
}
