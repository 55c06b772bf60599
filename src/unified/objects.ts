import type { z } from 'zod';
import { CompositeType, Domain, Enum, Extension, Namespace, NativeObject, Routine, Sequence, Table, Trigger, View, type Schema } from './model.js';

/**
 * Every top-level schema object kind, with where it lives in a Schema, its folder in the working
 * tree and a commit's tree, and how it is identified. The order is creation order: what a kind
 * depends on comes before it.
 */
export const OBJECT_KINDS = ['namespace', 'extension', 'enum', 'domain', 'composite', 'sequence', 'routine', 'table', 'view', 'trigger', 'native'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/** The element type of each kind's collection. */
export interface ObjectTypes {
  namespace: Namespace;
  extension: Extension;
  enum: Enum;
  domain: Domain;
  composite: CompositeType;
  sequence: Sequence;
  routine: Routine;
  table: Table;
  view: View;
  trigger: Trigger;
  native: NativeObject;
}

interface KindSpec<K extends ObjectKind> {
  readonly collection: keyof Schema;
  readonly dir: string;
  readonly schema: z.ZodType<ObjectTypes[K]>;
  /** Identity parts, outermost first; together unique within the collection. */
  readonly key: (o: ObjectTypes[K]) => readonly string[];
}

const qualified = (o: { schema?: string | undefined; name: string }) => (o.schema === undefined ? [o.name] : [o.schema, o.name]);

export const KINDS = {
  namespace: { collection: 'namespaces', dir: 'namespaces', schema: Namespace, key: (o) => [o.name] },
  extension: { collection: 'extensions', dir: 'extensions', schema: Extension, key: (o) => [o.name] },
  enum: { collection: 'enums', dir: 'enums', schema: Enum, key: qualified },
  domain: { collection: 'domains', dir: 'domains', schema: Domain, key: qualified },
  composite: { collection: 'composites', dir: 'types', schema: CompositeType, key: qualified },
  sequence: { collection: 'sequences', dir: 'sequences', schema: Sequence, key: qualified },
  routine: {
    collection: 'routines',
    dir: 'routines',
    schema: Routine,
    key: (o) => [...qualified(o), `(${o.signature})`],
  },
  table: { collection: 'tables', dir: 'tables', schema: Table, key: qualified },
  view: { collection: 'views', dir: 'views', schema: View, key: qualified },
  trigger: {
    collection: 'triggers',
    dir: 'triggers',
    schema: Trigger,
    key: (o) => (o.schema === undefined ? [o.table, o.name] : [o.schema, o.table, o.name]),
  },
  native: { collection: 'natives', dir: 'native', schema: NativeObject, key: (o) => [o.type, ...qualified(o)] },
} as const satisfies { [K in ObjectKind]: KindSpec<K> };

export type ObjectOf<K extends ObjectKind> = ObjectTypes[K];

/** Any schema object, tagged with its kind. */
export type SchemaObject = { [K in ObjectKind]: { readonly kind: K; readonly object: ObjectOf<K> } }[ObjectKind];

export function objectKey(kind: ObjectKind, object: unknown): readonly string[] {
  return (KINDS[kind].key as (o: unknown) => readonly string[])(object);
}

/** The identity used in messages and diff output: `public.album`, `album.trg_x`. */
export function objectId(kind: ObjectKind, object: unknown): string {
  return objectKey(kind, object).join('.');
}

export function objectsOf<K extends ObjectKind>(schema: Schema, kind: K): readonly ObjectOf<K>[] {
  return schema[KINDS[kind].collection] as unknown as readonly ObjectOf<K>[];
}

export function* allObjects(schema: Schema): Generator<SchemaObject> {
  for (const kind of OBJECT_KINDS) {
    for (const object of objectsOf(schema, kind)) yield { kind, object } as SchemaObject;
  }
}

export const kindOfDir = (dir: string): ObjectKind | undefined => OBJECT_KINDS.find((k) => KINDS[k].dir === dir);
