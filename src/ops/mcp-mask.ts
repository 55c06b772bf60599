import type { ColumnSource, ResultColumn } from '../adapters/adapter.js';
import { errors } from '../errors.js';
import { compileMasker, maskTableOf, type MaskPolicy } from '../policy/index.js';
import type { Schema, Table } from '../unified/index.js';

export interface ResultMask {
  /** Mask one row in place. */
  readonly apply: (row: unknown[]) => void;
  /** Columns whose values were withheld (null) because they cannot be traced to a table column. */
  readonly withheld: readonly string[];
}

const findTable = (schema: Schema, source: ColumnSource): Table | undefined =>
  schema.tables.find((t) => t.name === source.table && (t.schema === undefined || t.schema === source.schema));

const tableId = (t: Table): string => (t.schema === undefined ? t.name : `${t.schema}.${t.name}`);

/**
 * The policy applied to a result. A column traced to a table column gets that column's rule; a
 * denied table or column anywhere in the result refuses the whole result. A column that cannot be
 * traced (an expression, an aggregate, a view's column) could carry any value, masked or not, so
 * it is withheld whenever the policy has any rule; only with an empty policy is it shown as is.
 */
export function resultMask(policy: MaskPolicy | undefined, schema: Schema, columns: readonly ResultColumn[], env?: NodeJS.ProcessEnv): ResultMask {
  if (policy === undefined) return { apply: () => undefined, withheld: [] };
  const masker = compileMasker(policy, { env });
  const strict = policy.rules.length > 0 || policy.deny.length > 0;
  const untraced: number[] = [];
  const byTable = new Map<Table, number[]>();
  columns.forEach((c, i) => {
    const table = c.source === undefined ? undefined : findTable(schema, c.source);
    if (table === undefined || c.source === undefined) {
      untraced.push(i);
      return;
    }
    if (masker.deniesTable(maskTableOf(table))) throw errors.mcpDenied(`table ${tableId(table)}`);
    if (masker.deniedColumns(maskTableOf(table)).includes(c.source.column)) throw errors.mcpDenied(`column ${tableId(table)}.${c.source.column}`);
    byTable.set(table, [...(byTable.get(table) ?? []), i]);
  });
  const withheld = strict ? untraced : [];
  const maskers = [...byTable].flatMap(([table, positions]) => {
    const mask = masker.rowMasker(maskTableOf(table), positions.map((i) => (columns[i]?.source as ColumnSource).column));
    return mask === undefined ? [] : [{ mask, positions }];
  });
  return {
    withheld: withheld.map((i) => columns[i]?.name ?? ''),
    apply(row) {
      for (const { mask, positions } of maskers) {
        const part = positions.map((i) => row[i]);
        mask(part);
        positions.forEach((p, j) => (row[p] = part[j]));
      }
      for (const i of withheld) row[i] = null;
    },
  };
}
