import { switchBranch } from '../ops/refs.js';
import { paint, shortId, type Io } from './output.js';
import type { Opts } from './verbs.js';

export default async function run(io: Io, branch: string, opts: Opts<'switch'>): Promise<number> {
  const r = await switchBranch({ cwd: io.cwd, branch, create: opts.create === true, discardChanges: opts.discardChanges === true });
  io.out(r.created ? `Switched to a new branch '${paint.bold(io, r.branch)}'` : `Switched to branch '${paint.bold(io, r.branch)}' at ${shortId(r.id)}`);
  return 0;
}
