import { init } from '../ops/init.js';
import { paint, type Io } from './output.js';

export default async function run(io: Io, dir: string | undefined): Promise<number> {
  const result = await init({ cwd: io.cwd, ...(dir === undefined ? {} : { dir }) });
  io.out(`Initialized empty redb repository in ${paint.bold(io, result.root)} (branch ${result.branch})`);
  io.out(paint.dim(io, 'next: redb db add <name> <url>, then redb pull <name>'));
  return 0;
}
