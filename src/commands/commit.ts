import { commit } from '../ops/commit.js';
import { changeTable, json, paint, shortId, type Io } from './output.js';
import { passphrasePrompt } from './prompt.js';
import type { Opts } from './verbs.js';

export default async function run(io: Io, opts: Opts<'commit'>): Promise<number> {
  const prompt = passphrasePrompt(io);
  const result = await commit({
    cwd: io.cwd,
    message: opts.message,
    allowEmpty: opts.allowEmpty === true,
    ...(opts.gpgSign === undefined ? {} : { sign: opts.gpgSign }),
    ...(prompt === undefined ? {} : { prompt }),
  });
  if (opts.json) {
    json(io, result);
    return 0;
  }
  io.out(`[${result.branch} ${paint.yellow(io, shortId(result.id))}] ${opts.message.split('\n')[0] ?? ''}`);
  io.out(changeTable(io, result.changes));
  if (result.recorded.length > 0) io.out(paint.dim(io, `recorded as the schema of: ${result.recorded.join(', ')}`));
  return 0;
}
