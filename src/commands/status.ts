import { status } from '../ops/status.js';
import { changeTable, json, paint, shortId, type Io } from './output.js';
import type { Opts } from './verbs.js';

const commits = (n: number) => `${n} commit${n === 1 ? '' : 's'}`;

/** git's words for a branch against its upstream, for a database's commit against HEAD. */
function standing(ahead: number, behind: number): string {
  if (ahead > 0 && behind > 0) return `diverged from HEAD: ${ahead} and ${behind} different commits each`;
  if (behind > 0) return `behind HEAD by ${commits(behind)}`;
  if (ahead > 0) return `ahead of HEAD by ${commits(ahead)}`;
  return '';
}

export default async function run(io: Io, opts: Opts<'status'>): Promise<number> {
  const result = await status({ cwd: io.cwd, databases: opts.db !== false });
  const code = opts.exitCode && result.drift ? 2 : 0;
  if (opts.json) {
    json(io, result);
    return code;
  }
  io.out(`On branch ${paint.bold(io, result.branch)}${result.head === undefined ? ' (no commits yet)' : ` at ${shortId(result.head)}`}`);
  if (result.merging !== undefined) {
    const { conflicts, theirs } = result.merging;
    io.out(
      `Merging ${shortId(theirs)}: ${conflicts.length === 0 ? 'all conflicts resolved; run redb commit to conclude the merge' : 'fix the conflicts, then redb commit (or redb merge --abort)'}`,
    );
    for (const c of conflicts) io.out(`  ${paint.red(io, 'conflict')}  schema/${c}`);
  }
  if (result.changes.length === 0) io.out('nothing to commit, working tree matches HEAD');
  else {
    io.out('Changes in the working tree (redb diff shows them, redb commit -m records them):');
    io.out(changeTable(io, result.changes));
  }
  if (result.databases.length > 0) {
    io.out('Databases:');
    const state = {
      'in-sync': paint.green(io, 'in sync'),
      drift: paint.red(io, 'drift'),
      untracked: paint.dim(io, 'not migrated or committed yet'),
      'unknown-commit': paint.yellow(io, 'migrated to a commit this repository does not have (fetch it from where it was made)'),
      unreachable: paint.yellow(io, 'unreachable'),
    } as const;
    for (const d of result.databases) {
      const where = standing(d.ahead ?? 0, d.behind ?? 0);
      // In sync with a commit that is not HEAD's is not "in sync": say where it stands, as git does of a branch.
      const said =
        d.state === 'in-sync' && where !== ''
          ? paint.yellow(io, `${where} (matches ${shortId(d.at)}; redb migrate ${d.name} brings it to HEAD)`)
          : `${state[d.state]}${d.state === 'drift' && where !== '' ? `, ${where}` : ''}`;
      io.out(`  ${paint.bold(io, d.name)}  at ${shortId(d.at)}  ${said}${d.error === undefined ? '' : `: ${d.error.message}`}`);
      if (d.changes.length > 0) io.out(changeTable(io, d.changes, '      '));
    }
  }
  return code;
}
