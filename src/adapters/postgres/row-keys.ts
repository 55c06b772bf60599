import { createHash } from 'node:crypto';
import { codeForm } from '../../unified/index.js';
import { signatureKey } from './index-def.js';
import type { RawRelation } from './catalog-tables.js';
import { keySignatures, type RelationRows } from './introspect-tables.js';

let form: string | undefined;

/**
 * An id of the code between catalog rows and a table's file: this folder (the catalog queries and the
 * mapping of their rows), the rows' grouping, and the unified model's canonical form.
 */
function mappingForm(): string {
  form ??= codeForm([{ url: import.meta.url }, { url: new URL('../group-by.js', import.meta.url).href, only: (name) => name.startsWith('group-by.') }]);
  return form;
}

/**
 * The key of a table as `mapTable` would build it, from every catalog row that building reads: the
 * relation, its columns, constraints, indexes and policies, the types of its columns, the column
 * names its foreign keys reference in other tables, and the decorations of its index keys. Same rows
 * and same code, same table, so a repeated read need not build a table whose key gave a file it
 * still has (see unified/known-objects.ts). Undefined (the table is built) where rows are missing
 * that building would fail on.
 */
export function tableRowKey(rel: RawRelation, rows: RelationRows): string | undefined {
  try {
    const columns = rows.columns.get(rel.oid) ?? [];
    const constraints = rows.constraints.get(rel.oid) ?? [];
    const indexes = rows.indexes.get(rel.oid) ?? [];
    const types = columns.map((c) => {
      const info = rows.types.get(c.type_oid);
      return [info ?? null, info?.elem === undefined ? null : (rows.types.get(info.elem) ?? null)];
    });
    const references = constraints.map((k) =>
      k.ref_rel === null || k.ref_keys === null
        ? null
        : k.ref_keys.map((n) => {
            const name = rows.attributes.get(k.ref_rel as string)?.get(n)?.name;
            if (name === undefined) throw new Error('missing column');
            return name;
          }),
    );
    const decorations = indexes.map((i) =>
      keySignatures(i, rows).map((s) => {
        const decoration = rows.decorations.get(signatureKey(s));
        if (decoration === undefined) throw new Error('missing decoration');
        // Not its position in the query, which other tables' indexes move.
        return [decoration.opclass, decoration.collation];
      }),
    );
    // Values alone, in the queries' column order (their text is part of the code's id): JSON of
    // arrays is cheaper than of objects of some twenty keys each.
    const values = (list: readonly object[]) => list.map((row) => Object.values(row));
    const text = JSON.stringify([
      Object.values(rel),
      values(columns),
      values(constraints),
      values(indexes),
      values(rows.policies.get(rel.oid) ?? []),
      types,
      references,
      decorations,
    ]);
    return `rows ${createHash('sha1').update(mappingForm()).update('\0').update(text).digest('base64')}`;
  } catch {
    return undefined;
  }
}
