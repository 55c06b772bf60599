import { join } from 'node:path';
import { load as parseYaml, YAMLException } from 'js-yaml';
import { z } from 'zod';
import { errors, isNotFound } from '../errors.js';
import { emitYaml, parseRenameTrailers, Rename, reverseRenames } from '../unified/index.js';
import { WORKING_DIR, type Store } from './paths.js';
import { lstatNoLink } from './safe-fs.js';
import { mergeBase, readCommitInfo } from './store.js';

/**
 * Renames recorded with `redb mv` wait in `schema/.renames.yaml` until the next commit, which carries
 * them in its message (see unified/renames.ts). Between two commits, the renames are those of the
 * commits on the way: undone back to the common ancestor, then done forward.
 */

export const PENDING_RENAMES = '.renames.yaml';
const pendingPath = (store: Store) => join(store.root, WORKING_DIR, PENDING_RENAMES);
const PendingFile = z.object({ renames: z.array(Rename) }).strict();

export async function readPendingRenames(store: Store): Promise<Rename[]> {
  // A link is refused, not followed (lstat throws for one).
  if ((await lstatNoLink(store.fs, store.root, pendingPath(store))) === undefined) return [];
  let text: string;
  try {
    text = await store.fs.promises.readFile(pendingPath(store), 'utf8');
  } catch (e) {
    if (isNotFound(e)) return [];
    throw e;
  }
  const where = `${WORKING_DIR}/${PENDING_RENAMES}`;
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw errors.invalidSchemaFile(where, e instanceof YAMLException && e.mark !== undefined ? `line ${e.mark.line + 1}` : '', 'not valid YAML').because(e);
  }
  const parsed = PendingFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw errors.invalidSchemaFile(where, issue?.path.map(String).join('.') ?? '', issue?.message ?? 'invalid');
  }
  return parsed.data.renames;
}

/** The text of `schema/.renames.yaml` for these renames; undefined when there are none (the file is removed). */
export function pendingRenamesText(renames: readonly Rename[]): string | undefined {
  if (renames.length === 0) return undefined;
  const header = '# Renames recorded with `redb mv`; the next commit carries them.\n';
  return header + emitYaml({ renames: renames.map((r) => ({ ...r })) });
}

/** Commits reachable from `tip` but not from `stop` (all of them when `stop` is absent), oldest first. */
async function commitsSince(store: Store, tip: string, stop: string | undefined): Promise<string[]> {
  const excluded = new Set<string>();
  if (stop !== undefined) {
    const queue = [stop];
    while (queue.length > 0) {
      const id = queue.pop() as string;
      if (excluded.has(id)) continue;
      excluded.add(id);
      queue.push(...(await readCommitInfo(store, id)).parents);
    }
  }
  const seen = new Set<string>();
  const order: { id: string; time: number }[] = [];
  const queue = [tip];
  while (queue.length > 0) {
    const id = queue.pop() as string;
    if (seen.has(id) || excluded.has(id)) continue;
    seen.add(id);
    const info = await readCommitInfo(store, id);
    order.push({ id, time: info.author.timestamp });
    queue.push(...info.parents);
  }
  return order.sort((a, b) => a.time - b.time).map((c) => c.id);
}

async function renamesOf(store: Store, commits: readonly string[]): Promise<Rename[]> {
  const out: Rename[] = [];
  for (const id of commits) out.push(...parseRenameTrailers((await readCommitInfo(store, id)).message));
  return out;
}

/**
 * The renames that lead from one commit to another. With no `from` (a live database whose commit is
 * unknown, a folder), every rename in `to`'s history is offered: each applies only where it fits.
 */
export async function renamesBetween(store: Store, from: string | undefined, to: string | undefined): Promise<Rename[]> {
  if (to === undefined) return [];
  if (from === undefined) return renamesOf(store, await commitsSince(store, to, undefined));
  if (from === to) return [];
  const base = await mergeBase(store, from, to);
  const back = await renamesOf(store, await commitsSince(store, from, base));
  const forward = await renamesOf(store, await commitsSince(store, to, base));
  return [...reverseRenames(back), ...forward];
}
