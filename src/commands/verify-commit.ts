import { errors } from '../errors.js';
import { verifyTag } from '../ops/annotated-tag.js';
import { verifyCommit, type VerifyResult } from '../ops/signatures.js';
import { json, type Io } from './output.js';
import { signatureLine } from './signature-text.js';
import type { Opts } from './verbs.js';

/** As git verify-commit: exit 0 only when verified (here: both signatures hold and the signer is trusted). */
function finish(io: Io, what: string, result: VerifyResult, asJson: boolean | undefined): number {
  if (result.status !== 'verified') {
    if (!asJson) io.err(signatureLine(io, result));
    throw errors.notVerified(what, result.status, result.reason);
  }
  if (asJson) json(io, result);
  else io.out(signatureLine(io, result));
  return 0;
}

export default async function run(io: Io, ref: string, opts: Opts<'verify-commit'>): Promise<number> {
  const result = await verifyCommit({ cwd: io.cwd, env: io.env, ref });
  return finish(io, `commit ${result.id.slice(0, 7)}`, result, opts.json);
}

export async function tag(io: Io, name: string, opts: Opts<'verify-tag'>): Promise<number> {
  return finish(io, `tag ${name}`, await verifyTag({ cwd: io.cwd, env: io.env, name }), opts.json);
}
