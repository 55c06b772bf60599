import { validateJobName } from '../adapters/changes.js';
import { errors } from '../errors.js';
import type { Store } from '../repo/paths.js';
import type { JobResult } from '../replicate/job.js';
import { defaultJobName } from '../replicate/job-record.js';
import { isNatsUrl, parseNatsUrl } from '../replicate/nats-url.js';
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
  if (ctx.mask !== undefined)
    throw errors.usage(
      '--mask is not taken with a NATS stream yet',
      'mask with redb replicate between databases, or publish from a database that holds masked rows',
    );
  const env = ctx.env ?? process.env;
  if (isNatsUrl(ctx.target)) {
    const nats = parseNatsUrl(ctx.target, env);
    const source = await openEndpoint(store, ctx.source, ctx);
    const job =
      ctx.name === undefined ? defaultJobName({ name: source.name, url: source.db.url }, { name: nats.stream, url: nats.url }) : validateJobName(ctx.name);
    const { publishToNats } = await import('../replicate/nats-publish.js');
    return publishToNats({
      records: jobRecords(store),
      job,
      source,
      sourceUrl: source.db.url,
      nats,
      tables: ctx.tables,
      heartbeatMs: ctx.heartbeatMs,
      onEvent: ctx.onEvent,
      signal: ctx.signal,
    });
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
    onEvent: ctx.onEvent,
    signal: ctx.signal,
  });
}
