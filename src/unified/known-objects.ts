import { createHash, randomUUID, type Hash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ObjectKind } from './objects.js';

/**
 * Objects a repeated read need not canonicalise again. Turning an object as an adapter built it from
 * the catalog into its file (validating, sorting, emitting YAML, hashing) is a pure function of that
 * object and of this code; so, like git's index, a read keeps each object's key (a hash of the object
 * as built, and of the code) with the path and blob id of the file it gave. The next read that builds
 * an object with the same key, while that file is still in the working tree with that blob id, has its
 * file already: it leaves the object out of the schema and lists it in `reused`. The caller vouches
 * for the working tree (see `lookup`); a key that matches nothing, or a file that changed, simply
 * takes the full path, which gives the same bytes.
 */
export interface KnownObjects {
  /** The file an object of this key gave last time, if that file is in the working tree now, byte for byte. */
  lookup(key: string): KnownFile | undefined;
  /** Filled by `normalizeSchema`: the objects left out of the schema because their files are known. */
  readonly reused: { readonly key: string; readonly file: KnownFile }[];
  /** Filled by `normalizeSchema`: the key of each object it canonicalised (canonical object → key). */
  readonly keys: WeakMap<object, string>;
  /**
   * Filled by an adapter: the key of an object as built (object → key) when the adapter keys it by
   * the catalog rows it built it from and its own code, before building it (see `codeForm`). An
   * object whose rows are known is then never built at all; `normalizeSchema` keys the others by it.
   */
  readonly built: WeakMap<object, string>;
}

export interface KnownFile {
  readonly path: string;
  readonly oid: string;
}

export const knownObjects = (lookup: (key: string) => KnownFile | undefined): KnownObjects => ({
  lookup,
  reused: [],
  keys: new WeakMap(),
  built: new WeakMap(),
});

/** Kinds never left out: the read reports what the model keeps only as native text from the objects themselves. */
export const ALWAYS_READ: ReadonlySet<ObjectKind> = new Set(['native']);

/** Feed a folder's modules (name and bytes, in name order) to a hash. */
function hashModules(hash: Hash, dir: string, only?: (name: string) => boolean): void {
  const modules = readdirSync(dir)
    .filter((name) => /\.[cm]?[jt]s$/.test(name) && !name.endsWith('.d.ts') && (only === undefined || only(name)))
    .sort();
  for (const name of modules)
    hash
      .update(name)
      .update('\0')
      .update(readFileSync(join(dir, name)));
}

/**
 * An id of code, from the modules of the folders given (module URLs; a folder's `only` picks some of
 * its modules), and of this folder's code (`canonicalForm`). Code that cannot be read back (an
 * unusual packaging) gives an id nothing else has: every read then takes the full path.
 */
export function codeForm(folders: readonly { readonly url: string; readonly only?: (name: string) => boolean }[]): string {
  try {
    const hash = createHash('sha1').update(canonicalForm());
    for (const { url, only } of folders) hashModules(hash.update('\0'), dirname(fileURLToPath(url)), only);
    return hash.digest('hex');
  } catch {
    return `unread ${randomUUID()}`;
  }
}

let form: string | undefined;

/**
 * An id of the code that turns objects into canonical files: this folder's modules and the zod that
 * validates them. Keys made by another build never match.
 */
export function canonicalForm(): string {
  if (form !== undefined) return form;
  try {
    const hash = createHash('sha1').update(JSON.stringify(z.core.version));
    hashModules(hash, dirname(fileURLToPath(import.meta.url)));
    form = hash.digest('hex');
  } catch {
    // Code that cannot be read back (an unusual packaging) matches nothing: every read takes the full path.
    form = `unread ${randomUUID()}`;
  }
  return form;
}

/** Whether a value is plain JSON data, so that its JSON says all of it (a Date, a NaN or a class instance would not). */
function isPlain(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        // JSON writes an undefined item (or a hole) as null, which the model may read otherwise.
        for (let i = 0; i < value.length; i++) if (value[i] === undefined || !isPlain(value[i])) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) if (!isPlain((value as Record<string, unknown>)[key])) return false;
      return true;
    }
    default:
      return false;
  }
}

/** An object's key, as an adapter built it; undefined (never reused) unless it is plain JSON data. */
export function objectKeyHash(kind: ObjectKind, object: unknown): string | undefined {
  if (!isPlain(object)) return undefined;
  return createHash('sha1').update(canonicalForm()).update('\0').update(kind).update('\0').update(JSON.stringify(object)).digest('base64');
}
