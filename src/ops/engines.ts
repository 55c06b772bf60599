import { engineNamed } from '../adapters/registry.js';
import { errors } from '../errors.js';
import { ENGINES, type Engine } from '../unified/index.js';

export { ENGINES, type EngineName } from '../unified/engines.js';

/** The engine an option names (`--as`, `--sql`): its own name or an alias its manifest lists (`postgresql`, `mariadb`). */
export function parseEngine(value: string, flag: string): Engine {
  const engine = engineNamed(value);
  if (engine === undefined) throw errors.usage(`unknown engine '${value}'`, `${flag} takes one of: ${ENGINES.join(', ')}`);
  return engine;
}
