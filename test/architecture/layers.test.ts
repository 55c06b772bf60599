import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeOnly, importsOf, readSource, sourceFiles, type Import } from './imports.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Layer {
  readonly name: string;
  /** `src/cli.ts` (one file) or `src/commands/` (a folder). */
  readonly where: string;
  readonly may: ReadonlySet<string>;
  readonly types: ReadonlySet<string>;
  readonly lazily: ReadonlySet<string>;
}

/** The layers table of docs/architecture.md, the one statement of which arrows may exist. */
function layersTable(): Layer[] {
  const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const start = doc.indexOf('| layer | where | owns | may import | types from | lazily |');
  expect(start, 'docs/architecture.md has the layers table').toBeGreaterThanOrEqual(0);
  const rows = doc.slice(start).split('\n').slice(2);
  const layers: Layer[] = [];
  for (const row of rows) {
    if (!row.startsWith('|')) break;
    const cells = row
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    expect(cells, row).toHaveLength(6);
    const names = (cell: string) => new Set(cell === '' ? [] : cell.split(',').map((n) => n.trim()));
    const [name, where, , may, types, lazily] = cells as [string, string, string, string, string, string];
    layers.push({ name, where: where.replace(/`/g, ''), may: names(may), types: names(types), lazily: names(lazily) });
  }
  return layers;
}

const LAYERS = layersTable();

/** The layer a path under the repository (`src/ops/x.ts`) belongs to. */
function layerOf(path: string): Layer | undefined {
  return LAYERS.find((l) => (l.where.endsWith('/') ? path.startsWith(l.where) : path === l.where));
}

/** Which arrows one import draws that the table forbids, in words. */
function forbidden(file: string, from: Layer, imp: Import): string | undefined {
  const at = `${file}:${imp.line}: ${imp.kind === 'dynamic' ? `import('${imp.specifier}')` : `${imp.kind === 'type' ? 'import type … from ' : ''}'${imp.specifier}'`}`;
  if (imp.computed === true) {
    // A package named in a template (`@electric-sql/pglite/contrib/${name}`) is not ours.
    return /^`[@a-z]/.test(imp.specifier) ? undefined : `${at}: a computed import the layers cannot be checked for`;
  }
  if (!imp.specifier.startsWith('.')) return undefined;
  const target = posix.normalize(posix.join(posix.dirname(file), imp.specifier)).replace(/\.js$/, '.ts');
  const to = layerOf(target) ?? layerOf(target.replace(/\.ts$/, '.tsx'));
  if (to === undefined) return `${at}: ${target} is in no layer of docs/architecture.md${target.startsWith('src/') ? '' : ' (outside src/)'}`;
  if (to === from || from.may.has(to.name)) return undefined;
  if (imp.kind === 'type' && from.types.has(to.name)) return undefined;
  if (imp.kind === 'dynamic' && from.lazily.has(to.name)) return undefined;
  const how = from.types.has(to.name) ? ' (only its types)' : from.lazily.has(to.name) ? ' (only by import())' : '';
  return `${at}: ${from.name} → ${to.name} is not an arrow of the layers table${how}`;
}

describe('the layers in docs/architecture.md hold for every import under src/', () => {
  it('names only layers it defines, each in a folder or file that exists', () => {
    const names = new Set(LAYERS.map((l) => l.name));
    expect(names.size).toBe(LAYERS.length);
    for (const l of LAYERS) {
      expect(existsSync(join(ROOT, l.where)), l.where).toBe(true);
      for (const n of [...l.may, ...l.types, ...l.lazily]) expect(names.has(n), `${l.name} names the unknown layer '${n}'`).toBe(true);
    }
  });

  it('puts every file of src/ in a layer', () => {
    const orphans = sourceFiles(ROOT, 'src').filter((f) => layerOf(f) === undefined);
    expect(orphans, 'files in no layer: add their folder to the table in docs/architecture.md').toEqual([]);
  });

  it('finds no arrow the table forbids', () => {
    const violations: string[] = [];
    let checked = 0;
    for (const file of sourceFiles(ROOT, 'src')) {
      const from = layerOf(file);
      if (from === undefined) continue;
      for (const imp of importsOf(readSource(ROOT, file))) {
        checked++;
        const v = forbidden(file, from, imp);
        if (v !== undefined) violations.push(v);
      }
    }
    // The reader finds the imports there are (a reader that found none would pass anything).
    expect(checked).toBeGreaterThan(1000);
    expect(violations, `arrows the layers table in docs/architecture.md forbids:\n${violations.join('\n')}\n`).toEqual([]);
  });

  it('keeps src/unified/ free of anything of ours but errors, and errors free of everything of ours', () => {
    const unified = LAYERS.find((l) => l.name === 'unified');
    expect([...(unified?.may ?? []), ...(unified?.types ?? []), ...(unified?.lazily ?? [])]).toEqual(['errors']);
    const errors = LAYERS.find((l) => l.name === 'errors');
    expect([...(errors?.may ?? []), ...(errors?.types ?? []), ...(errors?.lazily ?? [])]).toEqual([]);
  });
});

describe('the import reader', () => {
  const kinds = (text: string) => importsOf(text).map((i) => `${i.kind} ${i.specifier}${i.computed === true ? ' (computed)' : ''}`);

  it('reads static, type, re-exported, side-effect and dynamic imports, over several lines', () => {
    const text = [
      'import { a,',
      "  b } from '../ops/a.js';",
      "import type { T } from '../repo/index.js';",
      "import { type U } from '../unified/index.js';",
      "export * from './x.js';",
      "export type { V } from '../adapters/adapter.js';",
      "import './side-effect.js';",
      "const m = await import('../mcp/server.js');",
      'const n = await import(`../adapters/${name}.js`);',
    ].join('\n');
    expect(kinds(text)).toEqual([
      'static ../ops/a.js',
      'type ../repo/index.js',
      'static ../unified/index.js',
      'static ./x.js',
      'type ../adapters/adapter.js',
      'static ./side-effect.js',
      'dynamic ../mcp/server.js',
      'dynamic `../adapters/${name}.js` (computed)',
    ]);
    expect(importsOf(text)[1]?.line).toBe(3);
  });

  it('ignores imports in comments, strings, templates and regular expressions', () => {
    const text = [
      "// import { x } from '../repo/index.js';",
      "/* import('../repo/index.js') */",
      "const url = 'postgres://u@h/db'; // a '//' in a string is no comment",
      "const hint = `run import('../repo/a.js') by hand`;",
      'const re = /[\'"]import\\(/g;',
      "const half = total / 2; import { y } from '../ops/y.js';",
    ].join('\n');
    expect(kinds(text)).toEqual(['static ../ops/y.js']);
    expect(codeOnly(text)).toHaveLength(text.length);
  });

  it('flags an arrow the table forbids, and lets an allowed one through', () => {
    const layer = (name: string) => LAYERS.find((l) => l.name === name) as Layer;
    const imp = (specifier: string, kind: Import['kind'] = 'static'): Import => ({ specifier, kind, line: 1 });
    expect(forbidden('src/mcp/resources.ts', layer('mcp'), imp('../repo/index.js'))).toBe(
      "src/mcp/resources.ts:1: '../repo/index.js': mcp → repo is not an arrow of the layers table",
    );
    expect(forbidden('src/mcp/context.ts', layer('mcp'), imp('../repo/index.js', 'type'))).toContain('mcp → repo is not an arrow');
    expect(forbidden('src/commands/x.ts', layer('commands'), imp('../repo/index.js', 'type'))).toBeUndefined();
    expect(forbidden('src/commands/x.ts', layer('commands'), imp('../repo/index.js'))).toContain(
      'commands → repo is not an arrow of the layers table (only its types)',
    );
    expect(forbidden('src/commands/mcp.ts', layer('commands'), imp('../mcp/server.js'))).toContain('(only by import())');
    expect(forbidden('src/commands/mcp.ts', layer('commands'), imp('../mcp/server.js', 'dynamic'))).toBeUndefined();
    expect(forbidden('src/unified/x.ts', layer('unified'), imp('../adapters/registry.js'))).toContain('unified → adapters');
    expect(forbidden('src/unified/x.ts', layer('unified'), imp('./model.js'))).toBeUndefined();
    expect(forbidden('src/ops/x.ts', layer('ops'), imp('../../package.json'))).toContain('outside src/');
    expect(forbidden('src/replicate/checkpoints.ts', layer('replicate'), imp('../repo/safe-fs.js'))).toContain('replicate → repo');
    expect(forbidden('src/ops/x.ts', layer('ops'), imp('zod'))).toBeUndefined();
  });
});

describe("the README's layout table", () => {
  it('names every folder of src/ and the top files, and nothing that is not there', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const from = readme.indexOf('## Layout');
    const layout = readme.slice(from, readme.indexOf('\n## ', from + 1));
    const rows = layout.split('\n').filter((l) => l.startsWith('| `'));
    const named = rows.map((r) => /^\| `([^`]+)`/.exec(r)?.[1] as string);
    for (const path of named) expect(existsSync(join(ROOT, path.replace('<engine>/', ''))), `README names ${path}`).toBe(true);
    const entries = readdirSync(join(ROOT, 'src'), { withFileTypes: true }).map((e) => (e.isDirectory() ? `src/${e.name}/` : `src/${e.name}`));
    const missing = entries.filter((e) => !named.some((n) => n === e || n.startsWith(e)));
    expect(missing, 'in src/ but not in the README layout').toEqual([]);
  });
});
