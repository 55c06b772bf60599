import { errors } from '../errors.js';
import { lint, lintExitCode } from '../ops/lint.js';
import { parseAllow } from '../ops/migrate.js';
import { toGithub, toSarif } from './lint-sarif.js';
import { changeTable, json, paint, table, type Io } from './output.js';
import type { Opts } from './verbs.js';

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;

export default async function run(io: Io, from: string | undefined, to: string | undefined, opts: Opts<'lint'>): Promise<number> {
  const format = opts.json ? 'json' : (opts.format ?? 'text');
  if (!(FORMATS as readonly string[]).includes(format)) throw errors.usage(`unknown format '${format}'`, `--format takes one of: ${FORMATS.join(', ')}`);
  const result = await lint({ cwd: io.cwd, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), allow: parseAllow(opts.allow) });
  const code = lintExitCode(result);
  if (format === 'json') json(io, result);
  else if (format === 'sarif') json(io, toSarif(result, '0.1.0'));
  else if (format === 'github') {
    const out = toGithub(result);
    if (out !== '') io.out(out);
  } else {
    io.out(paint.dim(io, `${result.from} → ${result.to} (${result.engine})`));
    if (result.changes.length === 0) io.out('no changes');
    else io.out(changeTable(io, result.changes));
    if (result.findings.length > 0) {
      const level = { error: paint.red, warning: paint.yellow, note: paint.dim } as const;
      io.out(
        table(
          result.findings.map((f) => [level[f.level](io, f.level), paint.bold(io, f.rule), f.file, f.message]),
          '  ',
        ),
      );
    }
    io.out(code === 3 ? paint.red(io, 'blocking findings: allow them with --allow, or change the schema') : code === 2 ? 'changes, nothing blocking' : 'clean');
  }
  return code;
}
