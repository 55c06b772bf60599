import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** One import of a module: `import … from`, `export … from`, `import '…'`, or `import('…')`. */
export interface Import {
  readonly specifier: string;
  /** `type`: `import type` / `export type` (erased); `dynamic`: `import('…')`, loaded when it runs. */
  readonly kind: 'static' | 'type' | 'dynamic';
  /** The module is computed at run time: `specifier` is the expression's text. */
  readonly computed?: true;
  readonly line: number;
}

/** Whether a `/` at this point starts a regular expression (after an operator or keyword) rather than a division. */
const regexMayStart = (before: string): boolean => /(?:^|[(,=:[!&|?{};+\-*%<>~^]|\b(?:return|typeof|case|do|else|in|of|void|yield|await))\s*$/.test(before);

/**
 * The source with comments, template-literal text and regular expressions blanked (line breaks
 * kept, so offsets still give lines); plain string literals stay, for their specifiers. A regex
 * over this sees only code.
 */
export function codeOnly(text: string): string {
  let out = '';
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  // Brace depth at each open `${`: its `}` goes back into the template.
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  const template = () => {
    // In a template's text, up to its end or the next `${`.
    const start = i;
    while (i < text.length && text[i] !== '`' && !(text[i] === '$' && text[i + 1] === '{')) i += text[i] === '\\' ? 2 : 1;
    out += blank(text.slice(start, i));
    if (text[i] === '`') {
      out += '`';
      i++;
    } else if (i < text.length) {
      out += '${';
      i += 2;
      templates.push(depth);
    }
  };
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += blank(text.slice(i, stop));
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += blank(text.slice(i, stop));
      i = stop;
    } else if (c === '/' && regexMayStart(out.slice(-40))) {
      const start = i;
      let inClass = false;
      for (i++; i < text.length && text[i] !== '\n'; i++) {
        if (text[i] === '\\') i++;
        else if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
        else if (text[i] === '/' && !inClass) break;
      }
      i++;
      out += `/${blank(text.slice(start + 1, i - 1))}/`;
    } else if (c === '"' || c === "'") {
      const start = i;
      for (i++; i < text.length && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      i++;
      out += text.slice(start, i);
    } else if (c === '`') {
      out += '`';
      i++;
      template();
    } else {
      if (c === '{') depth++;
      if (c === '}') {
        if (templates.at(-1) === depth) {
          templates.pop();
          out += '}';
          i++;
          template();
          continue;
        }
        depth--;
      }
      out += c;
      i++;
    }
  }
  return out;
}

const STATIC = /\b(import|export)\s+(type\s+)?(?:[\w*${},\s]*?\s*from\s*)?(['"])([^'"\n]+)\3/g;
const DYNAMIC = /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;
/** An `import(…)` whose module is computed (a template or an expression). */
const COMPUTED = /\bimport\s*\(\s*(?!['"\s])/g;

/**
 * Every import in a module's source, with its line. A computed `import(…)` comes back with its
 * source text up to the first `)` or line end as the specifier, marked `computed`.
 */
export function importsOf(text: string): Import[] {
  const code = codeOnly(text);
  const lineAt = (index: number) => code.slice(0, index).split('\n').length;
  const found: (Import & { at: number })[] = [];
  for (const m of code.matchAll(STATIC)) {
    // `import type { … }` and `export type { … }` are erased; `import { type A }` still loads the module.
    found.push({ specifier: m[4] as string, kind: m[2] === undefined ? 'static' : 'type', line: lineAt(m.index), at: m.index });
  }
  for (const m of code.matchAll(DYNAMIC)) found.push({ specifier: m[2] as string, kind: 'dynamic', line: lineAt(m.index), at: m.index });
  for (const m of code.matchAll(COMPUTED)) {
    const from = m.index + m[0].length;
    const specifier = text.slice(from, from + 200).split(/[)\n]/)[0] as string;
    found.push({ specifier, kind: 'dynamic', computed: true, line: lineAt(m.index), at: m.index });
  }
  return found.sort((a, b) => a.at - b.at).map(({ at: _, ...i }) => i);
}

/** The TypeScript files under `dir`, as paths relative to `root` with `/` separators. */
export function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

export const readSource = (root: string, file: string): string => readFileSync(join(root, file), 'utf8');
