import { show } from '../ops/show.js';
import { allObjects, objectId } from '../unified/objects.js';
import { changeTable, json, paint, table, warnings, type Io } from './output.js';

export default async function run(io: Io, ref: string | undefined, opts: { json?: boolean }): Promise<number> {
  const result = await show({ cwd: io.cwd, ...(ref === undefined ? {} : { ref }) });
  warnings(io, result.warnings);
  if (opts.json) {
    json(io, result);
    return 0;
  }
  if (result.commit !== undefined) {
    const c = result.commit;
    io.out(paint.yellow(io, `commit ${c.id}`));
    io.out(`Author: ${c.author} <${c.email}>`);
    io.out(`Date:   ${c.date}`);
    io.out(`\n${c.message.split('\n').map((l) => `    ${l}`).join('\n')}\n`);
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
