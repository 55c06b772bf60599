import { verify } from '../ops/verify.js';
import { renderChecks, withChecks } from './clone.js';
import { json, paint, type Io } from './output.js';
import type { Opts } from './verbs.js';

export default async function run(io: Io, source: string, target: string, opts: Opts<'verify'>): Promise<number> {
  const result = await withChecks(io, opts.json === true, () =>
    verify({
      cwd: io.cwd,
      env: io.env,
      source,
      target,
      ...(opts.tables === undefined
        ? {}
        : {
            tables: opts.tables
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean),
          }),
      ...(opts.where === undefined ? {} : { where: opts.where }),
      ...(opts.mask === undefined ? {} : { mask: opts.mask }),
    }),
  );
  if (opts.json) {
    json(io, result);
    return 0;
  }
  io.out(renderChecks(io, result.tables));
  if (result.denied.length > 0) io.out(paint.dim(io, `not compared (denied by the policy): ${result.denied.join(', ')}`));
  io.out(
    paint.green(
      io,
      `${result.target} matches ${result.source}: ${result.tables.length} table${result.tables.length === 1 ? '' : 's'}, counts and checksums equal${result.tables.some((t) => t.masked === true) ? ' (source values masked by the policy)' : ''}`,
    ),
  );
  return 0;
}
