import { createHash } from 'node:crypto';
import { errors } from '../errors.js';
import { describePrincipal } from '../policy/access-request.js';
import { columnVerdicts, type Masker, type MaskPolicy, type MaskTable } from '../policy/index.js';
import type { CloneRequest } from '../replicate/clone.js';
import type { Store } from '../repo/index.js';
import { accessScope, demand, LOCAL_USER, logRefusals, projectAccessPolicy, relationId, ruleFor, type AccessScope } from './access.js';

/** The masking policy of a clone or verify, as loaded: the file, the policy, and its masker compiled against the source's tables. */
export interface MaskLoad {
  readonly file: string;
  readonly policy: MaskPolicy;
  readonly compile: (tables: readonly MaskTable[]) => Masker;
}

/**
 * The local user's access to a clone's or verify's source under the project's access policy:
 * refused whole (REDB_ACCESS_DENIED, logged) unless the policy lets the local user replicate the
 * source database. Undefined without a project or a policy.
 */
export async function sourceAccess(store: Store | undefined, source: string, command: string): Promise<AccessScope | undefined> {
  const policy = store === undefined ? undefined : await projectAccessPolicy(store);
  if (store === undefined || policy === undefined) return undefined;
  const scope = accessScope(policy, LOCAL_USER, 'cli');
  try {
    demand(scope, 'replicate', { kind: 'database', database: source });
  } catch (e) {
    await logRefusals(store, scope, command);
    throw e;
  }
  return scope;
}

/**
 * The masker a clone or verify runs with under an access policy. A table is copied only when the
 * local user may replicate and read it (one named in --tables is refused, others are left out and
 * listed as denied); each column as the policy says: clear, masked, or written as NULL like a column
 * the masking policy denies. The masking policy's own rules and denials still apply (`--mask` is
 * what the person asked for); a column the access policy wants masked and no rule masks is refused
 * before anything is written, naming the rule to add.
 */
export function accessMasker(
  scope: AccessScope,
  db: string,
  named: readonly string[] | undefined,
  mask: MaskLoad | undefined,
): NonNullable<CloneRequest['masker']> {
  const verdicts = columnVerdicts(mask?.policy);
  const who = describePrincipal(scope.principal);
  return {
    file: mask?.file ?? 'the access policy',
    compile(tables) {
      const base = mask?.compile(tables);
      const decide = (t: MaskTable) => {
        const table = { kind: 'table', database: db, table: relationId(t) } as const;
        const allowed = scope.policy.decide({ principal: scope.principal, action: 'replicate', resource: table, via: scope.via });
        return allowed.allowed ? scope.policy.table(scope.principal, db, relationId(t), scope.via) : allowed;
      };
      const deniedTables = new Set<MaskTable>();
      const deniedColumns = new Map<MaskTable, string[]>();
      for (const t of tables) {
        if (base?.deniesTable(t) === true) continue;
        const d = decide(t);
        if (!d.allowed) {
          // Asked for by name: a refusal, not a silent omission.
          if (named?.some((n) => n === t.name || n === relationId(t)) === true)
            demand(scope, 'replicate', { kind: 'table', database: db, table: relationId(t) });
          scope.refused.push(`replicate table ${db}/${relationId(t)}: ${d.reasons.join('; ')}`);
          deniedTables.add(t);
          continue;
        }
        const denied: string[] = [];
        for (const c of t.columns) {
          const view = scope.policy.column(scope.principal, db, relationId(t), c.name, scope.via);
          if (view.view === 'denied' && verdicts.column(t, c.name) !== 'denied') {
            scope.refused.push(`read column ${db}/${relationId(t)}.${c.name}: ${view.reasons.join('; ')}`);
            denied.push(c.name);
          }
          if (view.view === 'masked' && verdicts.column(t, c.name) === undefined) {
            throw errors.accessMaskMissing(who, `${db}/${relationId(t)}.${c.name}`, mask?.file, ruleFor(t, c.name));
          }
        }
        if (denied.length > 0) deniedColumns.set(t, denied);
      }
      const byName = (t: MaskTable) => tables.find((x) => x.name === t.name && x.schema === t.schema) ?? t;
      const extra = (t: MaskTable) => deniedColumns.get(byName(t)) ?? [];
      // A resumed copy must be made under the same decisions as the run it continues.
      const decisions = JSON.stringify([[...deniedTables].map(relationId), [...deniedColumns].map(([t, c]) => [relationId(t), c])]);
      const fingerprint = {
        policy: createHash('sha256')
          .update(`${base?.fingerprint.policy ?? ''}\n${decisions}`)
          .digest('hex')
          .slice(0, 16),
        secret: base?.fingerprint.secret ?? '',
      };
      return {
        fingerprint,
        strict: base?.strict === true,
        covers: (t, c) => base?.covers(t, c) === true || deniedTables.has(byName(t)) || extra(t).includes(c),
        deniesTable: (t) => base?.deniesTable(t) === true || deniedTables.has(byName(t)),
        deniedColumns: (t) => [...new Set([...(base?.deniedColumns(t) ?? []), ...extra(t)])],
        rowMasker(t, columns) {
          const inner = base?.rowMasker(t, columns);
          const nulls = extra(t)
            .map((c) => columns.indexOf(c))
            .filter((i) => i >= 0);
          if (nulls.length === 0) return inner;
          return (row) => {
            inner?.(row);
            for (const i of nulls) row[i] = null;
          };
        },
      };
    },
  };
}
