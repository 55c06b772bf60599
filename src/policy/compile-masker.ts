import { createHash } from 'node:crypto';
import { errors } from '../errors.js';
import { Keyed } from './keyed.js';
import type { MaskColumn, MaskTable, ValueMask } from './mask-types.js';
import { compilePattern, type NamePattern } from './match.js';
import type { MaskPolicy, PolicyRule } from './parse-policy.js';
import { buildTransform, KEYED } from './transforms.js';

export interface Masker {
  /**
   * What decides the masked values, without revealing the secret: a hash of the policy's rules and
   * denials, and a keyed fingerprint of its secret (empty when it has none). A resumed clone must
   * mask as the interrupted run did.
   */
  readonly fingerprint: { readonly policy: string; readonly secret: string };
  /** The policy is strict: a column it has no rule or denial for must not travel in a replication stream (it pauses its table). */
  readonly strict: boolean;
  /** Whether a rule or a denial names this column of `table` (the whole table denied included). */
  covers(table: MaskTable, column: string): boolean;
  /** Whole table denied (never copied / never shown). */
  deniesTable(table: MaskTable): boolean;
  /** Columns that are denied: written as NULL by clone, refused/omitted by MCP. */
  deniedColumns(table: MaskTable): readonly string[];
  /**
   * A function that masks one row of `table` in place, columns in the given order; undefined when
   * nothing applies. Denied columns among `columns` are set to NULL.
   */
  rowMasker(table: MaskTable, columns: readonly string[]): ((row: unknown[]) => void) | undefined;
}

/** What happens to one column: denied, masked by a rule, or left alone (absent). */
type ColumnPlan = { readonly deny: true } | { readonly deny: false; readonly mask: ValueMask; readonly by: string | undefined };

function resolveSecret(policy: MaskPolicy, env: NodeJS.ProcessEnv): string | undefined {
  const secret = policy.secret;
  if (secret === undefined || !secret.startsWith('env:')) return secret;
  const value = env[secret.slice(4)];
  if (value === undefined || value === '') throw errors.policySecretMissing(policy.source, `${secret.slice(4)} is not set`);
  return value;
}

/** The rule's `by` column (a row key), when it has one. */
const byOf = (rule: PolicyRule): string | undefined => (rule.options !== undefined && 'by' in rule.options ? rule.options.by : undefined);

/** Resolve the secret (`env:NAME`, or literal) and compile the rules. Unknown columns named by a rule in `tables` are
 * an error (REDB_POLICY_UNKNOWN_COLUMN naming the rule's line) when `tables` is given. */
export function compileMasker(policy: MaskPolicy, options: { env?: NodeJS.ProcessEnv; tables?: readonly MaskTable[] }): Masker {
  const secret = resolveSecret(policy, options.env ?? process.env);
  const keyedRule = policy.rules.find((r) => KEYED.has(r.transform));
  if (secret === undefined && keyedRule !== undefined) {
    throw errors.policySecretMissing(policy.source, `rule '${keyedRule.match}' (line ${keyedRule.line}) uses ${keyedRule.transform}, which is keyed`);
  }
  const keyed = new Keyed(secret ?? '');
  const rules = policy.rules.map((rule) => ({ rule, line: rule.line, pattern: compilePattern(rule.match, 'column') }));
  const deniedTables = policy.deny.filter((d) => d.kind === 'table').map((d) => ({ line: d.line, pattern: compilePattern(d.pattern, 'table') }));
  const deniedColumns = policy.deny.filter((d) => d.kind === 'column').map((d) => ({ line: d.line, pattern: compilePattern(d.pattern, 'column') }));

  const planColumn = (table: MaskTable, column: MaskColumn): ColumnPlan | undefined => {
    if (deniedColumns.some((d) => d.pattern.matchesColumn(table, column.name))) return { deny: true };
    const hit = rules.find((r) => r.pattern.matchesColumn(table, column.name));
    if (hit === undefined) return undefined;
    const built = buildTransform(hit.rule, { keyed, column });
    const tableName = `${table.schema === undefined ? '' : `${table.schema}.`}${table.name}`;
    if ('unfit' in built)
      throw errors.policyInvalid(
        policy.source,
        hit.line,
        `rules.${policy.rules.indexOf(hit.rule)}`,
        `${hit.rule.transform} cannot mask ${tableName}.${column.name}: ${built.unfit}`,
      );
    const by = byOf(hit.rule);
    if (by !== undefined && !table.columns.some((c) => c.name === by)) {
      throw errors.policyUnknownColumn(policy.source, hit.line, by, `(the \`by\` of ${hit.rule.match}) is not a column of ${tableName}`);
    }
    return { deny: false, mask: built.mask, by };
  };

  // Weak: callers may describe a table afresh on every call (MCP does), and the plans must not pile up.
  const plans = new WeakMap<MaskTable, ReadonlyMap<string, ColumnPlan>>();
  const planTable = (table: MaskTable): ReadonlyMap<string, ColumnPlan> => {
    let plan = plans.get(table);
    if (plan === undefined) {
      plan = new Map(
        table.columns.flatMap((c) => {
          const p = planColumn(table, c);
          return p === undefined ? [] : [[c.name, p] as const];
        }),
      );
      plans.set(table, plan);
    }
    return plan;
  };

  if (options.tables !== undefined) {
    checkNames(policy.source, options.tables, [...rules, ...deniedColumns], deniedTables);
    // Every rule is tried on every column now, so a transform that does not fit fails before any row moves.
    for (const table of options.tables) planTable(table);
  }

  const { rules: policyRules, deny } = policy;
  const policyHash = createHash('sha256')
    .update(
      JSON.stringify({
        secret: policy.secret?.startsWith('env:') === true ? 'env' : policy.secret === undefined ? 'none' : 'literal',
        rules: policyRules.map(({ line: _line, ...r }) => r),
        deny: deny.map(({ line: _line, ...d }) => d),
      }),
    )
    .digest('hex')
    .slice(0, 16);
  return {
    fingerprint: { policy: policyHash, secret: secret === undefined ? '' : keyed.mac('redb:secret-fingerprint', '').toString('hex').slice(0, 16) },
    strict: policy.strict === true,
    covers: (table, column) =>
      deniedTables.some((d) => d.pattern.matchesTable(table)) ||
      deniedColumns.some((d) => d.pattern.matchesColumn(table, column)) ||
      rules.some((r) => r.pattern.matchesColumn(table, column)),
    deniesTable: (table) => deniedTables.some((d) => d.pattern.matchesTable(table)),
    deniedColumns: (table) => [...planTable(table)].filter(([, p]) => p.deny).map(([name]) => name),
    rowMasker(table, columns) {
      const plan = planTable(table);
      const jobs = columns.flatMap((name, at) => {
        const p = plan.get(name);
        return p === undefined ? [] : [{ at, plan: p, byAt: p.deny || p.by === undefined ? -1 : columns.indexOf(p.by) }];
      });
      if (jobs.length === 0) return undefined;
      const keyed = jobs.some((j) => j.byAt !== -1);
      return (row) => {
        // Row keys are read before any column of the row is masked.
        const original = keyed ? [...row] : row;
        for (const { at, plan: p, byAt } of jobs) {
          const value = row[at];
          if (p.deny) row[at] = null;
          else if (value !== null && value !== undefined) row[at] = p.mask(value, byAt === -1 ? undefined : original[byAt]);
        }
      };
    },
  };
}

/**
 * Check that the policy's exact names (no globs) name tables and columns of `tables`, without
 * compiling its transforms or reading its secret: what `redb mcp grant` needs before it grants.
 */
export function checkPolicyNames(policy: MaskPolicy, tables: readonly MaskTable[]): void {
  const columns = [
    ...policy.rules.map((r) => ({ text: r.match, line: r.line })),
    ...policy.deny.filter((d) => d.kind === 'column').map((d) => ({ text: d.pattern, line: d.line })),
  ];
  checkNames(
    policy.source,
    tables,
    columns.map((c) => ({ pattern: compilePattern(c.text, 'column'), line: c.line })),
    policy.deny.filter((d) => d.kind === 'table').map((d) => ({ pattern: compilePattern(d.pattern, 'table'), line: d.line })),
  );
}

/** Exact names (no globs) in the policy must exist: a misspelt one would leave data unmasked. */
function checkNames(
  source: string,
  tables: readonly MaskTable[],
  columnPatterns: readonly { pattern: NamePattern; line: number }[],
  tablePatterns: readonly { pattern: NamePattern; line: number }[],
): void {
  for (const { pattern, line } of columnPatterns.filter((p) => p.pattern.exact)) {
    if (tables.some((t) => t.columns.some((c) => pattern.matchesColumn(t, c.name)))) continue;
    const table = tables.find((t) => compilePattern(pattern.text.split('.').slice(0, -1).join('.'), 'table').matchesTable(t));
    throw errors.policyUnknownColumn(source, line, pattern.text, table === undefined ? 'names no table of the database' : `names no column of ${table.name}`);
  }
  for (const { pattern, line } of tablePatterns.filter((p) => p.pattern.exact)) {
    if (!tables.some((t) => pattern.matchesTable(t))) throw errors.policyUnknownColumn(source, line, pattern.text, 'names no table of the database');
  }
}
