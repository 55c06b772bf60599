import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { errors, isNotFound } from '../errors.js';

/**
 * Per-table progress of a clone, in `.redb/state/clone/<id>.json` (one file per source/target
 * pair), so a killed run can go on with `--resume`. For each table: the key of the last row whose
 * batch the target committed (`after`), and the last key of the batch being written (`pending`),
 * saved before that batch is written. On resume the rows in (after, pending] are deleted from the
 * target and copied again, so a batch that was committed just before the kill, but not yet
 * recorded, is neither lost nor doubled. Outside a repository there is nowhere to keep this: the
 * state lives in memory only and `--resume` is refused.
 *
 * The file also holds the job: everything that decides what lands in the target (tables,
 * conditions, masking policy and secret fingerprint, batch size, ...). It is written before the
 * target is first changed, and a resume whose job differs is refused, naming the difference: a
 * resume without `--mask` must not write unmasked rows beside masked ones. A finished clone removes
 * its file and leaves one line in `.redb/state/clone-finished.log`, so a resume after it can say so.
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
    /** Copied in chunks of pages, which the target records with their rows (page-copy.ts); no key bounds. */
    pages: z.literal(true).optional(),
  })
  .strict();
export type TableState = z.infer<typeof TableState>;

/** What decides the rows that land in the target; a resume must match it. Never a secret: only fingerprints. */
export const CloneJob = z
  .object({
    /** The databases' URLs as given (passwords stay `${VAR}` references). */
    source: z.string(),
    target: z.string(),
    mode: z.enum(['schema-and-data', 'schema-only', 'data-only']),
    /** Source tables copied, in order, and those the policy denies. */
    tables: z.array(z.string()),
    denied: z.array(z.string()),
    /** Table → `--where` condition. */
    where: z.record(z.string(), z.string()),
    mask: z.object({ file: z.string(), policy: z.string(), secret: z.string() }).strict().nullable(),
    batchRows: z.number().int(),
    allowLossy: z.boolean(),
    truncate: z.boolean(),
    /** A hash of the copied tables' columns and keys on the source: rows of another shape must not be mixed in. */
    schema: z.string(),
  })
  .strict();
export type CloneJob = z.infer<typeof CloneJob>;

const CloneState = z
  .object({
    version: z.literal(2),
    job: CloneJob,
    startedAt: z.string(),
    tables: z.record(z.string(), TableState),
  })
  .strict();
type CloneState = z.infer<typeof CloneState>;

/** The first version kept no job: nothing says what a resume of it would have to match. */
const OldState = z.object({ version: z.literal(1) }).passthrough();

export const encodeKey = (values: readonly unknown[]): z.infer<typeof Key> =>
  values.map((v) =>
    typeof v === 'bigint' ? { bigint: v.toString() } : Buffer.isBuffer(v) ? { hex: v.toString('hex') } : (v as string | number | boolean | null),
  );

export const decodeKey = (key: z.infer<typeof Key>): unknown[] =>
  key.map((v) => (v !== null && typeof v === 'object' ? ('bigint' in v ? BigInt(v.bigint) : Buffer.from(v.hex, 'hex')) : v));

export interface Checkpoints {
  /** Whether this run continues an earlier one. */
  readonly resumed: boolean;
  /** The clone's id (its file's name), under which a target records what it committed; undefined outside a repository. */
  readonly id: string | undefined;
  table(id: string): TableState | undefined;
  /** Record the job, before the target is first changed (a kill before it left nothing to resume). */
  start(): Promise<void>;
  update(id: string, state: TableState): Promise<void>;
  /** The clone finished: nothing left to resume. */
  finish(): Promise<void>;
}

/**
 * Writes in the project without following a link and without leaving a half-written file: the
 * repository's safe writer, passed in by the operation (data movement does not reach into .redb).
 */
export interface CheckpointWriter {
  writeFile(path: string, text: string): Promise<void>;
  appendFile(path: string, text: string): Promise<void>;
  remove(path: string): Promise<void>;
  removeEmptyDir(dir: string): Promise<void>;
}

export function checkpointFile(gitdir: string, source: string, target: string): string {
  const id = createHash('sha1').update(`${source}\u0000${target}`).digest('hex').slice(0, 16);
  return join(gitdir, 'state', 'clone', `${id}.json`);
}

/** Where finished clones are noted, one JSON line each, beside the checkpoints' folder. */
const finishedLog = (file: string): string => join(dirname(dirname(file)), 'clone-finished.log');
const idOf = (file: string): string => file.replace(/^.*[\\/]/, '').replace(/\.json$/, '');

/** When the clone of this checkpoint file last finished, if the log says. */
async function lastFinished(file: string): Promise<string | undefined> {
  const text = await readFile(finishedLog(file), 'utf8').catch(() => '');
  const id = idOf(file);
  let at: string | undefined;
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line) as { id?: unknown; finishedAt?: unknown };
      if (entry.id === id && typeof entry.finishedAt === 'string') at = entry.finishedAt;
    } catch {
      // A line cut short by a kill; the next one is whole.
    }
  }
  return at;
}

const show = (v: unknown): string => (v === null || v === undefined ? 'none' : typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

/** Each difference between the interrupted run's job and this one, in the words of the options. */
export function jobDifferences(was: CloneJob, now: CloneJob): string[] {
  const out: string[] = [];
  if (was.source !== now.source || was.target !== now.target) out.push(`it copied ${was.source} into ${was.target}`);
  if (was.mode !== now.mode) out.push(`it was a ${was.mode} clone, this one is ${now.mode}`);
  if (was.tables.join('\u0000') !== now.tables.join('\u0000'))
    out.push(`--tables: it copied ${was.tables.join(', ') || 'no table'}, this run would copy ${now.tables.join(', ') || 'no table'}`);
  for (const table of new Set([...Object.keys(was.where), ...Object.keys(now.where)])) {
    if (was.where[table] !== now.where[table]) out.push(`--where for ${table}: it was ${show(was.where[table])}, now ${show(now.where[table])}`);
  }
  if (was.mask === null && now.mask !== null) out.push(`--mask: it copied rows unmasked, this run masks them with ${now.mask.file}`);
  else if (was.mask !== null && now.mask === null) out.push(`--mask: it masked rows with ${was.mask.file}, this run would copy them unmasked`);
  else if (was.mask !== null && now.mask !== null) {
    if (was.mask.policy !== now.mask.policy) out.push(`--mask: the policy's rules differ from those of the interrupted run (${was.mask.file})`);
    if (was.mask.secret !== now.mask.secret)
      out.push(
        `--mask: the policy's secret is not the one the interrupted run masked with (fingerprint ${was.mask.secret || 'none'}, now ${now.mask.secret || 'none'})`,
      );
  }
  if (was.denied.join('\u0000') !== now.denied.join('\u0000'))
    out.push(`the policy denied ${was.denied.join(', ') || 'no table'}, now ${now.denied.join(', ') || 'no table'}`);
  if (was.batchRows !== now.batchRows) out.push(`--batch-rows: it was ${was.batchRows}, now ${now.batchRows}`);
  if (was.allowLossy !== now.allowLossy) out.push(`--allow lossy: it was ${was.allowLossy ? '' : 'not '}given, now it is${now.allowLossy ? '' : ' not'}`);
  if (was.truncate !== now.truncate) out.push(`--truncate: it was ${was.truncate ? '' : 'not '}given, now it is${now.truncate ? '' : ' not'}`);
  if (was.schema !== now.schema) out.push('the source tables changed (columns or keys) since the clone started');
  return out;
}

/**
 * Load (for `resume`) or start the state of a clone; `file` is undefined outside a repository.
 * A resume whose job differs from the interrupted run's is refused; one after a finished clone too.
 * `writer` gives a fresh writer for each write, so each checks the folders on its way again.
 */
export async function openCheckpoints(file: string | undefined, job: CloneJob, resume: boolean, writer?: () => CheckpointWriter): Promise<Checkpoints> {
  if (file !== undefined && writer === undefined) throw new Error('checkpoints kept in a file need a writer');
  let state: CloneState = { version: 2, job, startedAt: new Date().toISOString(), tables: {} };
  let resumed = false;
  if (resume) {
    if (file === undefined)
      throw errors.usage(
        '--resume needs a redb repository to keep checkpoints in',
        'run the clone inside a project (redb init), or start it again without --resume',
      );
    const text = await readFile(file, 'utf8').catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
    if (text !== undefined) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw errors.invalidConfig(file, 'not JSON');
      }
      if (OldState.safeParse(json).success)
        throw errors.cloneResumeMismatch(job.source, job.target, [
          'the checkpoint was written by an earlier redb, which did not record the options it ran with',
        ]);
      const parsed = CloneState.safeParse(json);
      if (!parsed.success) throw errors.invalidConfig(file, parsed.error.issues[0]?.message ?? 'invalid');
      const differences = jobDifferences(parsed.data.job, job);
      if (differences.length > 0) throw errors.cloneResumeMismatch(job.source, job.target, differences);
      state = parsed.data;
      resumed = true;
    } else {
      const finishedAt = await lastFinished(file);
      if (finishedAt !== undefined) throw errors.cloneFinished(job.source, job.target, finishedAt);
    }
  }
  // Saves are chained: parallel table copies never race on the rename.
  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    if (file === undefined) return Promise.resolve();
    const text = `${JSON.stringify(state, null, 2)}\n`;
    // Atomic, and never through a link in .redb/ (the file is <project>/.redb/state/clone/<id>.json).
    saving = saving.then(() => writer?.().writeFile(file, text));
    return saving;
  };
  return {
    resumed,
    id: file === undefined ? undefined : idOf(file),
    table: (id) => state.tables[id],
    start: save,
    update: (id, table) => {
      state = { ...state, tables: { ...state.tables, [id]: table } };
      return save();
    },
    finish: async () => {
      await saving;
      if (file === undefined) return;
      // Through the safe writer: a link on the way is refused before anything is written or removed.
      const safe = writer?.();
      if (safe === undefined) return;
      // Noted before the checkpoint goes: a kill in between leaves a checkpoint that finishes again.
      await safe.appendFile(
        finishedLog(file),
        `${JSON.stringify({ id: idOf(file), source: job.source, target: job.target, finishedAt: new Date().toISOString() })}\n`,
      );
      // With the half-written saves a kill may have left behind, and the folder when it is empty.
      await safe.remove(file);
      await safe.remove(`${file}.tmp`);
      const leftovers = (await readdir(dirname(file)).catch(() => [] as string[])).filter((n) => n.startsWith(`.${basename(file)}.redb-`));
      for (const n of leftovers) await safe.remove(join(dirname(file), n));
      await safe.removeEmptyDir(dirname(file));
    },
  };
}
