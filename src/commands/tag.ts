import { tagCreate, tagDelete, tagList } from '../ops/refs.js';
import { json, paint, shortId, table, type Io } from './output.js';
import { passphrasePrompt } from './prompt.js';
import type { Opts } from './verbs.js';

export default async function run(io: Io, name: string | undefined, ref: string | undefined, opts: Opts<'tag'>): Promise<number> {
  if (name !== undefined && opts.delete) {
    const t = await tagDelete({ cwd: io.cwd, name });
    io.out(`Deleted tag ${t.name} (was ${shortId(t.id)})`);
    return 0;
  }
  if (name !== undefined) {
    const prompt = passphrasePrompt(io);
    const t = await tagCreate({
      cwd: io.cwd,
      name,
      ...(ref === undefined ? {} : { ref }),
      ...(opts.sign === true ? { sign: true } : {}),
      ...(opts.message === undefined ? {} : { message: opts.message }),
      ...(prompt === undefined ? {} : { prompt }),
    });
    io.out(`Tagged ${shortId(t.id)} as ${paint.bold(io, t.name)}`);
    return 0;
  }
  const tags = await tagList({ cwd: io.cwd });
  if (opts.json) json(io, tags);
  else io.out(table(tags.map((t) => [t.name, paint.dim(io, shortId(t.id))])));
  return 0;
}
