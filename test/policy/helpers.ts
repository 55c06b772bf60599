import { compileMasker, parsePolicy, type MaskColumn, type MaskTable } from '../../src/policy/index.js';
import type { ColumnType } from '../../src/unified/index.js';

export const text = (length?: number): ColumnType => ({
  kind: 'text',
  native: length === undefined ? 'text' : `varchar(${length})`,
  ...(length === undefined ? {} : { length }),
});
export const integer = (bits: 8 | 16 | 24 | 32 | 64, unsigned = false): ColumnType => ({
  kind: 'integer',
  native: `int${bits}`,
  bits,
  ...(unsigned ? { unsigned } : {}),
});
export const decimal = (precision: number, scale: number): ColumnType => ({ kind: 'decimal', native: `numeric(${precision},${scale})`, precision, scale });

export const column = (type: ColumnType, extra: Partial<MaskColumn> = {}): MaskColumn => ({ name: 'c', type, nullable: true, ...extra });

/** A one-rule policy on t.c, as a function masking one value (through a row, as clone and MCP do). */
export function masker(transform: string, col: MaskColumn, options?: Record<string, unknown>, secret = 'first secret'): (value: unknown) => unknown {
  const policy = parsePolicy(JSON.stringify({ secret, rules: [{ match: 't.c', transform, ...(options === undefined ? {} : { options }) }] }), 'test.yaml');
  const table: MaskTable = { name: 't', columns: [col] };
  const mask = compileMasker(policy, { tables: [table] }).rowMasker(table, [col.name]);
  if (mask === undefined) throw new Error('the rule did not apply');
  return (value) => {
    const row = [value];
    mask(row);
    return row[0];
  };
}

/** The error a function throws (fails the test when it throws none). */
export function thrown(f: () => unknown): { code: string; message: string; data: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    return e as { code: string; message: string; data: Record<string, unknown> };
  }
  throw new Error('expected an error');
}
