import { diff } from '../ops/diff.js';
import { parseEngine } from '../ops/engines.js';
import { changeTable, json, paint, warnings, type Io } from './output.js';
import type { Opts } from './verbs.js';

export default async function run(io: Io, from: string | undefined, to: string | undefined, opts: Opts<'diff'>): Promise<number> {
  const sql = opts.sql === undefined ? undefined : parseEngine(opts.sql, '--sql');
  const result = await diff({
    cwd: io.cwd,
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(sql === undefined ? {} : { sql }),
  });
  warnings(io, result.warnings);
  const code = opts.exitCode && result.operations.length > 0 ? 2 : 0;
  if (opts.json) {
    json(io, result);
    return code;
  }
  if (result.changes.length === 0) io.out(paint.dim(io, `no differences between ${result.from} and ${result.to}`));
  else {
    io.out(paint.dim(io, `${result.from} → ${result.to}`));
    io.out(changeTable(io, result.changes));
  }
  if (result.sql !== undefined && result.sql.length > 0) io.out(`\n${result.sql.map((s) => `${s};`).join('\n')}`);
  if (result.suggestions.length > 0) {
    io.out(paint.dim(io, '\npossible renames (a rename keeps rows; record one before committing):'));
    for (const s of result.suggestions) io.out(`  ${s.command}`);
  }
  return code;
}
