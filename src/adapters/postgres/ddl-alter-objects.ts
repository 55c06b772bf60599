import { errors } from '../../errors.js';
import { objectId, type CompositeType, type Domain, type Enum, type SchemaObject, type Sequence } from '../../unified/index.js';
import { createObjectSql, dropObjectSql, routineId, triggerId, viewKind } from './ddl-objects.js';
import { enumAltersInPlace } from './enum-rebuild.js';
import { commentOn, constraintSql, typeSql } from './ddl-tables.js';
import { qname, quoteIdent, quoteLiteral } from './sql-text.js';
import { sequenceBounds } from './types.js';

/**
 * A changed non-table object: what runs among the drops (`before`) and what runs where the kind is
 * created (`after`). Objects PostgreSQL can alter in place are altered; the rest are re-created.
 */
export interface ObjectChange {
  readonly before: readonly string[];
  readonly after: readonly string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** Whether two objects differ in nothing but their comment. */
const onlyComment = (a: { comment?: string | undefined }, b: { comment?: string | undefined }) =>
  same({ ...a, comment: undefined }, { ...b, comment: undefined });
const recreate = (from: SchemaObject, to: SchemaObject): ObjectChange => ({ before: [dropObjectSql(from)], after: createObjectSql(to) });
const commentChange = (what: string, from: string | undefined, to: string | undefined) => (from === to ? [] : [commentOn(what, to)]);

function alterEnum(from: Enum, to: Enum): string[] {
  const name = qname(to);
  // Values can be added anywhere, never removed or reordered (compile.ts makes such an enum again).
  if (!enumAltersInPlace(from, to)) throw errors.planUnsupported('postgres', `removing or reordering values of enum ${objectId('enum', to)}`);
  const out = to.values.flatMap((v, i) => {
    if (from.values.includes(v)) return [];
    const prev = to.values[i - 1];
    const position = prev === undefined ? ` BEFORE ${quoteLiteral(to.values[i + 1] ?? '')}` : ` AFTER ${quoteLiteral(prev)}`;
    return [`ALTER TYPE ${name} ADD VALUE ${quoteLiteral(v)}${from.values.length === 0 && prev === undefined ? '' : position}`];
  });
  return [...out, ...commentChange(`TYPE ${name}`, from.comment, to.comment)];
}

function alterDomain(from: Domain, to: Domain): string[] {
  const name = qname(to);
  if (!same(from.type, to.type) || from.collation !== to.collation)
    throw errors.planUnsupported('postgres', `changing the type of domain ${objectId('domain', to)}`);
  const out: string[] = [];
  if (from.default !== to.default) out.push(`ALTER DOMAIN ${name} ${to.default === undefined ? 'DROP DEFAULT' : `SET DEFAULT ${to.default}`}`);
  if (from.nullable !== to.nullable) out.push(`ALTER DOMAIN ${name} ${to.nullable ? 'DROP' : 'SET'} NOT NULL`);
  for (const c of from.checks) {
    if (to.checks.some((t) => same(t, c))) continue;
    if (c.name === undefined) throw errors.planUnsupported('postgres', `dropping an unnamed check of domain ${objectId('domain', to)}`);
    out.push(`ALTER DOMAIN ${name} DROP CONSTRAINT ${quoteIdent(c.name)}`);
  }
  for (const c of to.checks) {
    if (from.checks.some((f) => same(f, c))) continue;
    out.push(`ALTER DOMAIN ${name} ADD ${constraintSql({ type: 'check', def: c }, true)}`);
    if (c.comment !== undefined && c.name !== undefined) out.push(commentOn(`CONSTRAINT ${quoteIdent(c.name)} ON DOMAIN ${name}`, c.comment));
  }
  return [...out, ...commentChange(`DOMAIN ${name}`, from.comment, to.comment)];
}

function alterComposite(from: CompositeType, to: CompositeType): string[] {
  const name = qname(to);
  const out: string[] = [];
  for (const a of from.attributes) if (!to.attributes.some((t) => t.name === a.name)) out.push(`ALTER TYPE ${name} DROP ATTRIBUTE ${quoteIdent(a.name)}`);
  for (const a of to.attributes) {
    const old = from.attributes.find((f) => f.name === a.name);
    const type = typeSql(a.type.native, a.collation);
    if (old === undefined) out.push(`ALTER TYPE ${name} ADD ATTRIBUTE ${quoteIdent(a.name)} ${type}`);
    else if (!same(old, a)) out.push(`ALTER TYPE ${name} ALTER ATTRIBUTE ${quoteIdent(a.name)} TYPE ${type}`);
  }
  return [...out, ...commentChange(`TYPE ${name}`, from.comment, to.comment)];
}

/**
 * Every option is stated: one left out would keep its old value, not return to the default. Bounds
 * that narrow may leave the current value outside them, so the sequence then restarts.
 */
function alterSequence(from: Sequence, to: Sequence): string[] {
  const name = qname(to);
  const out: string[] = [];
  if (!same({ ...from, ownedBy: undefined, comment: undefined }, { ...to, ownedBy: undefined, comment: undefined })) {
    const now = sequenceBounds(to.type, to);
    const parts = [
      `AS ${to.type ?? 'bigint'}`,
      `INCREMENT BY ${to.increment ?? '1'}`,
      to.min === undefined ? 'NO MINVALUE' : `MINVALUE ${to.min}`,
      to.max === undefined ? 'NO MAXVALUE' : `MAXVALUE ${to.max}`,
      `START WITH ${now.start}`,
      `CACHE ${to.cache ?? '1'}`,
      to.cycle ? 'CYCLE' : 'NO CYCLE',
      ...(sequenceRestarts(from, to) ? ['RESTART'] : []),
    ];
    out.push(`ALTER SEQUENCE ${name} ${parts.join(' ')}`);
  }
  return [...out, ...commentChange(`SEQUENCE ${name}`, from.comment, to.comment)];
}

/** Whether new bounds could exclude the current value, so that the sequence has to restart. */
export function sequenceRestarts(from: Sequence, to: Sequence): boolean {
  const before = sequenceBounds(from.type, from);
  const after = sequenceBounds(to.type, to);
  return after.min > before.min || after.max < before.max;
}

/** The part of a routine's definition before its attributes: name, parameters, result. */
const routineHeader = (definition: string): string => definition.split(/\n\s*(?:LANGUAGE|AS|BEGIN|RETURN)\b/)[0] ?? definition;

export function alterObjectSql(from: SchemaObject, to: SchemaObject): ObjectChange {
  if (from.kind !== to.kind) return recreate(from, to);
  switch (to.kind) {
    case 'namespace':
      return { before: [], after: commentChange(`SCHEMA ${quoteIdent(to.object.name)}`, (from.object as typeof to.object).comment, to.object.comment) };
    case 'extension': {
      const f = from.object as typeof to.object;
      const e = to.object;
      const after: string[] = [];
      if (f.schema !== e.schema && e.schema !== undefined) after.push(`ALTER EXTENSION ${quoteIdent(e.name)} SET SCHEMA ${quoteIdent(e.schema)}`);
      if (f.version !== e.version) after.push(`ALTER EXTENSION ${quoteIdent(e.name)} UPDATE${e.version === undefined ? '' : ` TO ${quoteLiteral(e.version)}`}`);
      return { before: [], after: [...after, ...commentChange(`EXTENSION ${quoteIdent(e.name)}`, f.comment, e.comment)] };
    }
    case 'enum':
      return { before: [], after: alterEnum(from.object as Enum, to.object) };
    case 'domain':
      return { before: [], after: alterDomain(from.object as Domain, to.object) };
    case 'composite':
      return { before: [], after: alterComposite(from.object as CompositeType, to.object) };
    case 'sequence': {
      const f = from.object as Sequence;
      // Ownership changes run once the tables exist (see compile.ts).
      return { before: [], after: alterSequence(f, to.object) };
    }
    case 'routine': {
      const f = from.object as typeof to.object;
      const r = to.object;
      if (onlyComment(f, r)) return { before: [], after: commentChange(routineId(r), f.comment, r.comment) };
      // CREATE OR REPLACE keeps dependent triggers and defaults, but cannot change what a caller sees
      // (result type, parameter defaults): then the routine is dropped and created again.
      if (/^\s*CREATE\s+OR\s+REPLACE\s/i.test(r.definition) && f.kind === r.kind && routineHeader(f.definition) === routineHeader(r.definition))
        return { before: [], after: [r.definition, ...commentChange(routineId(r), f.comment, r.comment)] };
      return recreate(from, to);
    }
    case 'view': {
      const f = from.object as typeof to.object;
      const v = to.object;
      if (onlyComment(f, v)) return { before: [], after: commentChange(`${viewKind(v)} ${qname(v)}`, f.comment, v.comment) };
      return recreate(from, to);
    }
    case 'trigger': {
      const f = from.object as typeof to.object;
      if (onlyComment(f, to.object)) return { before: [], after: commentChange(`TRIGGER ${triggerId(to.object)}`, f.comment, to.object.comment) };
      return recreate(from, to);
    }
    case 'native':
      return recreate(from, to);
    case 'table':
      throw errors.planUnsupported('postgres', `table ${objectId('table', to.object)} as a whole (its changes are compiled one by one)`);
  }
}
