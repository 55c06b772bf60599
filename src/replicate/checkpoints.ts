import { createHash } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { errors } from '../errors.js';
import { safeFs } from '../repo/safe-fs.js';

/**
 * Per-table progress of a clone, in `.redb/state/clone/<id>.json` (one file per source/target
 * pair), so a killed run can go on with `--resume`. For each table: the key of the last row whose
 * batch the target committed (`after`), and the last key of the batch being written (`pending`),
 * saved before that batch is written. On resume the rows in (after, pending] are deleted from the
 * target and copied again, so a batch that was committed just before the kill, but not yet
 * recorded, is neither lost nor doubled. Outside a repository there is nowhere to keep this: the
 * state lives in memory only and `--resume` is refused.
 */

/** Key values as JSON: bigints and bytes are tagged, everything else is plain. */
const KeyValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.object({ bigint: z.string() }).strict(), z.object({ hex: z.string() }).strict()]);
const Key = z.array(KeyValue);

const TableState = z
  .object({
    done: z.boolean(),
    rows: z.number().int(),
    after: Key.optional(),
    pending: Key.optional(),
  })
  .strict();
export type TableState = z.infer<typeof TableState>;

const CloneState = z
  .object({
    version: z.literal(1),
    source: z.string(),
    target: z.string(),
    tables: z.record(z.string(), TableState),
  })
  .strict();
export type CloneState = z.infer<typeof CloneState>;

export const encodeKey = (values: readonly unknown[]): z.infer<typeof Key> =>
  values.map((v) => (typeof v === 'bigint' ? { bigint: v.toString() } : Buffer.isBuffer(v) ? { hex: v.toString('hex') } : (v as string | number | boolean | null)));

export const decodeKey = (key: z.infer<typeof Key>): unknown[] =>
  key.map((v) => (v !== null && typeof v === 'object' ? ('bigint' in v ? BigInt(v.bigint) : Buffer.from(v.hex, 'hex')) : v));

export interface Checkpoints {
  /** Whether this run continues an earlier one. */
  readonly resumed: boolean;
  table(id: string): TableState | undefined;
  update(id: string, state: TableState): Promise<void>;
  /** The clone finished: nothing left to resume. */
  finish(): Promise<void>;
}

export function checkpointFile(gitdir: string, source: string, target: string): string {
  const id = createHash('sha1').update(`${source}\u0000${target}`).digest('hex').slice(0, 16);
  return join(gitdir, 'state', 'clone', `${id}.json`);
}

/** Load (for `resume`) or start the state of a clone; `file` is undefined outside a repository. */
export async function openCheckpoints(file: string | undefined, source: string, target: string, resume: boolean): Promise<Checkpoints> {
  let state: CloneState = { version: 1, source, target, tables: {} };
  let resumed = false;
  if (resume) {
    if (file === undefined) throw errors.usage('--resume needs a redb repository to keep checkpoints in', 'run the clone inside a project (redb init), or start it again without --resume');
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      const parsed = CloneState.safeParse(JSON.parse(text));
      if (!parsed.success) throw errors.invalidConfig(file, parsed.error.issues[0]?.message ?? 'invalid');
      state = parsed.data;
      resumed = true;
    }
  }
  // Saves are chained: parallel table copies never race on the rename.
  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    if (file === undefined) return Promise.resolve();
    const text = `${JSON.stringify(state, null, 2)}\n`;
    // Atomic, and never through a link in .redb/ (the file is <project>/.redb/state/clone/<id>.json).
    saving = saving.then(() => safeFs(nodeFs, join(dirname(file), '..', '..', '..')).writeFile(file, text));
    return saving;
  };
  return {
    resumed,
    table: (id) => state.tables[id],
    update: (id, table) => {
      state = { ...state, tables: { ...state.tables, [id]: table } };
      return save();
    },
    finish: async () => {
      await saving;
      // With the half-written save a kill may have left behind.
      if (file === undefined) return;
      // Through the safe writer: a link on the way is refused before anything is removed.
      const safe = safeFs(nodeFs, join(dirname(file), '..', '..', '..'));
      await safe.remove(file);
      await safe.remove(`${file}.tmp`);
      const leftovers = (await readdir(dirname(file)).catch(() => [] as string[])).filter((n) => n.startsWith(`.${basename(file)}.redb-`));
      for (const n of leftovers) await safe.remove(join(dirname(file), n));
    },
  };
}
