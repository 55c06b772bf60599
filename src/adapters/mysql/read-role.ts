import { errors, RedbError } from '../../errors.js';
import type { DbTarget, ReadGrant, ReadPolicy } from '../adapter.js';
import { readPlan, relationKey } from '../read-plan.js';
import { openMysql, parseMysqlUrl } from './connect.js';
import { readCatalog } from './read-catalog.js';
import { quoteIdent } from './sql-text.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
export const quoteString = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * A user that may SELECT what the policy allows in the target's database and nothing else: table by
 * table, column by column where the policy masks or denies some (MariaDB grants per column), no
 * FILE, no PROCESS, nothing on `mysql` or any other database. Run again, it resets the password and
 * grants afresh (everything is revoked first), so a policy change takes effect.
 */
export async function createReadRole(target: DbTarget, role: string, password: string, policy: ReadPolicy): Promise<ReadGrant> {
  const driver = await openMysql(target);
  try {
    const account = `${quoteString(role)}@'%'`;
    const database = parseMysqlUrl(target.url).database;
    await driver.query(`CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${quoteString(password)}`);
    await driver.query(`ALTER USER ${account} IDENTIFIED BY ${quoteString(password)}`);
    await driver.query(`REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${account}`);
    const { relations } = await readCatalog(driver, database, policy);
    const plans = readPlan(relations, policy);
    const grant: { whole: string[]; partial: { relation: string; withheld: readonly string[] }[]; none: { relation: string; reason: string }[] } = {
      whole: [],
      partial: [],
      none: [],
    };
    for (const rel of relations) {
      const plan = plans.get(relationKey(rel));
      const on = `${quoteIdent(database)}.${quoteIdent(rel.name)}`;
      // A definer view's text is what the check before each query reads to see it is still harmless.
      const show = rel.kind === 'view' && rel.ownerRights === true ? ', SHOW VIEW' : '';
      if (plan === undefined || plan.grant === 'none') grant.none.push({ relation: rel.name, reason: plan?.reason ?? 'unknown' });
      else if (plan.grant === 'all') {
        await driver.query(`GRANT SELECT${show} ON ${on} TO ${account}`);
        grant.whole.push(rel.name);
      } else {
        await driver.query(`GRANT SELECT (${plan.columns.map(quoteIdent).join(', ')})${show} ON ${on} TO ${account}`);
        grant.partial.push({ relation: rel.name, withheld: plan.withheld });
      }
    }
    return grant;
  } catch (e) {
    if (e instanceof RedbError) throw e;
    throw errors.mcpGrantFailed(target.name, message(e)).because(e);
  } finally {
    await driver.end().catch(() => undefined);
  }
}
