import { configValue } from '../ops/config-set.js';
import { json, type Io } from './output.js';
import type { Opts } from './verbs.js';

export default async function run(io: Io, key: string, value: string | undefined, opts: Opts<'config'>): Promise<number> {
  const r = await configValue({ cwd: io.cwd, key, ...(value === undefined ? {} : { value }) });
  if (opts.json) json(io, r);
  else if (value === undefined) {
    // As git config: an unset key prints nothing and exits 1.
    if (r.value === undefined) return 1;
    io.out(r.value);
  }
  return 0;
}
