import type { Client } from 'pg';
import { errors } from '../../errors.js';
import type { ReadPolicy } from '../adapter.js';
import { beyondPlan, readPlan } from '../read-plan.js';
import { readCatalog } from './read-catalog.js';

/**
 * Refuse a login that can do more than read: the read-only transaction alone does not stop a
 * superuser, a member of a predefined role (server files, programs, other sessions' queries, every
 * table and catalog through pg_read_all_data), or an owner of the project's objects.
 */
async function checkPlainRole(client: Client, name: string): Promise<void> {
  const { rows } = await client.query<{ power: string | null }>(
    `SELECT concat_ws(', ', CASE WHEN r.rolsuper THEN 'superuser' END, CASE WHEN r.rolcreaterole THEN 'may create roles' END,
            CASE WHEN r.rolcreatedb THEN 'may create databases' END,
            CASE WHEN r.rolbypassrls THEN 'bypasses row security' END, CASE WHEN r.rolreplication THEN 'replication' END,
            (SELECT 'member of ' || string_agg(b.rolname, ', ' ORDER BY b.rolname) FROM pg_roles b
              WHERE b.rolname LIKE 'pg\\_%' AND pg_has_role(r.oid, b.oid, 'USAGE')),
            CASE WHEN EXISTS (SELECT 1 FROM pg_database d WHERE d.datname = current_database() AND pg_has_role(r.oid, d.datdba, 'USAGE')) THEN 'owner of the database' END,
            (SELECT 'owner of ' || min(c.relname) || CASE WHEN count(*) > 1 THEN ' and ' || (count(*) - 1) || ' more' ELSE '' END
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND pg_has_role(r.oid, c.relowner, 'USAGE')
             HAVING count(*) > 0)) AS power
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  const power = rows[0]?.power ?? '';
  if (power !== '') throw errors.mcpReadRoleUnsafe(name, `the login is ${power}`);
}

/**
 * Functions that reach past the login's own rights: dblink opens connections of its own (outside
 * the read-only transaction), and a SECURITY DEFINER function reads with its owner's rights. The
 * latter are refused when their owner is a superuser, and, under a policy, all of them: they could
 * read a masked column for the caller. A function in a schema the login may not use cannot be called
 * (an extensions schema kept apart is enough).
 */
async function checkReach(client: Client, name: string, policy: ReadPolicy): Promise<void> {
  const { rows } = await client.query<{ fn: string; why: string }>(
    `SELECT p.oid::regprocedure::text AS fn, CASE WHEN e.oid IS NOT NULL THEN 'connects to other servers (dblink)' ELSE 'runs with its owner''s rights (SECURITY DEFINER)' END AS why
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       LEFT JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
       LEFT JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'dblink'
      WHERE (e.oid IS NOT NULL
             OR (p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                 AND ($1::boolean OR (SELECT o.rolsuper FROM pg_roles o WHERE o.oid = p.proowner))))
        AND has_function_privilege(p.oid, 'EXECUTE') AND has_schema_privilege(n.oid, 'USAGE')
      ORDER BY 1 LIMIT 3`,
    [!policy.empty],
  );
  if (rows.length > 0) {
    const list = rows.map((r) => `${r.fn} ${r.why}`).join('; ');
    throw errors.mcpReadRoleUnsafe(name, `the login may execute ${list} (REVOKE EXECUTE ON FUNCTION ... FROM PUBLIC, and grant it to the roles that need it)`);
  }
}

/** The login may read no more than the policy allows now: a grant made under an older policy is refused. */
async function checkGrants(client: Client, name: string, policy: ReadPolicy): Promise<void> {
  const catalog = await readCatalog(client);
  const beyond = beyondPlan(catalog.readable, readPlan(catalog.relations, policy));
  if (beyond.length > 0)
    throw errors.mcpReadRoleStale(name, `it may read ${beyond.slice(0, 3).join('; ')}${beyond.length > 3 ? `; and ${beyond.length - 3} more` : ''}`);
}

/** Every check a login must pass before it runs a client's SQL. */
export async function checkReadLogin(client: Client, name: string, policy: ReadPolicy): Promise<void> {
  await checkPlainRole(client, name);
  await checkReach(client, name, policy);
  await checkGrants(client, name, policy);
}
