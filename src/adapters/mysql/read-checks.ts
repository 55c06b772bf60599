import { errors } from '../../errors.js';
import type { ReadPolicy } from '../adapter.js';
import { beyondPlan, readPlan } from '../read-plan.js';
import { readCatalog } from './read-catalog.js';

type Driver = import('mysql2/promise').Connection;

/** A backquoted name as SHOW GRANTS writes it, unquoted. */
const unquote = (text: string): string => text.replace(/^`|`$/g, '').replace(/``/g, '`');

/**
 * What one SHOW GRANTS line gives beyond SELECT (and SHOW VIEW) on the project's database, or
 * undefined. Column lists are dropped before the privileges are split: `SELECT (`a`, `b`)` is SELECT.
 */
export function grantBeyondReading(line: string, database: string): string | undefined {
  const m = /^GRANT (.+?) ON (.+?) TO /.exec(line);
  if (m === null) return /^GRANT /.test(line) ? `a role (${line.replace(/ TO .*$/, '').slice(6)})` : undefined;
  const privileges = (m[1] ?? '')
    .replace(/\((?:[^)`]|`(?:[^`]|``)*`)*\)/g, '')
    .split(',')
    .map((p) => p.trim());
  const on = m[2] ?? '';
  if (on === '*.*') return privileges.every((p) => p === 'USAGE') ? undefined : `${privileges.join(', ')} on every database`;
  const db = /^(`(?:[^`]|``)*`)\./.exec(on);
  if (db === null) return `${privileges.join(', ')} on ${on}`;
  if (unquote(db[1] ?? '') !== database) return `${privileges.join(', ')} on ${on}`;
  const extra = privileges.filter((p) => p !== 'SELECT' && p !== 'SHOW VIEW');
  return extra.length === 0 ? undefined : `${extra.join(', ')} on ${on}`;
}

/**
 * Every check a login must pass before it runs a client's SQL: it holds nothing but SELECT (and
 * SHOW VIEW) on the project's database, neither itself nor through PUBLIC or a role (no FILE for
 * LOAD_FILE, no PROCESS for others' statements, nothing on `mysql` where the password hashes are),
 * and its column grants are no wider than the policy now allows.
 */
export async function checkReadLogin(driver: Driver, name: string, database: string, policy: ReadPolicy): Promise<void> {
  const [own] = await driver.query({ sql: 'SHOW GRANTS', rowsAsArray: true });
  let lines = (own as string[][]).map((r) => String(r[0]));
  try {
    const [pub] = await driver.query({ sql: 'SHOW GRANTS FOR PUBLIC', rowsAsArray: true });
    lines = [...lines, ...(pub as string[][]).map((r) => String(r[0]))];
  } catch {
    // Servers without the PUBLIC role (MySQL, MariaDB before 10.11) have nothing to add.
  }
  const extra = lines.map((l) => grantBeyondReading(l, database)).filter((x): x is string => x !== undefined);
  if (extra.length > 0) throw errors.mcpReadRoleUnsafe(name, `the login also holds ${extra.slice(0, 3).join('; ')}`);
  const catalog = await readCatalog(driver, database, policy);
  const beyond = beyondPlan(catalog.readable, readPlan(catalog.relations, policy));
  if (beyond.length > 0)
    throw errors.mcpReadRoleStale(name, `it may read ${beyond.slice(0, 3).join('; ')}${beyond.length > 3 ? `; and ${beyond.length - 3} more` : ''}`);
}
