import { log } from '../ops/log.js';
import { json, paint, shortId, type Io } from './output.js';

export default async function run(io: Io, ref: string | undefined, opts: { json?: boolean; maxCount?: string; oneline?: boolean }): Promise<number> {
  const limit = opts.maxCount === undefined ? undefined : Number(opts.maxCount);
  const entries = await log({ cwd: io.cwd, ...(ref === undefined ? {} : { ref }), ...(limit === undefined || Number.isNaN(limit) ? {} : { limit }) });
  if (opts.json) {
    json(io, entries);
    return 0;
  }
  if (entries.length === 0) io.out(paint.dim(io, 'no commits yet'));
  for (const e of entries) {
    if (opts.oneline) {
      io.out(`${paint.yellow(io, shortId(e.id))} ${e.message.split('\n')[0] ?? ''}`);
      continue;
    }
    io.out(paint.yellow(io, `commit ${e.id}`));
    io.out(`Author: ${e.author} <${e.email}>`);
    io.out(`Date:   ${e.date}`);
    io.out(`Changes: ${e.changes}`);
    io.out(`\n${e.message.split('\n').map((l) => `    ${l}`).join('\n')}\n`);
  }
  return 0;
}
