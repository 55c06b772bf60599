import type { ReadPolicy, RelationName } from './adapter.js';

/**
 * What the MCP read login may read, decided from the catalog and the masking policy: pure, so the
 * grant and the check before every query (has the policy moved since?) decide the same way.
 */

/** A table or view of the project as the read plan needs it. */
export interface CatalogRelation extends RelationName {
  readonly kind: 'table' | 'view';
  readonly columns: readonly string[];
  /** Inheritance and partition ancestors and descendants: a column masked in one is masked in all. */
  readonly relatives?: readonly RelationName[] | undefined;
  /** Generated columns and the columns they are computed from: one computed from a hidden column is hidden too. */
  readonly generated?: Readonly<Record<string, readonly string[]>> | undefined;
  /** A view that reads its tables with its owner's rights (not the reader's): what it reads matters. */
  readonly ownerRights?: boolean | undefined;
  /**
   * For such a view, what it reads (a column, or the whole relation when `column` is absent);
   * undefined when the engine cannot say.
   */
  readonly reads?: readonly ViewRead[] | undefined;
  /** Why `reads` is unknown, for the message. */
  readonly unknownReads?: string | undefined;
  /** Any reader of some column can read a digest of all of them (MariaDB's live CHECKSUM=1). */
  readonly wholeRowDigest?: boolean | undefined;
}

export interface ViewRead {
  readonly table: RelationName;
  /** One column; absent: every column (a whole-row reference), unless `rowsOnly`. */
  readonly column?: string | undefined;
  /** The view counts or joins the relation's rows but reads none of its columns by this entry. */
  readonly rowsOnly?: boolean | undefined;
  /** The relation lies outside the project (a system catalog, another database). */
  readonly system?: boolean | undefined;
}

/** `all` columns (a plain table-wide grant), some `columns` (the rest `withheld`), or `none` and why. */
export type RelationPlan =
  | { readonly grant: 'all' }
  | { readonly grant: 'columns'; readonly columns: readonly string[]; readonly withheld: readonly string[] }
  | { readonly grant: 'none'; readonly reason: string };

export const relationKey = (r: RelationName): string => `${r.schema ?? ''}\u0000${r.name}`;
export const relationLabel = (r: RelationName): string => (r.schema === undefined ? r.name : `${r.schema}.${r.name}`);

/** The plan of every relation, keyed by relationKey. */
export function readPlan(relations: readonly CatalogRelation[], policy: ReadPolicy): Map<string, RelationPlan> {
  const byKey = new Map(relations.map((r) => [relationKey(r), r]));
  const plans = new Map<string, RelationPlan>();
  const deciding = new Set<string>();

  const denied = (r: RelationName): boolean => policy.tableDenied(r) || (byKey.get(relationKey(r))?.relatives ?? []).some((x) => policy.tableDenied(x));
  const named = (r: RelationName, column: string) =>
    policy.column(r, column) ?? (byKey.get(relationKey(r))?.relatives ?? []).map((x) => policy.column(x, column)).find((v) => v !== undefined);
  // A generated column cannot be masked as its source would be: it is left out whole.
  const verdict = (r: RelationName, column: string) =>
    named(r, column) ??
    ((byKey.get(relationKey(r))?.generated?.[column] ?? []).some((source) => named(r, source) !== undefined) ? ('denied' as const) : undefined);

  /** Why reading `read` with an owner's rights could show what the policy hides; undefined when it cannot. */
  function unsafeRead(read: ViewRead): string | undefined {
    const label = relationLabel(read.table);
    if (read.system) return `reads ${label}, outside the project, with its owner's rights`;
    if (denied(read.table)) return `reads ${label}, which the policy denies`;
    const target = byKey.get(relationKey(read.table));
    if (target === undefined) return `reads ${label}, which redb cannot check`;
    if (target.kind === 'view') {
      const inner = plan(target);
      if (inner.grant === 'none') return `reads the view ${label}, which ${inner.reason}`;
    }
    const columns = read.rowsOnly === true ? [] : read.column === undefined ? target.columns : [read.column];
    const hidden = columns.find((c) => verdict(read.table, c) !== undefined);
    return hidden === undefined ? undefined : `reads ${label}.${hidden}, which the policy ${verdict(read.table, hidden) === 'denied' ? 'denies' : 'masks'}`;
  }

  function plan(r: CatalogRelation): RelationPlan {
    const key = relationKey(r);
    const known = plans.get(key);
    if (known !== undefined) return known;
    // A view that (through others) reads itself is left out rather than followed for ever.
    if (deciding.has(key)) return { grant: 'none', reason: 'reads itself through other views' };
    deciding.add(key);
    const decided = decide(r);
    deciding.delete(key);
    plans.set(key, decided);
    return decided;
  }

  function decide(r: CatalogRelation): RelationPlan {
    if (denied(r)) return { grant: 'none', reason: 'is denied by the policy' };
    if (r.kind === 'view' && r.ownerRights === true) {
      // With its owner's rights a view could read anything its owner can: what it reads must be known and harmless.
      if (r.reads === undefined) return { grant: 'none', reason: r.unknownReads ?? "reads with its owner's rights, and redb cannot tell what" };
      const systemRead = r.reads.map((x) => (x.system === true ? unsafeRead(x) : undefined)).find((x) => x !== undefined);
      if (systemRead !== undefined) return { grant: 'none', reason: systemRead };
      if (!policy.empty) {
        const why = r.reads.map(unsafeRead).find((x) => x !== undefined);
        if (why !== undefined) return { grant: 'none', reason: why };
      }
    }
    const withheld = r.columns.filter((c) => verdict(r, c) !== undefined);
    if (withheld.length === 0) return { grant: 'all' };
    if (r.wholeRowDigest === true) return { grant: 'none', reason: 'keeps a live checksum of all its columns, from which a hidden value could be guessed' };
    if (withheld.length === r.columns.length) return { grant: 'none', reason: 'has only masked or denied columns' };
    return { grant: 'columns', columns: r.columns.filter((c) => !withheld.includes(c)), withheld };
  }

  for (const r of relations) plan(r);
  return plans;
}

/** A relation the login can read, with the columns it can read. */
export interface Readable extends RelationName {
  readonly columns: readonly string[];
}

/** What the login may read beyond the plan, one phrase each, hidden columns first (empty when nothing). */
export function beyondPlan(readable: readonly Readable[], plans: ReadonlyMap<string, RelationPlan>): string[] {
  const columns: string[] = [];
  const out: string[] = [];
  for (const r of readable) {
    if (r.columns.length === 0) continue;
    const plan = plans.get(relationKey(r));
    const label = relationLabel(r);
    if (plan === undefined) out.push(`${label}, which redb does not know`);
    else if (plan.grant === 'none') out.push(`${label}, which ${plan.reason}`);
    else if (plan.grant === 'columns')
      for (const c of r.columns.filter((x) => plan.withheld.includes(x))) columns.push(`${label}.${c}, which the policy masks or denies`);
  }
  return [...columns, ...out];
}
