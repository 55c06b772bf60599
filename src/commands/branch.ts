import { branchCreate, branchDelete, branchList } from '../ops/refs.js';
import { json, paint, shortId, table, type Io } from './output.js';
import type { Opts } from './verbs.js';

export default async function run(io: Io, name: string | undefined, start: string | undefined, opts: Opts<'branch'>): Promise<number> {
  if (name !== undefined && opts.delete) {
    const b = await branchDelete({ cwd: io.cwd, name });
    io.out(`Deleted branch ${b.name} (was ${shortId(b.id)})`);
    return 0;
  }
  if (name !== undefined) {
    const b = await branchCreate({ cwd: io.cwd, name, ...(start === undefined ? {} : { start }) });
    io.out(`Created branch ${paint.bold(io, b.name)} at ${shortId(b.id)}`);
    return 0;
  }
  const branches = await branchList({ cwd: io.cwd });
  if (opts.json) json(io, branches);
  else io.out(table(branches.map((b) => [b.current ? paint.green(io, '*') : ' ', b.current ? paint.green(io, b.name) : b.name, paint.dim(io, shortId(b.id))])));
  return 0;
}
