/**
 * The canonical YAML emitter for schema objects. The model is plain data (maps, lists, strings,
 * numbers, booleans), so a direct emitter is both exact and fast — the general-purpose `yaml`
 * library's document model cost seconds on a 10,000-table schema. Its output is read back by that
 * library; the tests check that every string survives the trip.
 *
 * Style: block maps and lists; one-line flow for lists of scalars and for small maps whose values
 * are all scalars (a column's type, a foreign key's target, an index key); multi-line text as
 * literal blocks; strings plain where YAML reads them back unchanged, double-quoted otherwise.
 */

type Value = string | number | boolean | null | readonly Value[] | { readonly [key: string]: Value };

/** Maps written on one line when all their values are scalars. */
const FLOW_MAPS = new Set(['type', 'references', 'generated', 'identity', 'partitionBy', 'partitionOf', 'ownedBy', 'of']);

const isScalar = (v: Value): v is string | number | boolean | null => v === null || typeof v !== 'object';
const isMap = (v: Value): v is { readonly [key: string]: Value } => v !== null && typeof v === 'object' && !Array.isArray(v);

// Plain only when YAML 1.2 core schema reads it back as the same string: no indicators, no
// look-alikes of numbers, booleans or null, no leading/trailing space, nothing that starts a comment.
const PLAIN = /^[A-Za-z_$][A-Za-z0-9_$ .()\-/+*=<>!'|&%^~@]*$/;
const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|~|\.nan|\.inf|-\.inf|\.NaN|\.Inf|-\.Inf)$/i;

function quote(s: string, inFlow: boolean): string {
  if (PLAIN.test(s) && !RESERVED.test(s) && !s.endsWith(' ') && !s.includes(' #') && !s.includes(': ') && !(inFlow && /[,[\]{}]/.test(s))) return s;
  return JSON.stringify(s);
}

function scalar(v: string | number | boolean | null, inFlow: boolean): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return quote(v, inFlow);
  return String(v);
}

/** A literal block keeps multi-line SQL readable; only for text it reproduces exactly. */
function literalBlock(s: string, indent: string): string | undefined {
  if (
    !s.includes('\n') ||
    s.includes('\r') ||
    s.includes('\t') ||
    /^\s/.test(s) ||
    s.endsWith('\n') ||
    / \n|\n$/.test(s) ||
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s)
  )
    return undefined;
  return `|-\n${s
    .split('\n')
    .map((line) => (line === '' ? '' : `${indent}${line}`))
    .join('\n')}`;
}

function flow(v: Value): string {
  if (isScalar(v)) return scalar(v, true);
  if (Array.isArray(v)) return `[${(v as readonly Value[]).map(flow).join(', ')}]`;
  return `{${Object.entries(v as { readonly [key: string]: Value })
    .map(([k, x]) => `${quote(k, true)}: ${flow(x)}`)
    .join(', ')}}`;
}

const flowable = (key: string, v: Value): boolean =>
  (Array.isArray(v) && (v as readonly Value[]).every(isScalar)) ||
  (isMap(v) && Object.values(v).every(isScalar) && (FLOW_MAPS.has(key) || (('column' in v || 'expression' in v) && Object.keys(v).length <= 4)));

function block(v: Value, indent: string, key: string, out: string[]): void {
  if (isMap(v)) {
    for (const [k, x] of Object.entries(v)) entry(k, x, indent, out);
    return;
  }
  for (const item of v as readonly Value[]) {
    if (isMap(item) && !flowable(key, item)) {
      const lines: string[] = [];
      block(item, `${indent}  `, key, lines);
      // The first key goes on the dash line.
      out.push(`${indent}- ${(lines[0] ?? '').slice(indent.length + 2)}`, ...lines.slice(1));
    } else if (isScalar(item) || flowable(key, item)) {
      out.push(
        `${indent}- ${isScalar(item) ? (typeof item === 'string' ? (literalBlock(item, `${indent}  `) ?? scalar(item, false)) : scalar(item, false)) : flow(item)}`,
      );
    } else {
      out.push(`${indent}-`);
      block(item, `${indent}  `, key, out);
    }
  }
}

function entry(k: string, x: Value, indent: string, out: string[]): void {
  const name = quote(k, false);
  if (isScalar(x)) {
    out.push(`${indent}${name}: ${typeof x === 'string' ? (literalBlock(x, `${indent}  `) ?? scalar(x, false)) : scalar(x, false)}`);
  } else if (flowable(k, x) || (Array.isArray(x) && x.length === 0) || (isMap(x) && Object.keys(x).length === 0)) {
    out.push(`${indent}${name}: ${flow(x)}`);
  } else {
    out.push(`${indent}${name}:`);
    block(x, Array.isArray(x) ? `${indent}  ` : `${indent}  `, k, out);
  }
}

/** YAML text of one schema object (a map). */
export function emitYaml(object: { readonly [key: string]: unknown }): string {
  const out: string[] = [];
  block(object as { readonly [key: string]: Value }, '', '', out);
  return `${out.join('\n')}\n`;
}
