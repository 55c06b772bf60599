import { parseEngine } from '../ops/engines.js';
import { allObjects, objectId, show } from '../ops/show.js';
import { changeTable, json, paint, table, warnings, type Io } from './output.js';
import type { Opts } from './verbs.js';

export default async function run(io: Io, ref: string | undefined, opts: Opts<'show'>): Promise<number> {
  const as = opts.as === undefined ? undefined : parseEngine(opts.as, '--as');
  const result = await show({ cwd: io.cwd, ...(ref === undefined ? {} : { ref }), ...(as === undefined ? {} : { as }) });
  warnings(io, result.warnings);
  if (opts.json) {
    json(io, result);
    return 0;
  }
  if (result.as !== undefined) {
    io.out(paint.dim(io, `-- ${result.ref} (${result.schema.engine}) as ${result.as.engine}`));
    io.out(result.as.ddl.map((s) => `${s};`).join('\n\n'));
    if (result.as.losses.length > 0) {
      io.err(`\n${paint.yellow(io, `${result.as.losses.length} lossy choice${result.as.losses.length === 1 ? '' : 's'}`)}:`);
      io.err(
        table(
          result.as.losses.map((l) => [l.object, `${l.from} → ${l.to}`, paint.dim(io, l.reason)]),
          '  ',
        ),
      );
    }
    if (result.as.notes.length > 0) {
      io.err(`\n${paint.dim(io, `${result.as.notes.length} note${result.as.notes.length === 1 ? '' : 's'} (nothing lost)`)}:`);
      io.err(
        table(
          result.as.notes.map((l) => [l.object, `${l.from} → ${l.to}`, paint.dim(io, l.reason)]),
          '  ',
        ),
      );
    }
    if (result.as.limits.length > 0) {
      io.err(
        `\n${paint.red(io, `${result.as.limits.length} thing${result.as.limits.length === 1 ? '' : 's'} ${result.as.engine} would refuse`)} (redb clone stops on these):`,
      );
      io.err(
        table(
          result.as.limits.map((p) => [p.object, paint.dim(io, `${p.detail}: ${p.limit}`)]),
          '  ',
        ),
      );
    }
    return 0;
  }
  if (result.commit !== undefined) {
    const c = result.commit;
    io.out(paint.yellow(io, `commit ${c.id}`));
    io.out(`Author: ${c.author} <${c.email}>`);
    io.out(`Date:   ${c.date}`);
    io.out(
      `\n${c.message
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n')}\n`,
    );
    io.out(changeTable(io, result.changes));
    return 0;
  }
  io.out(paint.dim(io, `${result.ref} (${result.schema.engine})`));
  const rows = [...allObjects(result.schema)].map(({ kind, object }) => {
    const detail = kind === 'table' ? `${object.columns.length} columns, ${object.indexes.length} indexes, ${object.foreignKeys.length} foreign keys` : '';
    return [kind, paint.bold(io, objectId(kind, object)), detail];
  });
  io.out(table(rows, '  '));
  return 0;
}
