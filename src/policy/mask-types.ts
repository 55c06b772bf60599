import type { ColumnType } from '../unified/index.js';
import type { Keyed } from './keyed.js';

/** A column as the masker needs to know it (from the unified model's Table/Column). */
export interface MaskColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  /** Covered alone by a primary key, UNIQUE constraint or unique index: masked values must stay distinct. */
  readonly unique?: boolean;
}

export interface MaskTable {
  readonly schema?: string | undefined;
  readonly name: string;
  readonly columns: readonly MaskColumn[];
}

/** Masks one non-null value; `rowKey` is the original value of the rule's `by` column, when it has one. */
export type ValueMask = (value: NonNullable<unknown>, rowKey: unknown) => unknown;

/** A transform made for one column, or the reason it cannot serve that column. */
export type Built = { readonly mask: ValueMask } | { readonly unfit: string };

export interface BuildContext {
  readonly keyed: Keyed;
  readonly column: MaskColumn;
}
