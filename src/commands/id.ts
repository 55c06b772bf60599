import { identity } from '../ops/identity.js';
import { json, paint, type Io } from './output.js';
import { passphrasePrompt } from './prompt.js';
import type { Opts } from './verbs.js';

export default async function run(io: Io, opts: Opts<'id'>): Promise<number> {
  const prompt = passphrasePrompt(io);
  const me = await identity({ cwd: io.cwd, env: io.env, ...(prompt === undefined ? {} : { prompt }) });
  if (opts.json) {
    json(io, me);
    return 0;
  }
  if (me.created) io.err(paint.dim(io, `created a new identity in ${me.keyFile}${me.passphrase ? ' (under a passphrase)' : ''}`));
  io.out(me.id);
  io.out(paint.dim(io, `ssh:       ${me.ssh}`));
  io.out(paint.dim(io, `recipient: ${me.recipient.slice(0, 24)}… (${me.recipient.length} characters; redb id --json has it whole)`));
  io.out(paint.dim(io, `keys:      ${me.keyFile}${me.passphrase ? ' (passphrase)' : ''}`));
  return 0;
}
