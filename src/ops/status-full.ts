import { RedbError } from '../errors.js';
import {
  changedSchemas,
  headCommit,
  headRef,
  listConflicts,
  readCommitInfo,
  readConfig,
  readDbState,
  readMergeState,
  readSchemaAt,
  readTreeEntries,
  readWorkingTree,
  schemaAtHead,
  writeIndex,
  type Store,
} from '../repo/index.js';
import { changesBetween } from './changes.js';
import { withDb, type OpContext } from './context.js';
import type { DbStatus, StatusResult } from './status.js';

/** The full status: parse and compare the working tree, and look at every bound database. */
export async function fullStatus(store: Store, ctx: OpContext & { databases?: boolean }): Promise<StatusResult> {
  const [ref, head, config, state] = await Promise.all([headRef(store), headCommit(store), readConfig(store), readDbState(store)]);
  // Only the files that differ from HEAD are parsed.
  const pair = head === undefined ? { from: await schemaAtHead(store), to: await readWorkingTree(store) } : await changedSchemas(store, { commit: head }, 'working');
  const databases: DbStatus[] = [];
  if (ctx.databases !== false) {
    for (const name of Object.keys(config.databases).sort()) {
      const at = state[name]?.at;
      if (at === undefined) {
        databases.push({ name, state: 'untracked', changes: [] });
        continue;
      }
      try {
        const [expected, live] = await Promise.all([
          readSchemaAt(store, at),
          withDb(store, name, ctx, ({ connection }) => connection.introspect({ signal: ctx.signal })),
        ]);
        const { lines } = changesBetween(expected, live);
        databases.push({ name, at, state: lines.length === 0 ? 'in-sync' : 'drift', changes: lines });
      } catch (e) {
        if (!(e instanceof RedbError)) throw e;
        databases.push({ name, at, state: 'unreachable', changes: [], error: { code: e.code, message: e.message } });
      }
    }
  }
  const changes = changesBetween(pair.from, pair.to).lines;
  // A clean tree is recorded so that the next status can skip all of this.
  if (changes.length === 0) await writeIndex(store, head, head === undefined ? new Map() : await readTreeEntries(store, (await readCommitInfo(store, head)).tree));
  const merge = await readMergeState(store);
  const merging = merge === undefined ? undefined : { theirs: merge.theirs, conflicts: await listConflicts(store) };
  return { branch: ref.replace(/^refs\/heads\//, ''), head, changes, databases, drift: databases.some((d) => d.state === 'drift'), merging };
}
