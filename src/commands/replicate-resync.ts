import type { ResyncEvent } from '../ops/replicate-resync.js';
import { paint, type Io } from './output.js';
import type { Opts } from './verbs.js';

/**
 * `redb replicate resync <job>`: after the source lost the changes after the job's position, copy
 * again only the tables that differ, then stream on in the foreground as `redb replicate` does
 * (`--no-stream`: stop after the copy).
 */
export async function resync(io: Io, job: string, opts: Opts<'replicate resync'>): Promise<number> {
  const asJson = opts.json === true;
  const tables = opts.tables
    ?.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const view = (e: ResyncEvent) => {
    if (asJson) io.out(JSON.stringify({ ...e, type: `resync-${e.type}` }));
    else if (e.type === 'handoff') io.err(`new hand-off at ${e.position}; comparing the tables with the source`);
    else if (e.type === 'compared')
      io.err(paint.dim(io, `${e.table}: ${e.match ? 'equal' : `differs (${e.sourceRows} rows on the source, ${e.targetRows} on the target)`}`));
    else io.err(`${e.table}: copied again, ${e.rows} rows`);
  };
  const { replicateResync } = await import('../ops/replicate-resync.js');
  const r = await replicateResync({ cwd: io.cwd, env: io.env, job, ...(tables === undefined ? {} : { tables }), onEvent: view, signal: io.signal });
  if (!asJson) io.err(`${r.job}: ${r.recopied.length} of ${r.compared.length} tables copied again; the stream goes on from ${r.position}`);
  if (opts.stream === false) {
    if (asJson) io.out(JSON.stringify({ type: 'resynced', job: r.job, position: r.position, recopied: r.recopied }));
    return 0;
  }
  // Streams on as the job itself, with its own options (the target's position is now the new hand-off's).
  const run = (await import('./replicate.js')).default;
  return run(io, r.record.source, r.record.target, {
    name: r.record.job,
    ...(r.record.tables.length === 0 ? {} : { tables: r.record.tables.join(',') }),
    ...(r.record.mask === null ? {} : { mask: r.record.mask.file }),
    ...(r.record.allowLossy ? { allow: 'lossy' } : {}),
    ...(asJson ? { json: true } : {}),
  });
}
