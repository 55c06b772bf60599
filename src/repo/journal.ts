import { basename, dirname, join, sep } from 'node:path';
import { z } from 'zod';
import { errors, RedbError } from '../errors.js';
import { readDbState } from './config.js';
import { WORKING_DIR, type Store } from './paths.js';
import { safeFsOf, syncDir, tmpOwner } from './safe-fs.js';
import { readBlobText } from './store.js';

/**
 * How a command that changes more than one file survives a kill, or a full disk, at any instant.
 *
 * 1. Prepare: every file the command will change is written in full beside its target, under a
 *    temporary name (schema files as `.<name>.redb-<pid>-<random>` in their folder, store files in
 *    `.redb/tmp/`), store files fsynced. Objects were written before (each one whole, see
 *    git-fs.ts). Nothing anyone reads has changed; a failure here (a full disk) removes the
 *    temporary files and the project is as it was.
 * 2. Commit: the list of renames and removals that finish the command is written to
 *    `.redb/state/journal.json`, atomically and fsynced. That is the moment the command happens.
 * 3. Finish: the renames and removals are made in order, and the journal deleted. They need no
 *    new space, so a full disk cannot stop them half-way.
 *
 * Killed before 2, the command did not happen (its temporary files are swept by the next writer).
 * Killed after, the next redb command (every writer when it takes the lock; the CLI before any
 * verb) finds the journal and makes the renames and removals still to be made: a temporary file
 * that is gone was renamed already, a removal is made again or found done. Either way nobody ever
 * sees half a file, a branch with another's files, or a ref before its objects.
 */

/** What a command asks for; `runJournaled` turns it into prepared files and a journal. */
export type Change =
  /** A file of `schema/` (path relative to it) gets this text, or the text of this blob. */
  | { readonly write: string; readonly text: string }
  | { readonly write: string; readonly blob: string }
  | { readonly remove: string }
  /** A branch or tag points at a commit. */
  | { readonly ref: string; readonly oid: string }
  /** HEAD points at a branch. */
  | { readonly head: string }
  /** A merge waits on its conflicts (MERGE_HEAD and MERGE_MSG), or no longer (null). */
  | { readonly merge: { readonly theirs: string; readonly message: string } | null }
  /** What redb records of a database. */
  | { readonly database: string; readonly at?: string; readonly pulled?: string };

/** A path inside `schema/`: relative, no `..`, no empty parts. */
const WorkingPath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith('/') && !p.includes('\\') && p.split('/').every((part) => part !== '' && part !== '.' && part !== '..'),
    'not a path inside schema/',
  );
/** The files of `.redb/` a journal may replace or remove. */
const StorePath = z
  .string()
  .regex(/^(HEAD|MERGE_HEAD|MERGE_MSG|state\/databases\.json|refs\/(heads|tags)\/[A-Za-z0-9._/-]+)$/)
  .refine((p) => !p.split('/').some((part) => part === '' || part === '.' || part === '..'), 'not a file of .redb/');
/** A temporary name made by this module: one name, no folders. */
const Staged = z.string().regex(/^[^/\\]+\.redb-\d+-[0-9a-f]{12}$/);

const Action = z.union([
  z.object({ rename: WorkingPath, from: Staged }).strict(),
  z.object({ remove: WorkingPath }).strict(),
  z.object({ renameStore: StorePath, from: Staged }).strict(),
  z.object({ removeStore: StorePath }).strict(),
]);
type Action = z.infer<typeof Action>;

const Journal = z
  .object({
    version: z.literal(2),
    /** The command, for messages: `switch`, `merge`, ... */
    command: z.string(),
    pid: z.number(),
    started: z.string(),
    actions: z.array(Action),
  })
  .strict();
type Journal = z.infer<typeof Journal>;

export const JOURNAL_FILE = join('state', 'journal.json');
const journalPath = (store: Store) => join(store.gitdir, JOURNAL_FILE);
const tmpDir = (store: Store) => join(store.gitdir, 'tmp');
const workingPath = (store: Store, path: string) => join(store.root, WORKING_DIR, ...path.split('/'));
const storePath = (store: Store, path: string) => join(store.gitdir, ...path.split('/'));

/** Whether a command was interrupted and is waiting to be finished. Cheap: one stat. */
export const journalPending = (store: Store): boolean => store.fs.existsSync(journalPath(store));

/** Write every file a command changes under a temporary name; return the actions that finish it. */
async function prepare(store: Store, changes: readonly Change[], staged: string[]): Promise<Action[]> {
  const safe = safeFsOf(store);
  const actions: (Action | undefined)[] = [];
  const work: (() => Promise<void>)[] = [];
  const databases: Extract<Change, { database: string }>[] = [];
  const stageStore = (path: string, text: string) => {
    const at = actions.push(undefined) - 1;
    work.push(async () => {
      const tmp = await safe.stageFile(storePath(store, path), text, { fsync: true, tmpDir: tmpDir(store) });
      staged.push(tmp);
      actions[at] = { renameStore: path, from: basename(tmp) };
    });
  };
  for (const change of changes) {
    if ('write' in change) {
      const at = actions.push(undefined) - 1;
      work.push(async () => {
        const text = 'text' in change ? change.text : await readBlobText(store, change.blob, change.write);
        // Links inside schema/ are replaced, never followed: a command only gets here after reading
        // the tree (which refuses links) or when asked to discard what is there.
        const tmp = await safe.stageFile(workingPath(store, change.write), text, { replaceLinks: true });
        staged.push(tmp);
        actions[at] = { rename: change.write, from: basename(tmp) };
      });
    } else if ('remove' in change) {
      actions.push({ remove: change.remove });
    } else if ('ref' in change) {
      stageStore(change.ref, `${change.oid}\n`);
    } else if ('head' in change) {
      stageStore('HEAD', `ref: refs/heads/${change.head}\n`);
    } else if ('merge' in change) {
      if (change.merge === null) actions.push({ removeStore: 'MERGE_HEAD' }, { removeStore: 'MERGE_MSG' });
      else {
        // MERGE_HEAD last: the rest is in place by the time a merge is said to be on.
        stageStore('MERGE_MSG', `${change.merge.message}\n`);
        stageStore('MERGE_HEAD', `${change.merge.theirs}\n`);
      }
    } else {
      databases.push(change);
    }
  }
  if (databases.length > 0) {
    // One file for all of them, staged once.
    let state = await readDbState(store);
    for (const d of databases) {
      const patch = { ...(d.at === undefined ? {} : { at: d.at }), ...(d.pulled === undefined ? {} : { pulled: d.pulled }) };
      state = { ...state, [d.database]: { ...state[d.database], ...patch } };
    }
    stageStore('state/databases.json', `${JSON.stringify(state, null, 2)}\n`);
  }
  // Files are written several at a time: a pull or a switch writes thousands.
  let next = 0;
  const worker = async () => {
    while (next < work.length) await (work[next++] as () => Promise<void>)();
  };
  await Promise.all(Array.from({ length: Math.min(32, work.length) }, worker));
  return actions as Action[];
}

/** Make one action; done already (the temporary file gone, the file removed) is fine. */
async function finish(store: Store, action: Action): Promise<void> {
  const safe = safeFsOf(store);
  const fs = store.fs.promises;
  const rename = async (from: string, to: string) => {
    try {
      await fs.rename(from, to);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !store.fs.existsSync(from)) return; // renamed before a kill
      throw e;
    }
  };
  if ('rename' in action) {
    const target = workingPath(store, action.rename);
    await rename(join(dirname(target), action.from), target);
  } else if ('remove' in action) {
    const path = workingPath(store, action.remove);
    await safe.remove(path, { replaceLinks: true });
    // Folders the change left empty go too (schema/ itself stays).
    const base = join(store.root, WORKING_DIR);
    for (let dir = dirname(path); dir.startsWith(base + sep); dir = dirname(dir)) await safe.removeEmptyDir(dir);
  } else if ('renameStore' in action) {
    const target = storePath(store, action.renameStore);
    await safe.realDir(dirname(target), { create: true });
    await rename(join(tmpDir(store), action.from), target);
  } else {
    await safe.remove(storePath(store, action.removeStore));
  }
}

async function finishAll(store: Store, journal: Journal): Promise<void> {
  const base = join(store.root, WORKING_DIR);
  const st = await store.fs.promises.lstat(base).catch(() => undefined);
  if (st?.isSymbolicLink()) throw errors.symlink(WORKING_DIR);
  // Files of schema/ are independent of each other: a run of them is finished several at a time.
  // Everything else (refs, HEAD, MERGE_HEAD, state) keeps its order: HEAD and MERGE_HEAD come last.
  const actions = journal.actions;
  for (let i = 0; i < actions.length; ) {
    const working = (a: Action) => 'rename' in a || 'remove' in a;
    if (!working(actions[i] as Action)) {
      await finish(store, actions[i++] as Action);
      continue;
    }
    const kind = 'rename' in (actions[i] as Action);
    let end = i;
    while (end < actions.length && working(actions[end] as Action) && 'rename' in (actions[end] as Action) === kind) end++;
    const run = actions.slice(i, end);
    let next = 0;
    const worker = async () => {
      while (next < run.length) await finish(store, run[next++] as Action);
    };
    await Promise.all(Array.from({ length: Math.min(32, run.length) }, worker));
    i = end;
  }
  // The renames in .redb/ are durable before the journal goes.
  await syncDir(store.fs, store.gitdir);
}

/**
 * Make the changes happen as one (see above). The caller holds the repository lock. `command`
 * names the command in messages if it has to be finished later.
 */
export async function runJournaled(store: Store, command: string, changes: readonly Change[]): Promise<void> {
  if (changes.length === 0) return;
  const safe = safeFsOf(store);
  const staged: string[] = [];
  let journal: Journal;
  try {
    journal = { version: 2, command, pid: process.pid, started: new Date().toISOString(), actions: await prepare(store, changes, staged) };
    await safe.writeFile(journalPath(store), JSON.stringify(journal), { fsync: true, tmpDir: tmpDir(store) });
  } catch (e) {
    // Not committed: nothing anyone reads has changed.
    await Promise.all(staged.map((tmp) => store.fs.promises.rm(tmp, { force: true }).catch(() => undefined)));
    throw e;
  }
  await finishAll(store, journal);
  await safe.remove(journalPath(store));
}

async function readJournal(store: Store): Promise<Journal | undefined> {
  let text: string;
  try {
    text = await store.fs.promises.readFile(journalPath(store), 'utf8');
  } catch {
    return undefined;
  }
  const fail = (detail: string) => errors.invalidConfig(`.redb/${JOURNAL_FILE}`, `${detail}; delete it to give up the interrupted command`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw fail(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = Journal.safeParse(raw);
  if (!parsed.success) throw fail(parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}

const deadOwner = (name: string): boolean => {
  const pid = tmpOwner(name);
  if (pid === undefined || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

/** Temporary files of writers that were killed before their journal: in `.redb/tmp/` and in `schema/`. */
async function sweepTemporaries(store: Store): Promise<void> {
  const fs = store.fs.promises;
  const sweep = async (dir: string, recurse: boolean, pick: (name: string) => boolean): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && recurse) await sweep(path, true, pick);
      else if (entry.isFile() && pick(entry.name) && deadOwner(entry.name)) await fs.unlink(path).catch(() => undefined);
    }
  };
  await sweep(tmpDir(store), false, () => true);
  // The lock's own temporary files (see lock.ts).
  await sweep(store.gitdir, false, (name) => name.startsWith('redb.lock.'));
  const base = join(store.root, WORKING_DIR);
  const st = await fs.lstat(base).catch(() => undefined);
  if (st?.isDirectory()) await sweep(base, true, (name) => name.startsWith('.') && Staged.safeParse(name).success);
}

/**
 * Finish a command that was interrupted, if there is one, then sweep what killed writers left;
 * the caller holds the repository lock. Returns the command that was finished.
 */
export async function recoverJournal(store: Store): Promise<string | undefined> {
  const journal = await readJournal(store);
  if (journal !== undefined) {
    try {
      await finishAll(store, journal);
    } catch (e) {
      const detail = e instanceof RedbError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
      throw errors.interrupted(journal.command, detail).because(e);
    }
    await safeFsOf(store).remove(journalPath(store));
  }
  await sweepTemporaries(store);
  return journal?.command;
}

/** The command an interrupted journal belongs to, without finishing it. */
export async function pendingCommand(store: Store): Promise<string | undefined> {
  return (await readJournal(store).catch(() => undefined))?.command;
}
