import { plainDecimal } from '../adapters/rows.js';
import type { ColumnType } from '../unified/index.js';

/**
 * Arrays as text, between the engines that have them. PostgreSQL writes `{a,"b c",NULL,{1,2}}`
 * (braces), DuckDB's lists are written here as `["a", "b c", NULL, [1, 2]]` (brackets: DuckDB's
 * own cast from text reads that back exactly, backslash escapes included; its printed form, with
 * `'it''s'`, it does not), and the other engines keep an array as a JSON array. Every form is read
 * into one tree, so each can be written as any other without an element changing.
 */

/** An element: its text and whether the source quoted it (a quoted `NULL` is the word, not null). */
export type ArrayNode = null | { readonly text: string; readonly quoted: boolean } | readonly ArrayNode[];

export type ArrayForm = 'braces' | 'brackets' | 'json';

/** The tree of an array's text in braces or brackets; undefined when the text is neither. */
export function readArray(text: string): ArrayNode[] | undefined {
  // PostgreSQL prefixes bounds that do not start at 1 (`[0:1]={a,b}`); the elements are what is kept.
  const start = text.search(/^(\[[^\]]*\]=)*\{/) === 0 ? text.indexOf('{') : text.startsWith('[') ? 0 : -1;
  if (start < 0) return undefined;
  const [open, close] = text[start] === '{' ? ['{', '}'] : ['[', ']'];
  let i = start;
  const list = (): ArrayNode[] => {
    i++; // the opening brace or bracket
    const items: ArrayNode[] = [];
    while (i < text.length && text[i] !== close) {
      while (text[i] === ' ') i++;
      if (text[i] === open) items.push(list());
      else if (text[i] === '"') {
        let raw = '';
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i++;
          raw += text[i] ?? '';
          i++;
        }
        i++;
        items.push({ text: raw, quoted: true });
      } else {
        const from = i;
        while (i < text.length && text[i] !== ',' && text[i] !== close) i++;
        const raw = text.slice(from, i).trim();
        items.push(raw.toUpperCase() === 'NULL' ? null : { text: raw, quoted: false });
      }
      while (text[i] === ' ') i++;
      if (text[i] === ',') i++;
    }
    i++; // the closing one
    return items;
  };
  return list();
}

const numeric = (of: ColumnType) => of.kind === 'integer' || of.kind === 'decimal' || of.kind === 'float';
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** A boolean element's word in each form (PostgreSQL prints `t`/`f`). */
function truth(node: { text: string; quoted: boolean }, of: ColumnType): boolean | undefined {
  if (of.kind !== 'boolean' || node.quoted) return undefined;
  const t = node.text.toLowerCase();
  return t === 't' || t === 'true' ? true : t === 'f' || t === 'false' ? false : undefined;
}

const backslashed = (s: string) => `"${s.replace(/[\\"]/g, '\\$&')}"`;

/** Writes a tree in a form; numbers stay as written (no element is rounded), booleans become words. */
export function writeArray(nodes: readonly ArrayNode[], of: ColumnType, form: ArrayForm): string {
  const element = (node: ArrayNode): string => {
    if (node === null) return form === 'json' ? 'null' : 'NULL';
    if (Array.isArray(node)) return writeArray(node, of, form);
    const leaf = node as { text: string; quoted: boolean };
    const b = truth(leaf, of);
    if (b !== undefined) return form === 'braces' ? (b ? 't' : 'f') : String(b);
    if (numeric(of) && NUMBER.test(leaf.text)) return form === 'json' ? plainDecimal(leaf.text) : leaf.text;
    if (form !== 'json') return backslashed(leaf.text);
    if (of.kind === 'json') {
      try {
        JSON.parse(leaf.text);
        return leaf.text;
      } catch {
        // Not JSON after all: kept as a string.
      }
    }
    return JSON.stringify(leaf.text);
  };
  const items = nodes.map(element);
  return form === 'braces' ? `{${items.join(',')}}` : form === 'brackets' ? `[${items.join(', ')}]` : `[${items.join(',')}]`;
}

/**
 * An array's text in one canonical form, whichever engine wrote it: how `verify` compares arrays
 * across engines, where PostgreSQL quotes an element only when it must and DuckDB always does.
 * `number` writes a numeric element's digits canonically (`1.50` and `1.500` are one value).
 */
export function canonicalArray(text: string, of: ColumnType, number: (digits: string) => string): string {
  const nodes = readArray(text);
  if (nodes === undefined) return text;
  const plain = (n: ArrayNode): unknown => {
    if (n === null) return null;
    if (Array.isArray(n)) return n.map(plain);
    const leaf = n as { text: string; quoted: boolean };
    const b = truth(leaf, of);
    if (b !== undefined) return b;
    return numeric(of) && NUMBER.test(leaf.text) ? number(leaf.text) : leaf.text;
  };
  return JSON.stringify(nodes.map(plain));
}
