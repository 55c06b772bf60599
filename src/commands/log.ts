import { log } from '../ops/log.js';
import { json, paint, shortId, type Io } from './output.js';
import { signatureLine, signatureMark } from './signature-text.js';

export default async function run(io: Io, ref: string | undefined, opts: { json?: boolean; maxCount?: string; oneline?: boolean; showSignature?: boolean }): Promise<number> {
  const limit = opts.maxCount === undefined ? undefined : Number(opts.maxCount);
  const entries = await log({ cwd: io.cwd, ...(ref === undefined ? {} : { ref }), ...(limit === undefined || Number.isNaN(limit) ? {} : { limit }), showSignature: opts.showSignature === true });
  if (opts.json) {
    json(io, entries);
    return 0;
  }
  if (entries.length === 0) io.out(paint.dim(io, 'no commits yet'));
  for (const e of entries) {
    if (opts.oneline) {
      io.out(`${paint.yellow(io, shortId(e.id))}${e.signature === undefined ? '' : ` ${signatureMark(io, e.signature)}`} ${e.message.split('\n')[0] ?? ''}`);
      continue;
    }
    io.out(paint.yellow(io, `commit ${e.id}`));
    if (e.signature !== undefined) io.out(signatureLine(io, e.signature));
    io.out(`Author: ${e.author} <${e.email}>`);
    io.out(`Date:   ${e.date}`);
    io.out(`Changes: ${e.changes}`);
    io.out(`\n${e.message.split('\n').map((l) => `    ${l}`).join('\n')}\n`);
  }
  return 0;
}
