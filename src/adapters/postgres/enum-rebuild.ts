import type { ColumnType, Enum, Hazard, PlanInput, Table } from '../../unified/index.js';
import { createObjectSql } from './ddl-objects.js';
import { qname, quoteIdent } from './sql-text.js';

/** Whether an enum can be altered in place: values can be added anywhere, never removed or reordered. */
export const enumAltersInPlace = (from: Enum, to: Enum): boolean =>
  JSON.stringify(to.values.filter((v) => from.values.includes(v))) === JSON.stringify(from.values);

const enumRef = (t: ColumnType): string | undefined => (t.kind === 'enum' ? t.ref : t.kind === 'array' && t.of.kind === 'enum' ? t.of.ref : undefined);

export interface EnumRebuild {
  readonly rename: string;
  readonly create: readonly string[];
  readonly columns: readonly string[];
  readonly drop: string;
  /** Tables whose columns change type: views reading them are re-created. */
  readonly tables: readonly Table[];
  readonly hazards: readonly Hazard[];
}

/**
 * An enum that loses or reorders values is made again: the old one is renamed out of the way, the
 * new one created, every column of it converted through text (defaults set aside meanwhile), and the
 * old one dropped once nothing uses it.
 */
export function enumRebuild(from: Enum, to: Enum, input: PlanInput): EnumRebuild {
  const ref = `${to.schema ?? 'public'}.${to.name}`;
  const old = `${to.name}__redb_old`;
  const fromTables = new Map(input.from.tables.map((t) => [`${t.schema ?? ''}.${t.name}`, t]));
  const tables: Table[] = [];
  const columns = input.to.tables.flatMap((t) => {
    const before = fromTables.get(`${t.schema ?? ''}.${t.name}`);
    const out = t.columns.flatMap((c) => {
      const was = before?.columns.find((b) => b.name === c.name);
      if (enumRef(c.type) !== ref || was === undefined || enumRef(was.type) !== ref) return [];
      const col = `ALTER TABLE ${qname(t)} ALTER COLUMN ${quoteIdent(c.name)}`;
      const via = c.type.kind === 'array' ? '::text[]' : '::text';
      return [
        ...(was.default === undefined ? [] : [`${col} DROP DEFAULT`]),
        `${col} TYPE ${c.type.native} USING ${quoteIdent(c.name)}${via}::${c.type.native}`,
        ...(c.default === undefined ? [] : [`${col} SET DEFAULT ${c.default}`]),
      ];
    });
    if (out.length > 0) tables.push(t);
    return out;
  });
  const lost = from.values.filter((v) => !to.values.includes(v));
  return {
    rename: `ALTER TYPE ${qname(from)} RENAME TO ${quoteIdent(old)}`,
    create: createObjectSql({ kind: 'enum', object: to }),
    columns,
    drop: `DROP TYPE ${qname({ schema: from.schema, name: old })}`,
    tables,
    hazards: lost.length === 0 ? [] : [{ name: 'data-dependent', reason: `enum ${ref} loses ${lost.join(', ')}: converting rows that hold them fails` }],
  };
}
