import type { NativeObject } from '../../unified/index.js';
import type { RawNative } from './catalog-natives.js';
import { commentSql, statements, TRIGGER_STATE } from './introspect-objects.js';
import { qname, quoteIdent, quoteLiteral } from './sql-text.js';

/** Objects the model has no shape for, rebuilt as the DDL that makes them (see NATIVES). */

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const texts = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
/** `{k=v,...}` (how the catalog stores FDW options) → `OPTIONS (k 'v', ...)`. */
function optionsSql(v: unknown): string {
  const pairs = texts(v).map((o) => `${quoteIdent(o.slice(0, o.indexOf('=')))} ${quoteLiteral(o.slice(o.indexOf('=') + 1))}`);
  return pairs.length === 0 ? '' : ` OPTIONS (${pairs.join(', ')})`;
}

interface ForeignColumn {
  name: string;
  type: string;
  not_null: boolean;
  default: string | null;
  options: string[] | null;
  comment: string | null;
}

function foreignTable(raw: RawNative): NativeObject {
  const name = qname({ schema: raw.schema ?? undefined, name: raw.name });
  const columns = (Array.isArray(raw.detail.columns) ? raw.detail.columns : []) as ForeignColumn[];
  const lines = columns.map(
    (c) => `${quoteIdent(c.name)} ${c.type}${optionsSql(c.options)}${c.default === null ? '' : ` DEFAULT ${c.default}`}${c.not_null ? ' NOT NULL' : ''}`,
  );
  return {
    type: 'foreign table',
    schema: raw.schema ?? undefined,
    name: raw.name,
    definition: statements(
      `CREATE FOREIGN TABLE ${name} (\n  ${lines.join(',\n  ')}\n) SERVER ${quoteIdent(text(raw.detail.server) ?? '')}${optionsSql(raw.detail.options)}`,
      commentSql(`FOREIGN TABLE ${name}`, raw.comment),
      ...columns.map((c) => commentSql(`COLUMN ${name}.${quoteIdent(c.name)}`, c.comment)),
    ),
  };
}

const CAST_CONTEXT: Readonly<Record<string, string>> = { a: ' AS ASSIGNMENT', i: ' AS IMPLICIT' };

function operator(raw: RawNative): NativeObject {
  const d = raw.detail;
  const name = `${quoteIdent(raw.schema ?? '')}.${text(d.name) ?? ''}`;
  const options = [
    `FUNCTION = ${text(d.function) ?? ''}`,
    text(d.left) === undefined ? undefined : `LEFTARG = ${text(d.left) ?? ''}`,
    `RIGHTARG = ${text(d.right) ?? ''}`,
    text(d.commutator) === undefined ? undefined : `COMMUTATOR = OPERATOR(${text(d.commutator) ?? ''})`,
    text(d.negator) === undefined ? undefined : `NEGATOR = OPERATOR(${text(d.negator) ?? ''})`,
    text(d.restrict) === undefined ? undefined : `RESTRICT = ${text(d.restrict) ?? ''}`,
    text(d.join) === undefined ? undefined : `JOIN = ${text(d.join) ?? ''}`,
    d.hashes === true ? 'HASHES' : undefined,
    d.merges === true ? 'MERGES' : undefined,
  ].filter((o) => o !== undefined);
  const args = `(${text(d.left) ?? 'NONE'}, ${text(d.right) ?? ''})`;
  return {
    type: 'operator',
    schema: raw.schema ?? undefined,
    name: raw.name,
    definition: statements(`CREATE OPERATOR ${name} (${options.join(', ')})`, commentSql(`OPERATOR ${name} ${args}`, raw.comment)),
  };
}

export function mapNative(raw: RawNative): NativeObject | undefined {
  const d = raw.detail;
  switch (raw.type) {
    case 'publication':
    case 'access method':
    case 'conversion':
    case 'foreign data wrapper':
    case 'text search configuration':
    case 'text search dictionary':
    case 'text search parser':
    case 'text search template':
    case 'shell type':
    case 'base type':
      return {
        type: raw.type,
        schema: raw.schema ?? undefined,
        name: raw.name,
        definition: statements(raw.def ?? '', commentSql(text(d.on) ?? '', raw.comment)),
      };
    case 'grant':
      // Privileges set back to exactly the default ones leave nothing to keep.
      return raw.def === null ? undefined : { type: raw.type, schema: raw.schema ?? undefined, name: raw.name, definition: raw.def };
    case 'default privileges': {
      if (raw.def === null) return undefined;
      const prefix = `ALTER DEFAULT PRIVILEGES FOR ROLE ${quoteIdent(text(d.role) ?? '')}${raw.schema === null ? '' : ` IN SCHEMA ${quoteIdent(raw.schema)}`} `;
      return {
        type: raw.type,
        schema: raw.schema ?? undefined,
        name: raw.name,
        definition: raw.def
          .split(';\n')
          .map((s) => prefix + s)
          .join(';\n'),
      };
    }
    case 'rule':
      return {
        type: 'rule',
        schema: raw.schema ?? undefined,
        name: raw.name,
        definition: statements(
          (raw.def ?? '').replace(/;\s*$/, ''),
          commentSql(`RULE ${quoteIdent(text(d.rule) ?? '')} ON ${text(d.table) ?? ''}`, raw.comment),
        ),
      };
    case 'statistics': {
      const name = qname({ schema: raw.schema ?? undefined, name: raw.name });
      return {
        type: 'statistics',
        schema: raw.schema ?? undefined,
        name: raw.name,
        definition: statements(raw.def ?? '', commentSql(`STATISTICS ${name}`, raw.comment)),
      };
    }
    case 'event trigger': {
      const tags = Array.isArray(d.tags) ? ` WHEN TAG IN (${d.tags.map(quoteLiteral).join(', ')})` : '';
      const name = quoteIdent(raw.name);
      return {
        type: 'event trigger',
        name: raw.name,
        definition: statements(
          `CREATE EVENT TRIGGER ${name} ON ${text(d.event) ?? ''}${tags} EXECUTE FUNCTION ${text(d.function) ?? ''}()`,
          d.enabled === 'O' ? undefined : `ALTER EVENT TRIGGER ${name} ${TRIGGER_STATE[text(d.enabled) ?? ''] ?? 'ENABLE'}`,
          commentSql(`EVENT TRIGGER ${name}`, raw.comment),
        ),
      };
    }
    case 'collation': {
      const name = qname({ schema: raw.schema ?? undefined, name: raw.name });
      const icu = d.provider === 'i';
      const options = [
        `PROVIDER = ${icu ? 'icu' : 'libc'}`,
        icu
          ? `LOCALE = ${quoteLiteral(text(d.icu_locale) ?? '')}`
          : `LC_COLLATE = ${quoteLiteral(text(d.collate) ?? '')}, LC_CTYPE = ${quoteLiteral(text(d.ctype) ?? '')}`,
        d.deterministic === false ? 'DETERMINISTIC = false' : undefined,
      ].filter((o) => o !== undefined);
      return {
        type: 'collation',
        schema: raw.schema ?? undefined,
        name: raw.name,
        definition: statements(`CREATE COLLATION ${name} (${options.join(', ')})`, commentSql(`COLLATION ${name}`, raw.comment)),
      };
    }
    case 'foreign server': {
      const name = quoteIdent(raw.name);
      const type = text(d.type) === undefined ? '' : ` TYPE ${quoteLiteral(text(d.type) ?? '')}`;
      const version = text(d.version) === undefined ? '' : ` VERSION ${quoteLiteral(text(d.version) ?? '')}`;
      return {
        type: 'foreign server',
        name: raw.name,
        definition: statements(
          `CREATE SERVER ${name}${type}${version} FOREIGN DATA WRAPPER ${quoteIdent(text(d.wrapper) ?? '')}${optionsSql(d.options)}`,
          commentSql(`SERVER ${name}`, raw.comment),
        ),
      };
    }
    case 'foreign table':
      return foreignTable(raw);
    case 'cast': {
      const how = d.method === 'i' ? 'WITH INOUT' : d.method === 'b' ? 'WITHOUT FUNCTION' : `WITH FUNCTION ${text(d.function) ?? ''}`;
      return {
        type: 'cast',
        name: raw.name,
        definition: statements(`CREATE CAST ${raw.name} ${how}${CAST_CONTEXT[text(d.context) ?? ''] ?? ''}`, commentSql(`CAST ${raw.name}`, raw.comment)),
      };
    }
    case 'operator':
      return operator(raw);
    case 'comment':
    case 'replica identity':
      return { type: raw.type, schema: raw.schema ?? undefined, name: raw.name, definition: raw.def ?? '' };
  }
}
