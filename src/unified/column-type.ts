import { z } from 'zod';
import { unhandled } from './unhandled.js';

/**
 * Portable column types. Every variant keeps `native`, the engine's own spelling, so a same-engine
 * round trip is exact and a cross-engine translation knows what it lost.
 */
// Empty only for SQLite columns declared without a type.
const native = z.string();

const scalarVariants = [
  z
    .object({
      kind: z.literal('integer'),
      native,
      bits: z.union([z.literal(8), z.literal(16), z.literal(24), z.literal(32), z.literal(64)]),
      unsigned: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('decimal'),
      native,
      precision: z.number().int().optional(),
      scale: z.number().int().optional(),
      unsigned: z.boolean().optional(),
    })
    .strict(),
  z.object({ kind: z.literal('float'), native, bits: z.union([z.literal(32), z.literal(64)]), unsigned: z.boolean().optional() }).strict(),
  z.object({ kind: z.literal('text'), native, length: z.number().int().optional(), fixed: z.boolean().optional() }).strict(),
  z.object({ kind: z.literal('binary'), native, length: z.number().int().optional(), fixed: z.boolean().optional() }).strict(),
  z.object({ kind: z.literal('boolean'), native }).strict(),
  z.object({ kind: z.literal('date'), native }).strict(),
  z.object({ kind: z.literal('time'), native, tz: z.boolean(), precision: z.number().int().optional() }).strict(),
  z.object({ kind: z.literal('timestamp'), native, tz: z.boolean(), precision: z.number().int().optional() }).strict(),
  z.object({ kind: z.literal('interval'), native }).strict(),
  z.object({ kind: z.literal('uuid'), native }).strict(),
  z.object({ kind: z.literal('json'), native, binary: z.boolean() }).strict(),
  /** `ref` names a model enum (PostgreSQL); inline `values` are MySQL's ENUM(...). */
  z.object({ kind: z.literal('enum'), native, values: z.array(z.string()).optional(), ref: z.string().optional() }).strict(),
  z.object({ kind: z.literal('set'), native, values: z.array(z.string()) }).strict(),
  z.object({ kind: z.literal('vector'), native, dims: z.number().int().optional() }).strict(),
  z.object({ kind: z.literal('spatial'), native }).strict(),
  z.object({ kind: z.literal('network'), native }).strict(),
  z.object({ kind: z.literal('bit'), native, length: z.number().int().optional(), varying: z.boolean().optional() }).strict(),
  /** A user-defined type (domain, composite, range) referenced by qualified name. */
  z.object({ kind: z.literal('user'), native, ref: z.string() }).strict(),
  /** Anything redb has no portable meaning for: kept verbatim, translated only to the same engine. */
  z.object({ kind: z.literal('other'), native }).strict(),
] as const;

/** Element types of arrays: every kind but array itself (nesting is `dims`). */
export const ScalarType = z.discriminatedUnion('kind', [...scalarVariants]);
export type ScalarType = z.infer<typeof ScalarType>;

export const ColumnType = z.discriminatedUnion('kind', [
  ...scalarVariants,
  z.object({ kind: z.literal('array'), native, of: ScalarType, dims: z.number().int().min(1).optional() }).strict(),
]);
export type ColumnType = z.infer<typeof ColumnType>;

export type ColumnTypeKind = ColumnType['kind'];

/**
 * Where a type's fields contradict the numbers in its `native` spelling (a hand edit that changed one
 * and not the other): the field and what each says; undefined when they agree or cannot be compared.
 * Both must agree: same-engine DDL is written from `native`, while diffs and hazards read the fields.
 */
export function typeContradiction(type: ColumnType): { readonly field: string; readonly detail: string } | undefined {
  if (type.kind === 'array') {
    const inner = typeContradiction(type.of);
    return inner === undefined ? undefined : { field: `of.${inner.field}`, detail: inner.detail };
  }
  const numbers = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(type.native);
  if (numbers === null) return undefined;
  const check = (field: string, value: number | undefined, spelled: string | undefined) =>
    value === undefined || spelled === undefined || value === Number(spelled)
      ? undefined
      : { field, detail: `native ${type.native} says ${spelled}, but ${field} says ${value}: change both together` };
  switch (type.kind) {
    case 'text':
    case 'binary':
    case 'bit':
      return check('length', type.length, numbers[1]);
    case 'decimal':
      return check('precision', type.precision, numbers[1]) ?? check('scale', type.scale, numbers[2]);
    case 'time':
    case 'timestamp':
      return check('precision', type.precision, numbers[1]);
    case 'vector':
      return check('dims', type.dims, numbers[1]);
    case 'integer':
    case 'float':
    case 'boolean':
    case 'date':
    case 'interval':
    case 'uuid':
    case 'json':
    case 'enum':
    case 'set':
    case 'spatial':
    case 'network':
    case 'user':
    case 'other':
      return undefined;
    default:
      return unhandled(type);
  }
}
