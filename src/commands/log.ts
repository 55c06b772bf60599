import { errors } from '../errors.js';
import { log } from '../ops/log.js';
import { json, paint, shortId, type Io } from './output.js';
import { signatureLine, signatureMark } from './signature-text.js';
import type { Opts } from './verbs.js';

/** `-n <n>`: a whole number; 0 is valid and shows nothing, as with git. */
function maxCount(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw errors.usage(`-n takes a number of commits (0 or more), not '${text}'`, 'e.g. redb log -n 5');
  return Number(text);
}

export default async function run(io: Io, ref: string | undefined, opts: Opts<'log'>): Promise<number> {
  const limit = maxCount(opts.maxCount);
  const entries = await log({
    cwd: io.cwd,
    ...(ref === undefined ? {} : { ref }),
    ...(limit === undefined ? {} : { limit }),
    showSignature: opts.showSignature === true,
  });
  if (opts.json) {
    json(io, entries);
    return 0;
  }
  if (entries.length === 0 && limit !== 0) io.out(paint.dim(io, 'no commits yet'));
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
    io.out(
      `\n${e.message
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n')}\n`,
    );
  }
  return 0;
}
