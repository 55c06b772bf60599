import { join, resolve } from 'node:path';
import { errors } from '../errors.js';
import { describePrincipal, describeResource } from '../policy/access-request.js';
import type { AccessAction, AccessPolicy, ColumnVerdict, ColumnVerdicts, Principal, RelationName, Resource, Via } from '../policy/index.js';
import { readConfig, type Store } from '../repo/index.js';
import { safeFsOf } from '../repo/safe-fs.js';

/**
 * Enforcement of the project's access policy (Cedar, docs/access.md): who may read which table,
 * see which column clear or only masked, clone, migrate. The policy is `access.policy` in
 * `.redb/redb.json`; without one nothing here loads Cedar and every caller behaves as before.
 */

/** The project's access policy, loaded and validated; undefined when none is set. */
export async function projectAccessPolicy(store: Store): Promise<AccessPolicy | undefined> {
  const path = (await readConfig(store)).access?.policy;
  if (path === undefined) return undefined;
  const { loadAccessPolicy } = await import('../policy/access-policy.js');
  return loadAccessPolicy(resolve(store.root, path), path);
}

/** Who asks, under which policy, and what it refused during one request (for the log). */
export interface AccessScope {
  readonly policy: AccessPolicy;
  readonly principal: Principal;
  readonly via: Via;
  readonly refused: string[];
}

export const LOCAL_USER: Principal = { kind: 'local' };

export const accessScope = (policy: AccessPolicy, principal: Principal, via: Via): AccessScope => ({ policy, principal, via, refused: [] });

/** `schema.table` where the engine has schemas, else the name: the `<table>` of `Table::"<db>/<table>"`. */
export const relationId = (t: RelationName): string => (t.schema === undefined ? t.name : `${t.schema}.${t.name}`);

function note(scope: AccessScope, action: AccessAction, resource: Resource, reasons: readonly string[]): void {
  const line = `${action} ${describeResource(resource)}: ${reasons.join('; ') || 'refused'}`;
  if (!scope.refused.includes(line)) scope.refused.push(line);
}

/** Whether the policy permits it; a refusal is noted for the log. */
export function permits(scope: AccessScope, action: AccessAction, resource: Resource): boolean {
  const d = scope.policy.decide({ principal: scope.principal, action, resource, via: scope.via });
  if (!d.allowed) note(scope, action, resource, d.reasons);
  return d.allowed;
}

/** Throw REDB_ACCESS_DENIED (noted for the log first) unless the policy permits it. */
export function demand(scope: AccessScope, action: AccessAction, resource: Resource): void {
  const d = scope.policy.decide({ principal: scope.principal, action, resource, via: scope.via });
  if (d.allowed) return;
  note(scope, action, resource, d.reasons);
  throw errors.accessDenied(describePrincipal(scope.principal), action, describeResource(resource), d.reasons);
}

/** May the table's rows be read at all (always, without a policy)? */
export const tableReadable = (scope: AccessScope | undefined, db: string, t: RelationName): boolean =>
  scope === undefined || permits(scope, 'read-table', { kind: 'table', database: db, table: relationId(t) });

/** How the principal may see a column: clear, masked, or not at all (a denial is noted). */
export function columnView(scope: AccessScope | undefined, db: string, t: RelationName, column: string): 'clear' | 'masked' | 'denied' {
  if (scope === undefined) return 'clear';
  const d = scope.policy.column(scope.principal, db, relationId(t), column, scope.via);
  if (d.view === 'denied') note(scope, 'read-column-masked', { kind: 'column', database: db, table: relationId(t), column }, d.reasons);
  return d.view;
}

const stricter = (a: ColumnVerdict, b: ColumnVerdict): ColumnVerdict => (a === 'denied' || b === 'denied' ? 'denied' : (a ?? b));

/**
 * The masking policy's verdicts narrowed by the access policy for one principal: what the guard of a
 * free-form query refuses. A column is withheld when either withholds it; never widened. Silent: a
 * guard asks about tables a statement may not touch, and the refusal it raises is what gets logged.
 */
export function narrowVerdicts(mask: ColumnVerdicts, scope: AccessScope | undefined, db: string): ColumnVerdicts {
  if (scope === undefined) return mask;
  const { policy, principal, via } = scope;
  return {
    empty: false,
    tableDenied: (t) => mask.tableDenied(t) || !policy.table(principal, db, relationId(t), via).allowed,
    column(t, c) {
      const view = policy.column(principal, db, relationId(t), c, via).view;
      return stricter(mask.column(t, c), view === 'clear' ? undefined : view);
    },
  };
}

/** A masking rule that would do, for messages: `{ match: customer.email, transform: redact }`. */
export const ruleFor = (t: RelationName, column: string): string => `- { match: ${relationId(t)}.${column}, transform: redact }`;

const ACCESS_LOG = join('state', 'access.log');

/** Append what the policy refused to `.redb/state/access.log` (one JSON line per refusal). */
export async function logRefusals(store: Store, scope: AccessScope, command: string): Promise<void> {
  if (scope.refused.length === 0) return;
  const time = new Date().toISOString();
  const principal = describePrincipal(scope.principal);
  const lines = scope.refused.map((refused) => JSON.stringify({ time, principal, via: scope.via, command, refused })).join('\n');
  await safeFsOf(store).appendFile(join(store.gitdir, ACCESS_LOG), `${lines}\n`);
}

/**
 * The local user's CLI request, checked against the project's access policy (when there is one):
 * REDB_ACCESS_DENIED, logged, unless it permits it. Loads Cedar only when a policy is set.
 */
export async function demandLocal(store: Store, action: AccessAction, resource: Resource, command: string): Promise<void> {
  const policy = await projectAccessPolicy(store);
  if (policy === undefined) return;
  const scope = accessScope(policy, LOCAL_USER, 'cli');
  try {
    demand(scope, action, resource);
  } finally {
    await logRefusals(store, scope, command);
  }
}
