import { errors } from '../errors.js';
import { readConfig, type Store } from '../repo/index.js';

/**
 * What an MCP client may name. The CLI's refs also take `dir:<path>` and `db:<URL>`, which would let
 * a client make the server read any folder, connect anywhere and expand its own `${VAR}`s; over MCP
 * a ref is a commit, branch, tag (with `~n`/`^`), `working` or `db:<bound name>`, and nothing in
 * client input is ever expanded.
 */

/** A branch, tag or commit id as redb names them (see checkRefName), then any `~n` and `^`. */
const GIT_REF = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)(?!\/)[A-Za-z0-9._/-]+(?<![./])(?:~\d*|\^)*$/;

const shown = (text: string): string => (text.length > 80 ? `${text.slice(0, 80)}…` : text);

/** Why a database argument is not a bound name, when it is not (undefined: it may be one). */
function notAName(name: string): string | undefined {
  if (name.includes('${')) return '${...} in client input is never expanded';
  if (/^[a-z][a-z0-9+]*:/i.test(name) || name.includes('/')) return 'database URLs and paths are refused: name a bound database';
  return undefined;
}

/** A bound database's name, checked: it must be one of the project's own bindings. */
export async function mcpDatabaseName(store: Store, name: string): Promise<string> {
  const reason = notAName(name);
  if (reason !== undefined) throw errors.mcpRefRefused(shown(name), reason);
  const databases = (await readConfig(store)).databases;
  // An own key only: `__proto__` or `constructor` must not find the object's prototype.
  if (!Object.hasOwn(databases, name)) throw errors.dbNotFound(shown(name));
  return name;
}

/** A ref an MCP client asked for, checked; the value to pass on unchanged. */
export async function mcpRef(store: Store, ref: string): Promise<string> {
  if (ref.includes('${')) throw errors.mcpRefRefused(shown(ref), '${...} in client input is never expanded');
  if (ref === 'working') return ref;
  if (ref.startsWith('dir:')) throw errors.mcpRefRefused(shown(ref), 'dir: refs read folders and are not served over MCP');
  if (ref.startsWith('db:')) {
    await mcpDatabaseName(store, ref.slice(3));
    return ref;
  }
  if (!GIT_REF.test(ref) || ref.endsWith('.lock')) throw errors.mcpRefRefused(shown(ref), 'not a commit, branch or tag name');
  return ref;
}

/** Check every ref given (undefined ones are left to the operation's default). */
export async function mcpRefs(store: Store, refs: readonly (string | undefined)[]): Promise<void> {
  for (const ref of refs) if (ref !== undefined) await mcpRef(store, ref);
}
