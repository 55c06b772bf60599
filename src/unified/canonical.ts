import { createHash } from 'node:crypto';
import { load as parseYaml, YAMLException } from 'js-yaml';
import { z } from 'zod';
import { errors } from '../errors.js';
import { Engine, MODEL_VERSION, Schema, type SchemaInput, type Table, type View } from './model.js';
import { KINDS, OBJECT_KINDS, allObjects, kindOfDir, objectKey, objectsOf, type ObjectKind } from './objects.js';
import { schemaProblems } from './validate.js';
import type { FactsOf } from './engine-facts.js';
import { DEFAULT_ENGINE } from './engines.js';
import { emitYaml } from './yaml-emit.js';
import { ALWAYS_READ, objectKeyHash, type KnownObjects } from './known-objects.js';

/**
 * Canonical form: the same database always yields byte-identical files. Lists whose order carries no
 * meaning are sorted, optional flags that are off are left out, and every object is one YAML file.
 */

/** Booleans the model requires; every other `false` means "not set" and is left out. */
const REQUIRED_BOOLEANS = new Set(['nullable', 'stored', 'always', 'unique', 'permissive', 'tz', 'binary']);
/** Lists that default to empty; an empty one is left out. */
const DEFAULTED_LISTS = new Set(['uniques', 'foreignKeys', 'checks', 'exclusions', 'indexes', 'policies']);

export const META_FILE = 'redb.yaml';
const Meta = z.object({ version: z.literal(MODEL_VERSION), engine: Engine }).strict();

/**
 * One function per older model version, turning a tree of that version into the next one's files.
 * Version 1 is the first; the map grows with the model, and reading always upgrades in memory.
 */
const UPGRADES: Readonly<Record<number, (files: Map<string, unknown>) => Map<string, unknown>>> = {};

function checkVersion(raw: unknown, file: string): void {
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > MODEL_VERSION) {
    throw errors.invalidSchemaFile(file, 'version', `written by a newer redb (model version ${version}; this redb reads up to ${MODEL_VERSION}): upgrade redb`);
  }
  if (typeof version === 'number' && version < MODEL_VERSION && UPGRADES[version] === undefined) {
    throw errors.invalidSchemaFile(file, 'version', `model version ${version} is not one redb has ever written`);
  }
}

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (v === false && !REQUIRED_BOOLEANS.has(k)) continue;
    if (Array.isArray(v) && v.length === 0 && DEFAULTED_LISTS.has(k)) continue;
    out[k] = prune(v);
  }
  return out;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortBy = <T>(items: readonly T[], key: (t: T) => string): T[] => [...items].sort((a, b) => byText(key(a), key(b)));

function sortTable(t: Table): Table {
  return {
    ...t,
    uniques: sortBy(t.uniques, (u) => u.name ?? `~${u.columns.join(',')}`),
    foreignKeys: sortBy(t.foreignKeys, (f) => f.name ?? `~${f.columns.join(',')}>${f.references.table}`),
    checks: sortBy(t.checks, (c) => c.name ?? `~${c.expression}`),
    exclusions: sortBy(t.exclusions, (e) => e.name),
    indexes: sortBy(t.indexes, (i) => i.name),
    policies: sortBy(t.policies, (p) => p.name),
  };
}

const sortView = (v: View): View => ({ ...v, indexes: sortBy(v.indexes, (i) => i.name) });

/** Schemas this module produced: already canonical, so serialising them skips a second pass. */
const canonical = new WeakSet<object>();

/**
 * Validate and bring a schema into canonical form (sorted, flags normalised). With `known` (see
 * known-objects.ts), objects whose files are known are left out of the schema and listed there.
 */
export function normalizeSchema(input: SchemaInput | Schema, known?: KnownObjects): Schema {
  if (known !== undefined) return normalizeKnown(input, known);
  if (canonical.has(input)) return input as Schema;
  const parsed = Schema.parse(prune(input));
  const sorted: Record<string, unknown> = { ...parsed };
  for (const kind of OBJECT_KINDS) {
    let items: readonly unknown[] = objectsOf(parsed, kind);
    if (kind === 'table') items = (items as Table[]).map(sortTable);
    if (kind === 'view') items = (items as View[]).map(sortView);
    sorted[KINDS[kind].collection] = sortBy(items, (o) => objectKey(kind, o).join('\u0000'));
  }
  canonical.add(sorted);
  return sorted as Schema;
}

const COLLECTIONS = new Map<string, ObjectKind>(OBJECT_KINDS.map((kind) => [KINDS[kind].collection, kind]));

/** One object as `normalizeSchema` leaves it: the schema's lists validate each item with its kind's own schema. */
function normalizeObject(kind: ObjectKind, object: unknown): object {
  const parsed = (KINDS[kind].schema as z.ZodType).parse(prune(object)) as object;
  return kind === 'table' ? sortTable(parsed as Table) : kind === 'view' ? sortView(parsed as View) : parsed;
}

/**
 * Each object's canonical form depends on that object alone: known ones are left out, the others
 * canonicalised one by one and the lists sorted as `normalizeSchema` sorts them. Anything unexpected
 * (an invalid object above all, to report it exactly as without `known`) takes the plain path.
 */
function normalizeKnown(input: SchemaInput | Schema, known: KnownObjects): Schema {
  const { version, engine, ...lists } = input as Record<string, unknown>;
  // Objects the adapter left out before building them stay reused whichever path is taken.
  const before = known.reused.length;
  const plain = () => {
    known.reused.length = before;
    return normalizeSchema(input);
  };
  if (!Object.entries(lists).every(([name, list]) => COLLECTIONS.has(name) && (list === undefined || Array.isArray(list)))) return plain();
  try {
    const sorted: Record<string, unknown> = { ...Schema.parse({ version, engine }) };
    for (const [name, list] of Object.entries(lists) as [string, readonly unknown[] | undefined][]) {
      const kind = COLLECTIONS.get(name) as ObjectKind;
      const items: object[] = [];
      for (const object of list ?? []) {
        const key = ALWAYS_READ.has(kind)
          ? undefined
          : ((typeof object === 'object' && object !== null ? known.built.get(object) : undefined) ?? objectKeyHash(kind, object));
        const file = key === undefined ? undefined : known.lookup(key);
        // An entry that names another object's file is not believed (an edited index could).
        if (key !== undefined && file !== undefined && objectPath(kind, object) === file.path) {
          known.reused.push({ key, file });
          continue;
        }
        const normal = normalizeObject(kind, object);
        if (key !== undefined) known.keys.set(normal, key);
        items.push(normal);
      }
      sorted[name] = sortBy(items, (o) => objectKey(kind, o).join('\u0000'));
    }
    canonical.add(sorted);
    return sorted as Schema;
  } catch {
    return plain();
  }
}

const SAFE = /^[A-Za-z0-9_$(),-]$/;
/** File-name form of one identity part: readable where it can be, percent-encoded where it must. */
function encodePart(part: string): string {
  let out = '';
  for (const ch of part) {
    out += SAFE.test(ch) ? ch : [...Buffer.from(ch, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

export function objectPath(kind: ObjectKind, object: unknown): string {
  return `${KINDS[kind].dir}/${objectKey(kind, object).map(encodePart).join('.')}.yaml`;
}

export function serializeObject(object: unknown): string {
  return emitYaml(prune(object) as Record<string, unknown>);
}

/** The files of a schema, keyed by path relative to the tree root. Sorted, canonical. */
export function schemaToFiles(schema: Schema): Map<string, string> {
  const normal = normalizeSchema(schema);
  const files = new Map<string, string>();
  files.set(META_FILE, emitYaml({ version: normal.version, engine: normal.engine }));
  for (const { kind, object } of allObjects(normal)) files.set(objectPath(kind, object), serializeObject(object));
  return files;
}

function zodField(error: z.ZodError): { field: string; detail: string } {
  const issue = error.issues[0];
  if (issue === undefined) return { field: '', detail: error.message };
  return { field: issue.path.map(String).join('.'), detail: issue.message };
}

function parseFile(path: string, text: string, root: string): unknown {
  try {
    return parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLException && e.mark !== undefined ? `line ${e.mark.line + 1}` : '';
    const detail = e instanceof YAMLException ? e.reason : e instanceof Error ? e.message : String(e);
    throw errors.invalidSchemaFile(`${root}${path}`, where, `not valid YAML: ${detail}`).because(e);
  }
}

/**
 * `edited`: hand-edited files (a working tree, a `dir:` ref): also refuse what cannot exist on the
 * engine (a type whose fields contradict its native spelling, two columns of one name, a key on a
 * missing column; with `whole`, a foreign key to a missing table or to columns that are not a key
 * there), by the facts of the engine the files name.
 */
export type ReadOptions =
  | { readonly edited?: false }
  | {
      readonly edited: true;
      readonly facts: FactsOf;
      /** The files are the whole schema, not only the changed objects: check references between objects. */
      readonly whole?: boolean;
    };

/**
 * Read a schema back from its files, validating each one and reporting the file and field at fault.
 * `root` prefixes file names in messages (e.g. `schema/`).
 */
export function schemaFromFiles(files: ReadonlyMap<string, string>, root = '', options: ReadOptions = {}): Schema {
  const collections: Record<string, unknown[]> = {};
  let meta: z.infer<typeof Meta> | undefined;
  for (const [path, text] of [...files].sort(([a], [b]) => byText(a, b))) {
    if (path === META_FILE) {
      const raw = parseFile(path, text, root);
      checkVersion(raw, `${root}${path}`);
      const result = Meta.safeParse(raw);
      if (!result.success) {
        const { field, detail } = zodField(result.error);
        throw errors.invalidSchemaFile(`${root}${path}`, field, detail);
      }
      meta = result.data;
      continue;
    }
    const slash = path.indexOf('/');
    const kind = slash > 0 ? kindOfDir(path.slice(0, slash)) : undefined;
    if (kind === undefined || path.indexOf('/', slash + 1) !== -1) {
      const known = OBJECT_KINDS.map((k) => `${KINDS[k].dir}/`).join(', ');
      throw errors.invalidSchemaFile(`${root}${path}`, '', `not where redb keeps schema objects (folders: ${known})`);
    }
    if (!path.endsWith('.yaml')) throw errors.invalidSchemaFile(`${root}${path}`, '', 'schema object files end in .yaml');
    const result = (KINDS[kind].schema as z.ZodType).safeParse(parseFile(path, text, root));
    if (!result.success) {
      const { field, detail } = zodField(result.error);
      throw errors.invalidSchemaFile(`${root}${path}`, field, detail);
    }
    const expected = objectPath(kind, result.data);
    if (expected !== path) {
      throw errors.invalidSchemaFile(
        `${root}${path}`,
        'name',
        `the file describes ${kind} '${objectKey(kind, result.data).join('.')}', which belongs in ${root}${expected} (to rename an object, use redb mv)`,
      );
    }
    (collections[KINDS[kind].collection] ??= []).push(result.data);
  }
  const hasObjects = Object.keys(collections).length > 0;
  if (meta === undefined && hasObjects) {
    throw errors.invalidSchemaFile(`${root}${META_FILE}`, 'engine', 'missing: the file names the model version and engine');
  }
  const schema = normalizeSchema({ version: MODEL_VERSION, engine: meta?.engine ?? DEFAULT_ENGINE, ...collections });
  if (options.edited === true) {
    const problem = schemaProblems(schema, options.facts(schema.engine), { whole: options.whole === true }).find((p) => p.level === 'error');
    if (problem !== undefined) throw errors.invalidSchemaFile(`${root}${objectPath(problem.kind, problem.object)}`, problem.field, problem.detail);
  }
  return schema;
}

/** Whether a schema holds no objects at all (a fresh working tree or an unborn branch). */
export const isEmptySchema = (schema: Schema): boolean => allObjects(schema).next().done === true;

/** The git blob id of a file's text. */
export const blobId = (text: string): string => {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
};

/** A digest of a tree's entries (path → blob id), for quick equality of whole schemas. */
export function entriesDigest(entries: ReadonlyMap<string, string>): string {
  const hash = createHash('sha1');
  for (const [path, oid] of [...entries].sort(([a], [b]) => byText(a, b))) hash.update(path).update('\0').update(oid).update('\0');
  return hash.digest('hex');
}

/** A digest of a schema's files (path → text); equal to the digest of the tree they make. */
export const filesDigest = (files: ReadonlyMap<string, string>): string => entriesDigest(new Map([...files].map(([path, text]) => [path, blobId(text)])));

/** Stable text of a whole schema, for equality checks and hashing. */
export function canonicalText(schema: Schema): string {
  return [...schemaToFiles(schema)].map(([p, t]) => `--- ${p}\n${t}`).join('');
}
