import { merge } from '../ops/merge.js';
import { changeTable, json, paint, shortId, type Io } from './output.js';
import { passphrasePrompt } from './prompt.js';
import type { Opts } from './verbs.js';

export default async function run(io: Io, branch: string | undefined, opts: Opts<'merge'>): Promise<number> {
  const prompt = passphrasePrompt(io);
  const result = await merge({
    cwd: io.cwd,
    ...(branch === undefined ? {} : { branch }),
    abort: opts.abort === true,
    ...(opts.message === undefined ? {} : { message: opts.message }),
    ...(opts.gpgSign === undefined ? {} : { sign: opts.gpgSign }),
    ...(prompt === undefined ? {} : { prompt }),
  });
  // Conflicts are an outcome a script must notice: exit 1, as git merge does.
  const code = result.outcome === 'conflicts' ? 1 : 0;
  if (opts.json) {
    json(io, result);
    return code;
  }
  switch (result.outcome) {
    case 'up-to-date':
      io.out('Already up to date.');
      break;
    case 'aborted':
      io.out('Merge aborted; the working tree is back at HEAD.');
      break;
    case 'fast-forward':
    case 'merged':
      io.out(`${result.outcome === 'fast-forward' ? 'Fast-forward to' : 'Merged as'} ${paint.yellow(io, shortId(result.id))}`);
      io.out(changeTable(io, result.changes));
      break;
    case 'conflicts': {
      const problems = result.problems ?? [];
      if (result.conflicts.length > 0) {
        io.err(
          `${paint.red(io, `${result.conflicts.length} conflict${result.conflicts.length === 1 ? '' : 's'}`)}: both branches changed the same object${result.conflicts.length === 1 ? '' : 's'}`,
        );
        for (const c of result.conflicts) io.err(`  schema/${c.path} (ours ${c.ours}, theirs ${c.theirs}) — see schema/${c.conflict}`);
      }
      if (problems.length > 0) {
        io.err(`${paint.red(io, `the merged schema cannot exist`)}: each branch is valid, together they are not`);
        for (const p of problems) io.err(`  schema/${p.path}: ${p.field}: ${p.detail}`);
      }
      io.err(
        `Edit ${result.conflicts.length > 0 ? 'each object file, delete its .conflict.yaml' : 'the files named'}, then redb commit; or redb merge --abort.`,
      );
      break;
    }
    default:
      // A new outcome fails to compile here (commands import no values from below).
      result.outcome satisfies never;
  }
  return code;
}
