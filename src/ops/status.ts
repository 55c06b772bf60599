import { RedbError } from '../errors.js';
import { headCommit, headRef, readConfig, readDbState, readSchemaAt, readWorkingTree, schemaAtHead } from '../repo/index.js';
import type { ChangeLine } from '../unified/index.js';
import { changesBetween } from './changes.js';
import { findStore, withDb, type OpContext } from './context.js';

export interface DbStatus {
  readonly name: string;
  /** The commit the database was last brought to, if redb knows it. */
  readonly at?: string | undefined;
  /** in-sync: live schema equals `at`; drift: it does not; untracked: no commit recorded; unreachable: could not look. */
  readonly state: 'in-sync' | 'drift' | 'untracked' | 'unreachable';
  readonly changes: readonly ChangeLine[];
  readonly error?: { readonly code: string; readonly message: string } | undefined;
}

export interface StatusResult {
  readonly branch: string;
  readonly head?: string | undefined;
  /** Working tree compared with HEAD. */
  readonly changes: readonly ChangeLine[];
  readonly databases: readonly DbStatus[];
  readonly drift: boolean;
}

export async function status(ctx: OpContext & { databases?: boolean }): Promise<StatusResult> {
  const store = findStore(ctx);
  const [ref, head, working, headSchema, config, state] = await Promise.all([
    headRef(store),
    headCommit(store),
    readWorkingTree(store),
    schemaAtHead(store),
    readConfig(store),
    readDbState(store),
  ]);
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
  return {
    branch: ref.replace(/^refs\/heads\//, ''),
    head,
    changes: changesBetween(headSchema, working).lines,
    databases,
    drift: databases.some((d) => d.state === 'drift'),
  };
}
