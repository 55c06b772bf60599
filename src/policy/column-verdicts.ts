import { compilePattern } from './match.js';
import type { MaskPolicy } from './parse-policy.js';

/** A table or view by name, as a policy matches it. */
export interface RelationName {
  readonly schema?: string | undefined;
  readonly name: string;
}

/** What a policy says of a column, by names alone: `denied` (the column or its table), `masked` by a rule, or nothing. */
export type ColumnVerdict = 'denied' | 'masked' | undefined;

export interface ColumnVerdicts {
  /** The policy masks and denies nothing. */
  readonly empty: boolean;
  tableDenied(table: RelationName): boolean;
  column(table: RelationName, column: string): ColumnVerdict;
}

/**
 * The policy's verdicts by name, with no secret and no column types: what the MCP server needs to
 * decide what a read login may be granted and what a free-form query may touch. The same patterns
 * as the masker's (compileMasker), so the two never disagree on which columns are sensitive.
 */
export function columnVerdicts(policy: MaskPolicy | undefined): ColumnVerdicts {
  const rules = (policy?.rules ?? []).map((r) => compilePattern(r.match, 'column'));
  const deniedTables = (policy?.deny ?? []).filter((d) => d.kind === 'table').map((d) => compilePattern(d.pattern, 'table'));
  const deniedColumns = (policy?.deny ?? []).filter((d) => d.kind === 'column').map((d) => compilePattern(d.pattern, 'column'));
  const tableDenied = (table: RelationName) => deniedTables.some((p) => p.matchesTable(table));
  return {
    empty: rules.length === 0 && deniedTables.length === 0 && deniedColumns.length === 0,
    tableDenied,
    column(table, column) {
      if (tableDenied(table) || deniedColumns.some((p) => p.matchesColumn(table, column))) return 'denied';
      return rules.some((p) => p.matchesColumn(table, column)) ? 'masked' : undefined;
    },
  };
}
