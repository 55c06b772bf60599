import { mv } from '../ops/mv.js';
import { json, warnings, type Io } from './output.js';
import type { Opts } from './verbs.js';

export default async function run(io: Io, kind: string, old: string, to: string, opts: Opts<'mv'>): Promise<number> {
  const result = await mv({ cwd: io.cwd, kind, old, new: to });
  warnings(io, result.warnings);
  if (opts.json) json(io, result);
  else io.out(`renamed ${result.text} (recorded; the next commit carries it)`);
  return 0;
}
