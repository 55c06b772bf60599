import type { AccessAction } from './access-schema.js';

/** Who asks. Roles come from the trust document (identities) or from the token's settings. */
export type Principal =
  | { readonly kind: 'identity'; readonly id: string; readonly name: string; readonly roles: readonly string[] }
  | { readonly kind: 'token'; readonly id: string; readonly name: string; readonly roles?: readonly string[] }
  | { readonly kind: 'local'; readonly roles?: readonly string[] };

/** What is asked about. `table` is as the engine names it, `schema.table` where it has schemas. */
export type Resource =
  | { readonly kind: 'database'; readonly database: string }
  | { readonly kind: 'table'; readonly database: string; readonly table: string }
  | { readonly kind: 'column'; readonly database: string; readonly table: string; readonly column: string }
  | { readonly kind: 'branch'; readonly branch: string };

/** Where the request comes from, for policies that tell them apart (`context.via == "mcp"`). */
export type Via = 'cli' | 'mcp' | 'daemon' | 'peer';

export interface AccessRequest {
  readonly principal: Principal;
  readonly action: AccessAction;
  readonly resource: Resource;
  readonly via?: Via;
}

export interface AccessDecision {
  readonly allowed: boolean;
  /** Why, for the caller to log: the deciding policies (label and line), or that none permits it. */
  readonly reasons: readonly string[];
}

export interface ColumnDecision {
  readonly view: 'clear' | 'masked' | 'denied';
  readonly reasons: readonly string[];
}

interface Uid {
  readonly type: string;
  readonly id: string;
}
interface EntityJson {
  uid: Uid;
  attrs: Record<string, string>;
  parents: Uid[];
}

const roleUids = (roles: readonly string[] | undefined): Uid[] => (roles ?? []).map((r) => ({ type: 'Role', id: r }));

export function principalEntity(p: Principal): { uid: Uid; entities: EntityJson[] } {
  const uid = p.kind === 'identity' ? { type: 'Identity', id: p.id } : p.kind === 'token' ? { type: 'Token', id: p.id } : { type: 'LocalUser', id: 'local' };
  const attrs: Record<string, string> = p.kind === 'local' ? {} : { name: p.name };
  return { uid, entities: [{ uid, attrs, parents: roleUids(p.roles) }] };
}

/** The resource and the entities above it (a column is in its table, a table in its database). */
export function resourceEntity(r: Resource): { uid: Uid; entities: EntityJson[] } {
  const db = (name: string): EntityJson => ({ uid: { type: 'Database', id: name }, attrs: { name }, parents: [] });
  const table = (database: string, name: string): EntityJson => ({
    uid: { type: 'Table', id: `${database}/${name}` },
    attrs: { database, name },
    parents: [{ type: 'Database', id: database }],
  });
  switch (r.kind) {
    case 'database':
      return { uid: { type: 'Database', id: r.database }, entities: [db(r.database)] };
    case 'table':
      return { uid: { type: 'Table', id: `${r.database}/${r.table}` }, entities: [db(r.database), table(r.database, r.table)] };
    case 'column': {
      const uid = { type: 'Column', id: `${r.database}/${r.table}/${r.column}` };
      const column = { uid, attrs: { database: r.database, table: r.table, name: r.column }, parents: [{ type: 'Table', id: `${r.database}/${r.table}` }] };
      return { uid, entities: [db(r.database), table(r.database, r.table), column] };
    }
    case 'branch':
      return { uid: { type: 'Branch', id: r.branch }, entities: [{ uid: { type: 'Branch', id: r.branch }, attrs: { name: r.branch }, parents: [] }] };
  }
}

export function describePrincipal(p: Principal): string {
  return p.kind === 'identity' ? `${p.name} (${p.id})` : p.kind === 'token' ? `token ${p.name} (${p.id})` : 'the local user';
}

export function describeResource(r: Resource): string {
  switch (r.kind) {
    case 'database':
      return `database ${r.database}`;
    case 'table':
      return `table ${r.database}/${r.table}`;
    case 'column':
      return `column ${r.database}/${r.table}.${r.column}`;
    case 'branch':
      return `branch ${r.branch}`;
  }
}
