import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeOnly, readSource, sourceFiles } from './imports.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `import { a, b as c, type T } from '…/ops/x.js'` in a command: the values it takes from the operations (a, b), by module. */
function opsImports(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const file of sourceFiles(ROOT, 'src/commands')) {
    const code = codeOnly(readSource(ROOT, file));
    for (const m of code.matchAll(/\bimport\s+(type\s+)?([^;'"]*?)\s*from\s*(['"])([^'"\n]+)\3/g)) {
      const target = posix.normalize(posix.join(posix.dirname(file), m[4] as string));
      if (!target.startsWith('src/ops/') || m[1] !== undefined) continue;
      const clause = m[2] as string;
      // A default or namespace import would hide which operations it uses.
      expect(clause.trim().startsWith('{'), `${file}: import ${clause} from '${m[4]}' names its operations`).toBe(true);
      const names = clause
        .replace(/[{}]/g, '')
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== '' && !n.startsWith('type '))
        .map((n) => n.split(/\s+as\s+/)[0] as string);
      for (const name of names) used.set(name, [...(used.get(name) ?? []), file]);
    }
  }
  return used;
}

describe('the library exports what the commands use', () => {
  it('exports from src/index.ts every operation a command imports from src/ops/', async () => {
    const used = opsImports();
    // The reader finds the commands' operations (one that found none would pass anything).
    expect(used.has('migrate') && used.has('status') && used.size > 40).toBe(true);
    const library: Record<string, unknown> = await import('../../src/index.js');
    const missing = [...used].filter(([name]) => library[name] === undefined).map(([name, files]) => `${name} (${files.join(', ')})`);
    expect(missing, 'used by a command, not exported by src/index.ts').toEqual([]);
  });
});
