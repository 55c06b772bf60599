import { createHash } from 'node:crypto';
import { codeForm } from '../../unified/index.js';
import type { RawRelation } from './catalog-tables.js';
import { signatureText } from './index-def.js';
import type { RelationRows } from './introspect-tables.js';

let form: string | undefined;

/**
 * An id of the code between catalog rows and a table's file: this folder (the catalog queries and the
 * mapping of their rows), the rows' grouping, and the unified model's canonical form.
 */
function mappingForm(): string {
  form ??= codeForm([{ url: import.meta.url }, { url: new URL('../group-by.js', import.meta.url).href, only: (name) => name.startsWith('group-by.') }]);
  return form;
}

/** What a column's type adds to its table's key: the type's catalog row and its element's, spelled once per read for each type. */
const typeTexts = new WeakMap<RelationRows['types'], Map<string, string>>();
function typeText(rows: RelationRows, oid: string): string {
  let texts = typeTexts.get(rows.types);
  if (texts === undefined) typeTexts.set(rows.types, (texts = new Map()));
  let text = texts.get(oid);
  if (text === undefined) {
    const info = rows.types.get(oid);
    const elem = info?.elem === undefined ? undefined : rows.types.get(info.elem);
    text = `${JSON.stringify(info ?? null)}${JSON.stringify(elem ?? null)}`;
    texts.set(oid, text);
  }
  return text;
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
    // The rows as the driver gave them, in one JSON text (their keys are the queries' own, part of the
    // code's id): no copy of any row is made to hash it. What else building reads is appended as
    // plain strings.
    let extra = '';
    for (const c of columns) extra += typeText(rows, c.type_oid);
    for (const k of constraints) {
      if (k.ref_rel === null || k.ref_keys === null) continue;
      const referenced = rows.attributes.get(k.ref_rel);
      for (const n of k.ref_keys) {
        const name = referenced?.get(n)?.name;
        if (name === undefined) return undefined;
        extra += `\0${k.oid}\0${name}`;
      }
    }
    for (const i of indexes) {
      if (i.def !== null) continue;
      const attributes = rows.attributes.get(i.rel);
      for (let k = 0; k < i.key_count; k++) {
        const column = attributes?.get(i.attnums[k] as number);
        if (column === undefined) return undefined;
        const decoration = rows.decorations.get(signatureText(column.type_oid, i.am, i.classes[k] ?? '0', i.collations[k] ?? '0', column.collation_oid));
        if (decoration === undefined) return undefined;
        // Not the signature, which another table's index can share: what it prints.
        extra += `\0${i.name}\0${JSON.stringify(decoration.opclass)}${JSON.stringify(decoration.collation)}`;
      }
    }
    const text = JSON.stringify([rel, columns, constraints, indexes, rows.policies.get(rel.oid) ?? []]);
    return `rows ${createHash('sha1').update(mappingForm()).update('\0').update(text).update('\0').update(extra).digest('base64')}`;
  } catch {
    return undefined;
  }
}
