import { maskSuggest } from '../ops/mask.js';
import { json, warnings, type Io } from './output.js';
import type { Opts } from './verbs.js';

/** `redb mask suggest <db>`: the suggested policy on stdout, so it can be redirected into a file. */
export async function suggest(io: Io, db: string, opts: Opts<'mask suggest'>): Promise<number> {
  const result = await maskSuggest({ cwd: io.cwd, env: io.env, db });
  warnings(io, result.warnings);
  if (opts.json) json(io, result);
  else io.out(result.yaml);
  return 0;
}
