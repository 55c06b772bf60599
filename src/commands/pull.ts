import { startEarlyRead } from '../ops/pull-early.js';
import { changeTable, json, paint, warnings, type Io } from './output.js';
import type { Opts } from './verbs.js';

export default async function run(io: Io, db: string, opts: Opts<'pull'>): Promise<number> {
  // The catalog read goes to the server first; the pull's modules load while it answers.
  const early = startEarlyRead({ cwd: io.cwd, db });
  if (early !== undefined) await Promise.race([early.sent, new Promise((r) => setTimeout(r, 1000).unref())]);
  const { pull } = await import('../ops/pull.js');
  const result = await pull({ cwd: io.cwd, db, discardChanges: opts.discardChanges === true, early });
  warnings(io, result.warnings);
  if (opts.json) {
    json(io, result);
    return 0;
  }
  io.out(`pulled ${result.objects} objects from ${paint.bold(io, result.db)} (${result.engine}) into schema/`);
  if (result.head === undefined) io.out(paint.dim(io, 'no commits yet: redb commit -m <message> records this schema (an empty one too)'));
  else if (result.changes.length === 0) io.out(paint.dim(io, 'the working tree matches HEAD'));
  if (result.changes.length > 0) {
    io.out(`changes against HEAD:`);
    io.out(changeTable(io, result.changes));
  }
  return 0;
}
