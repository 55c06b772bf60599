import { errors } from '../../errors.js';
import { objectId, type Domain, type NativeObject, type Routine, type SchemaObject, type Sequence, type Trigger, type View } from '../../unified/index.js';
import { commentOn, constraintSql, indexSql, sequenceOptionsSql, typeSql } from './ddl-tables.js';
import { identValue, qname, quoteIdent, quoteLiteral, tokenize } from './sql-text.js';
import { dropExtraNativeSql } from './ddl-natives.js';

/** CREATE, DROP and ALTER for every object kind but tables (see ddl-tables.ts). */

const comment = (what: string, text: string | undefined): string[] => (text === undefined ? [] : [commentOn(what, text)]);
const routineId = (r: Routine) => `${r.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${qname(r)}(${r.signature})`;
const viewKind = (v: View) => (v.materialized ? 'MATERIALIZED VIEW' : 'VIEW');
const triggerId = (t: Trigger) => `${quoteIdent(t.name)} ON ${qname({ schema: t.schema, name: t.table })}`;
const PUBLIC_COMMENT = 'standard public schema';

/**
 * The model has no persistence for sequences: like PostgreSQL itself for serial columns, a sequence
 * owned by a column of an unlogged table is unlogged.
 */
export function sequenceSql(s: Sequence, unlogged = false): string[] {
  const options = [s.type === undefined ? '' : `AS ${s.type}`, ...sequenceOptionsSql(s)].filter(Boolean);
  return [
    `CREATE ${unlogged ? 'UNLOGGED ' : ''}SEQUENCE ${qname(s)}${options.length > 0 ? ` ${options.join(' ')}` : ''}`,
    ...comment(`SEQUENCE ${qname(s)}`, s.comment),
  ];
}

export const ownedBySql = (s: Sequence): string =>
  `ALTER SEQUENCE ${qname(s)} OWNED BY ${s.ownedBy === undefined ? 'NONE' : `${qname({ schema: s.ownedBy.schema, name: s.ownedBy.table })}.${quoteIdent(s.ownedBy.column)}`}`;

function domainSql(d: Domain): string[] {
  const parts = [`CREATE DOMAIN ${qname(d)} AS ${typeSql(d.type.native, d.collation)}`];
  if (d.default !== undefined) parts.push(`DEFAULT ${d.default}`);
  if (!d.nullable) parts.push('NOT NULL');
  for (const def of d.checks) if (!def.notValid) parts.push(constraintSql({ type: 'check', def }, false));
  return [
    parts.join(' '),
    ...d.checks.filter((c) => c.notValid).map((def) => `ALTER DOMAIN ${qname(d)} ADD ${constraintSql({ type: 'check', def }, true)}`),
    ...comment(`DOMAIN ${qname(d)}`, d.comment),
    ...d.checks.flatMap((c) => (c.name === undefined ? [] : comment(`CONSTRAINT ${quoteIdent(c.name)} ON DOMAIN ${qname(d)}`, c.comment))),
  ];
}

export function viewSql(v: View): string[] {
  if (v.columns !== undefined) throw errors.planUnsupported('postgres', `view ${v.name} with a column list (PostgreSQL folds it into the query)`);
  const options = Object.entries(v.options ?? {}).map(([k, val]) => `${k}=${val}`);
  const ref = { schema: v.schema, name: v.name };
  return [
    `CREATE ${viewKind(v)} ${qname(v)}${options.length > 0 ? ` WITH (${options.join(', ')})` : ''} AS\n${v.definition}`,
    ...v.indexes.flatMap((i) => indexSql(ref, i)),
    ...comment(`${viewKind(v)} ${qname(v)}`, v.comment),
  ];
}

export function createObjectSql(target: SchemaObject): string[] {
  switch (target.kind) {
    case 'namespace': {
      const n = target.object;
      // `public` exists in every database: only its comment can differ.
      if (n.name === 'public') return [`CREATE SCHEMA IF NOT EXISTS "public"`, commentOn('SCHEMA "public"', n.comment)];
      return [`CREATE SCHEMA ${quoteIdent(n.name)}`, ...comment(`SCHEMA ${quoteIdent(n.name)}`, n.comment)];
    }
    case 'extension': {
      const e = target.object;
      // CASCADE installs what it requires; IF NOT EXISTS then skips those listed in the model too.
      const where = `${e.schema === undefined ? '' : ` SCHEMA ${quoteIdent(e.schema)}`}${e.version === undefined ? '' : ` VERSION ${quoteLiteral(e.version)}`}`;
      return [
        `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(e.name)}${where === '' ? '' : ` WITH${where}`} CASCADE`,
        ...comment(`EXTENSION ${quoteIdent(e.name)}`, e.comment),
      ];
    }
    case 'enum': {
      const e = target.object;
      return [`CREATE TYPE ${qname(e)} AS ENUM (${e.values.map(quoteLiteral).join(', ')})`, ...comment(`TYPE ${qname(e)}`, e.comment)];
    }
    case 'domain':
      return domainSql(target.object);
    case 'composite': {
      const c = target.object;
      const attributes = c.attributes.map((a) => `${quoteIdent(a.name)} ${typeSql(a.type.native, a.collation)}`);
      return [`CREATE TYPE ${qname(c)} AS (${attributes.join(', ')})`, ...comment(`TYPE ${qname(c)}`, c.comment)];
    }
    case 'sequence':
      return sequenceSql(target.object);
    case 'routine':
      return [target.object.definition, ...comment(routineId(target.object), target.object.comment)];
    case 'view':
      return viewSql(target.object);
    case 'trigger':
      return [target.object.definition, ...comment(`TRIGGER ${triggerId(target.object)}`, target.object.comment)];
    case 'native':
      return [target.object.definition];
    case 'table':
      throw errors.planUnsupported('postgres', `table ${objectId('table', target.object)} outside the table phase`);
  }
}

/** The object a rule is attached to, from `CREATE RULE name AS ON event TO table`. */
function ruleTable(definition: string): string {
  const tokens = tokenize(definition);
  const to = tokens.findIndex((t, i) => t.type === 'word' && t.value === 'to' && tokens[i - 2]?.value === 'on');
  const first = identValue(tokens[to + 1]);
  const second = tokens[to + 2]?.value === '.' ? identValue(tokens[to + 3]) : undefined;
  if (first === undefined) throw errors.planUnsupported('postgres', `dropping a rule whose table cannot be read: ${definition.split('\n')[0] ?? ''}`);
  return second === undefined ? quoteIdent(first) : `${quoteIdent(first)}.${quoteIdent(second)}`;
}

function dropNativeSql(n: NativeObject): string {
  const name = qname(n);
  switch (n.type) {
    case 'rule': {
      const rule = identValue(tokenize(n.definition)[2]) ?? n.name;
      return `DROP RULE ${quoteIdent(rule)} ON ${ruleTable(n.definition)}`;
    }
    case 'aggregate': {
      const open = n.name.indexOf('(');
      return `DROP AGGREGATE ${qname({ schema: n.schema, name: n.name.slice(0, open) })}${n.name.slice(open)}`;
    }
    case 'statistics':
      return `DROP STATISTICS ${name}`;
    case 'event trigger':
      return `DROP EVENT TRIGGER ${quoteIdent(n.name)}`;
    case 'collation':
      return `DROP COLLATION ${name}`;
    case 'range type':
      return `DROP TYPE ${name}`;
    case 'cast':
      return `DROP CAST ${n.name}`;
    case 'operator':
      return `DROP OPERATOR ${quoteIdent(n.schema ?? '')}.${n.name}`;
    case 'foreign server':
      return `DROP SERVER ${quoteIdent(n.name)}`;
    case 'foreign table':
      return `DROP FOREIGN TABLE ${name}`;
    case 'comment':
      return n.definition.replace(/ IS '(?:[^']|'')*'$/s, ' IS NULL');
    case 'replica identity':
      return n.definition.replace(/ REPLICA IDENTITY .*$/s, ' REPLICA IDENTITY DEFAULT');
    case 'inheritance':
      return n.definition.replace(/ INHERIT /g, ' NO INHERIT ');
    default: {
      const sql = dropExtraNativeSql(n);
      if (sql === undefined) throw errors.planUnsupported('postgres', `dropping native ${n.type} ${n.name}`);
      return sql;
    }
  }
}

export function dropObjectSql(target: SchemaObject): string {
  switch (target.kind) {
    case 'namespace':
      return target.object.name === 'public' ? commentOn('SCHEMA "public"', PUBLIC_COMMENT) : `DROP SCHEMA ${quoteIdent(target.object.name)}`;
    case 'extension':
      return `DROP EXTENSION ${quoteIdent(target.object.name)}`;
    case 'enum':
    case 'composite':
      return `DROP TYPE ${qname(target.object)}`;
    case 'domain':
      return `DROP DOMAIN ${qname(target.object)}`;
    case 'sequence':
      // A sequence owned by a column goes with its table; it may be gone already.
      return `DROP SEQUENCE ${target.object.ownedBy === undefined ? '' : 'IF EXISTS '}${qname(target.object)}`;
    case 'routine':
      return `DROP ${routineId(target.object)}`;
    case 'table':
      return `DROP TABLE ${qname(target.object)}`;
    case 'view':
      return `DROP ${viewKind(target.object)} ${qname(target.object)}`;
    case 'trigger':
      return `DROP TRIGGER ${triggerId(target.object)}`;
    case 'native':
      return dropNativeSql(target.object);
  }
}

export { routineId, viewKind, triggerId };
