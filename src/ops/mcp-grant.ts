import { randomBytes } from 'node:crypto';
import type { ReadGrant } from '../adapters/adapter.js';
import { loadReadOnly } from '../adapters/registry.js';
import { parseDbUrl, redactUrl, resolveUrl, withoutAccountParams } from '../adapters/url.js';
import { errors } from '../errors.js';
import { readConfig, writeConfig } from '../repo/index.js';
import { checkPolicyNames, columnVerdicts, maskTableOf } from '../policy/index.js';
import { findStore, type OpContext } from './context.js';
import { liveSchema } from './mcp-read.js';
import { loadMcpSettings } from './mcp-settings.js';

export interface McpGrantResult {
  readonly db: string;
  /** As recorded: the password as a `${VAR}` reference. */
  readonly readUrl: string;
  /** Present when redb created the login: its name, and the password to export once. */
  readonly created?: { readonly role: string; readonly envVar: string; readonly password: string } | undefined;
  /** What the created login may read under the policy; absent for a URL given with --url. */
  readonly grant?: ReadGrant | undefined;
  /** The masking policy the grant follows, when there is one. */
  readonly policy?: string | undefined;
}

/**
 * The bound URL with its account replaced by `role` and a password read from `envVar`; the bound
 * account's `?user=` / `?password=` go, since pg reads them before the userinfo.
 */
function withAccount(bound: string, role: string, envVar: string): string {
  const url = withoutAccountParams(bound);
  const account = `${encodeURIComponent(role)}:\${${envVar}}@`;
  return /^[a-z+]+:\/\/[^/@]*@/i.test(url) ? url.replace(/^([a-z+]+:\/\/)[^/@]*@/i, `$1${account}`) : url.replace(/^([a-z+]+:\/\/)/i, `$1${account}`);
}

/**
 * Give the MCP server a login that can only read a bound database: record a read-only URL given by
 * the user, or create a login with read rights alone (through the bound account) whose password is
 * kept out of the repository as an environment variable reference.
 */
export async function mcpGrant(ctx: OpContext & { db: string; url?: string; role?: string; policy?: string }): Promise<McpGrantResult> {
  const store = findStore(ctx);
  const config = await readConfig(store);
  const bound = config.databases[ctx.db];
  if (bound === undefined) throw errors.dbNotFound(ctx.db);
  const engine = parseDbUrl(bound.url).engine;
  let readUrl: string;
  let created: McpGrantResult['created'];
  let grant: ReadGrant | undefined;
  // The same policy the server reads (.redb/mcp.yaml, or --policy): the login is granted only what it lets through.
  const settings = await loadMcpSettings(store, ctx.policy, { access: false });
  if (ctx.url !== undefined) {
    if (parseDbUrl(ctx.url).engine !== engine) throw errors.usage(`the read URL is not a ${engine} URL`, `give a URL of the same database as '${ctx.db}'`);
    readUrl = ctx.url;
  } else {
    const driver = await loadReadOnly(engine);
    if (driver.createReadRole === undefined) throw errors.usage(`${engine} databases need no read login: the MCP server opens the file read-only`);
    const role = ctx.role ?? `redb_mcp_${ctx.db.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
    const envVar = `REDB_MCP_${ctx.db.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}_PASSWORD`;
    const password = randomBytes(24).toString('base64url');
    const target = { name: ctx.db, url: resolveUrl(bound.url, ctx.db, ctx.env ?? process.env), cwd: store.root };
    // A misspelt name in the policy would grant the column it meant to hide.
    if (settings.policy !== undefined) checkPolicyNames(settings.policy, (await liveSchema({ engine, driver, target }, ctx)).tables.map(maskTableOf));
    grant = await driver.createReadRole(target, role, password, columnVerdicts(settings.policy));
    readUrl = withAccount(bound.url, role, envVar);
    created = { role, envVar, password };
  }
  await writeConfig(store, { ...config, databases: { ...config.databases, [ctx.db]: { ...bound, readUrl } } });
  return { db: ctx.db, readUrl: redactUrl(readUrl), created, grant, policy: settings.policy?.source };
}
