import { maskTableOf, renderPolicy, suggestRules, type MaskTable, type Suggestion } from '../policy/index.js';
import { optionalStore, withDb, type OpContext } from './context.js';

/** Rows read per table to recognise values (e-mail addresses, phone and card numbers). */
export const SAMPLE_ROWS = 100;

export interface MaskSuggestResult {
  readonly db: string;
  readonly engine: string;
  readonly tables: number;
  /** False when the engine's adapter cannot read rows: the suggestions then rest on column names alone. */
  readonly sampled: boolean;
  readonly suggestions: readonly Suggestion[];
  /** The policy file, ready to review and save. */
  readonly yaml: string;
  /** Tables whose rows could not be read (their suggestions rest on column names alone). */
  readonly warnings: readonly string[];
}

const tableName = (t: MaskTable) => (t.schema === undefined ? t.name : `${t.schema}.${t.name}`);

/** Propose a masking policy for a database from its column names and a sample of its rows. */
export async function maskSuggest(ctx: OpContext & { db: string }): Promise<MaskSuggestResult> {
  // A bound name inside a project, or a URL anywhere: a policy is often written before the project exists.
  return withDb(optionalStore(ctx), ctx.db, ctx, async ({ connection, db }) => {
    const schema = await connection.introspect({ signal: ctx.signal });
    const tables = schema.tables.map(maskTableOf);
    const warnings: string[] = [];
    if (connection.sampleRows === undefined) warnings.push(`the ${db.engine} adapter cannot read rows: the suggestions rest on column names alone`);
    // A table the login may not read still gets the suggestions its column names give.
    const sample = async (table: MaskTable): Promise<unknown[][]> => {
      if (connection.sampleRows === undefined) return [];
      try {
        return await connection.sampleRows({ schema: table.schema, name: table.name, columns: table.columns.map((c) => c.name) }, SAMPLE_ROWS);
      } catch (e) {
        warnings.push(`cannot read rows of ${tableName(table)} (${e instanceof Error ? e.message : String(e)}): its suggestions rest on column names alone`);
        return [];
      }
    };
    const suggestions = await suggestRules(tables, sample);
    return {
      db: db.name,
      engine: db.engine,
      tables: tables.length,
      sampled: connection.sampleRows !== undefined,
      suggestions,
      yaml: renderPolicy(suggestions),
      warnings,
    };
  });
}
