import { errors } from '../errors.js';
import {
  PENDING_RENAMES,
  pendingRenamesText,
  readPendingRenames,
  readWorkingTree,
  runJournaled,
  schemaAtHead,
  workingSteps,
  type Change,
  type Store,
} from '../repo/index.js';
import { RENAME_KINDS, renameInSchema, renameText, reverseRenames, schemaToFiles, type Rename, type RenameKind, type Schema } from '../unified/index.js';
import type { OpContext } from './context.js';
import { writing } from './find-store.js';

export interface MvResult {
  readonly rename: Rename;
  /** `table public.album -> albums` */
  readonly text: string;
  /** Views and other code whose text names the old name: the engine rewrites them, the working tree does not. */
  readonly warnings: readonly string[];
}

const has = (names: readonly { schema?: string | undefined; name: string }[], schema: string | undefined, name: string) =>
  names.some((o) => o.name === name && (o.schema ?? '') === (schema ?? ''));

/** `[schema.]name` of a table or view as the working tree knows it: the whole text first, then split at the first dot. */
function locate(schema: Schema, kind: 'table' | 'view', spec: string): { schema?: string; name: string } | undefined {
  const all = kind === 'table' ? schema.tables : schema.views;
  const bare = all.filter((o) => o.name === spec);
  if (bare.length === 1) return { ...(bare[0]?.schema === undefined ? {} : { schema: bare[0].schema }), name: spec };
  const dot = spec.indexOf('.');
  if (dot > 0 && has(all, spec.slice(0, dot), spec.slice(dot + 1))) return { schema: spec.slice(0, dot), name: spec.slice(dot + 1) };
  return undefined;
}

const hand = (found: { schema?: string } | undefined, old: string) => {
  if (found === undefined) return undefined;
  const dot = old.indexOf('.');
  return { ...found, name: dot > 0 && found.schema === old.slice(0, dot) ? old.slice(dot + 1) : old };
};

function parseRename(schema: Schema, kind: RenameKind, old: string, to: string): Rename {
  if (kind === 'table' || kind === 'view') {
    // Renamed by hand already: the new name tells the schema.
    const found = locate(schema, kind, old) ?? hand(locate(schema, kind, to), old);
    if (found === undefined) throw errors.usage(`the working tree has no ${kind} '${old}'`, `see the files under schema/${kind}s/`);
    return { kind, ...(found.schema === undefined ? {} : { schema: found.schema }), from: found.name, to };
  }
  const dot = old.lastIndexOf('.');
  const table = dot > 0 ? locate(schema, 'table', old.slice(0, dot)) : undefined;
  if (table === undefined) throw errors.usage(`'${old}' does not name a ${kind} of a table in the working tree`, `write it as [schema.]table.${kind}`);
  return { kind, ...(table.schema === undefined ? {} : { schema: table.schema }), table: table.name, from: old.slice(dot + 1), to };
}

/**
 * The new name as a plain name. Written in full like the old one (`redb mv column Genre.Name
 * Genre.Title`, as `git mv` takes paths), the old one's schema and table are dropped; a name that
 * would still carry a dot (a move to another table or schema) is refused rather than taken literally.
 */
function newName(kind: RenameKind, old: string, to: string): string {
  const within = kind === 'table' || kind === 'view' ? old.indexOf('.') : old.lastIndexOf('.');
  const prefix = within > 0 ? old.slice(0, within + 1) : '';
  const plain = prefix !== '' && to.startsWith(prefix) ? to.slice(prefix.length) : to;
  const where = kind === 'table' || kind === 'view' ? 'schema' : 'table';
  if (plain.trim() === '' || plain.includes('/') || plain.includes('.')) {
    throw errors.invalidName(kind, to, `give the new name alone, e.g. redb mv ${kind} ${old} new_name (a rename stays in its ${where})`);
  }
  return plain;
}

/** Names in the views' and triggers' text that still say the old name. */
function mentions(schema: Schema, rename: Rename): string[] {
  const word = new RegExp(`(^|[^A-Za-z0-9_$])${rename.from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z0-9_$]|$)`);
  return [
    ...schema.views.filter((v) => word.test(v.definition)).map((v) => `view ${v.name}`),
    ...schema.triggers.filter((t) => word.test(t.definition)).map((t) => `trigger ${t.name}`),
    ...schema.routines.filter((r) => word.test(r.definition)).map((r) => `routine ${r.name}`),
  ];
}

const sameRename = (a: Rename, b: Rename): boolean =>
  a.kind === b.kind && (a.schema ?? '') === (b.schema ?? '') && (a.table ?? '') === (b.table ?? '') && a.from === b.from && a.to === b.to;

/** HEAD's schema with the renames already recorded applied: what a rename made by hand must start from. */
async function recordedBase(store: Store, pending: readonly Rename[]): Promise<Schema> {
  let base = await schemaAtHead(store);
  for (const r of pending) base = renameInSchema(base, r) ?? base;
  return base;
}

/**
 * Record a rename: the working tree's object (and the keys that point at it) take the new name, and
 * the rename waits in `schema/.renames.yaml` for the next commit, which carries it. The files and
 * the record change together (one journal, under the repository lock), so neither is ever left
 * without the other.
 */
export async function mv(ctx: OpContext & { kind: string; old: string; new: string }): Promise<MvResult> {
  if (!(RENAME_KINDS as readonly string[]).includes(ctx.kind)) throw errors.usage(`cannot rename a '${ctx.kind}'`, `kinds: ${RENAME_KINDS.join(', ')}`);
  const kind = ctx.kind as RenameKind;
  const to = newName(kind, ctx.old, ctx.new);
  return writing(ctx, 'mv', async (store) => {
    const working = await readWorkingTree(store);
    const rename = parseRename(working, kind, ctx.old, to);
    if (rename.from === rename.to) throw errors.usage(`'${ctx.old}' already has that name`);
    const pending = await readPendingRenames(store);
    if (pending.some((r) => sameRename(r, rename))) {
      throw errors.usage(`the rename ${renameText(rename)} is already recorded`, 'the next commit carries it (redb status shows it); nothing to do');
    }
    // A rename already made by hand in the files is only recorded, if the old name is one that
    // HEAD (with the renames recorded so far) has: otherwise there is nothing it renames.
    const byHand = renameInSchema(working, reverseRenames([rename])[0] as Rename) !== undefined;
    if (byHand && renameInSchema(await recordedBase(store, pending), rename) === undefined) {
      const where = rename.table === undefined ? '' : ` of table ${rename.table}`;
      throw errors.usage(
        `there is no ${kind} '${rename.from}'${where} to rename: the working tree already names it '${rename.to}', and HEAD has no '${rename.from}'`,
        'a rename already committed or recorded needs no second mv (redb log, redb status)',
      );
    }
    const renamed = byHand ? working : renameInSchema(working, rename);
    if (renamed === undefined) {
      const where = rename.table === undefined ? '' : ` in table ${rename.table}`;
      throw errors.usage(`cannot rename ${kind} '${rename.from}' to '${rename.to}'${where}: the old name is missing or the new one is taken`);
    }
    const steps: Change[] = byHand ? [] : await workingSteps(store, new Map([...schemaToFiles(renamed)].map(([path, text]) => [path, { text }])));
    steps.push({ write: PENDING_RENAMES, text: pendingRenamesText([...pending, rename]) as string });
    await runJournaled(store, 'mv', steps);
    const stale = mentions(renamed, rename);
    const warnings =
      stale.length === 0
        ? []
        : [`${stale.join(', ')} still name '${rename.from}' in their text: the database rewrites them on rename; edit the files to match`];
    return { rename, text: renameText(rename), warnings };
  });
}
