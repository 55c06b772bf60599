import type { Client } from 'pg';
import { errors, RedbError } from '../../errors.js';
import type { DbTarget, ReadGrant, ReadPolicy } from '../adapter.js';
import { readPlan, relationKey, relationLabel } from '../read-plan.js';
import { userNs } from './catalog-sql.js';
import { loadPg } from './load-pg.js';
import { MCP_ROLE_COMMENT } from './mcp-role.js';
import { readCatalog } from './read-catalog.js';
import { quoteIdent, quoteLiteral } from './sql-text.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const qualified = (r: { schema?: string | undefined; name: string }) => `${quoteIdent(r.schema ?? 'public')}.${quoteIdent(r.name)}`;
const BATCH = 200;

/** Take away everything the login was given before: an earlier grant (maybe under another policy, maybe pg_read_all_data). */
async function revokeAll(client: Client, r: string, role: string): Promise<void> {
  const members = await client.query<{ rolname: string }>(
    `SELECT b.rolname FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1`,
    [role],
  );
  for (const { rolname } of members.rows) await client.query(`REVOKE ${quoteIdent(rolname)} FROM ${r}`);
  const schemas = await client.query<{ nspname: string }>(`SELECT n.nspname FROM pg_namespace n WHERE ${userNs('n')}`);
  for (const { nspname } of schemas.rows) {
    const s = quoteIdent(nspname);
    // Column privileges go with the table's.
    await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${r}`);
    await client.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM ${r}`);
    await client.query(`REVOKE ALL ON SCHEMA ${s} FROM ${r}`);
  }
}

/** Grant SELECT on what the plan allows: whole relations in batches, the others column by column. */
async function grantPlan(client: Client, r: string, policy: ReadPolicy): Promise<ReadGrant> {
  const { relations } = await readCatalog(client);
  const plans = readPlan(relations, policy);
  const whole: string[] = [];
  const partial: { relation: string; withheld: readonly string[] }[] = [];
  const none: { relation: string; reason: string }[] = [];
  const schemas = new Set<string>();
  const wholeSql: string[] = [];
  for (const rel of relations) {
    const plan = plans.get(relationKey(rel));
    const label = relationLabel(rel);
    if (plan === undefined || plan.grant === 'none') {
      none.push({ relation: label, reason: plan?.reason ?? 'unknown' });
      continue;
    }
    schemas.add(rel.schema ?? 'public');
    if (plan.grant === 'all') {
      whole.push(label);
      wholeSql.push(qualified(rel));
    } else {
      partial.push({ relation: label, withheld: plan.withheld });
      await client.query(`GRANT SELECT (${plan.columns.map(quoteIdent).join(', ')}) ON TABLE ${qualified(rel)} TO ${r}`);
    }
  }
  for (const s of schemas) await client.query(`GRANT USAGE ON SCHEMA ${quoteIdent(s)} TO ${r}`);
  for (let i = 0; i < wholeSql.length; i += BATCH) await client.query(`GRANT SELECT ON TABLE ${wholeSql.slice(i, i + BATCH).join(', ')} TO ${r}`);
  return { whole, partial, none };
}

/**
 * A login that reads the project's tables and views as the policy allows and nothing else: no
 * predefined role (pg_read_all_data would read pg_authid's password hashes), USAGE on the project's
 * schemas, SELECT on the relations and columns the policy neither masks nor denies, and sessions
 * that start read-only. Run again, it resets the password and grants afresh, so a policy change
 * takes effect. One transaction: a failure leaves the login as it was.
 */
export async function createReadRole(target: DbTarget, role: string, password: string, policy: ReadPolicy): Promise<ReadGrant> {
  const pg = await loadPg();
  const client = new pg.Client({ connectionString: target.url, application_name: 'redb', connectionTimeoutMillis: 15_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    throw errors.dbUnreachable(target.name, message(e)).because(e);
  }
  try {
    await client.query('BEGIN');
    const r = quoteIdent(role);
    const exists = (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount === 1;
    const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD ${quoteLiteral(password)}`;
    await client.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${r} ${attributes}`);
    await client.query(`ALTER ROLE ${r} SET default_transaction_read_only = on`);
    // The comment keeps the login's grants out of the project's schema (see aclStatements).
    await client.query(`COMMENT ON ROLE ${r} IS ${quoteLiteral(MCP_ROLE_COMMENT)}`);
    await revokeAll(client, r, role);
    const db = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db as string;
    await client.query(`GRANT CONNECT ON DATABASE ${quoteIdent(db)} TO ${r}`);
    const grant = await grantPlan(client, r, policy);
    await client.query('COMMIT');
    return grant;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (e instanceof RedbError) throw e;
    throw errors.mcpGrantFailed(target.name, message(e)).because(e);
  } finally {
    await client.end().catch(() => undefined);
  }
}
