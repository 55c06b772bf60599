import type { NativeObject } from '../../unified/index.js';
import { qname, quoteIdent, quoteLiteral } from './sql-text.js';

/**
 * How to take back natives that set something on an object made elsewhere (privileges, storage,
 * tablespace, constraint details) or make an object of their own; undefined for other types.
 * Statements of a definition are separated by `;\n` (see introspect-objects.ts).
 */

const QUOTED = String.raw`"(?:[^"]|"")*"`;
const each = (definition: string, undo: (statement: string) => string): string => definition.split(';\n').map(undo).join(';\n');

/** GRANT x ON y TO z [WITH GRANT OPTION] ⇄ REVOKE x ON y FROM z. */
function ungrant(statement: string): string {
  const grant = /^GRANT (.*) ON (.*) TO (.*?)( WITH GRANT OPTION)?$/s.exec(statement);
  if (grant !== null) return `REVOKE ${grant[1] ?? ''} ON ${grant[2] ?? ''} FROM ${grant[3] ?? ''}`;
  const revoke = /^REVOKE (.*) ON (.*) FROM (.*)$/s.exec(statement);
  return revoke === null ? statement : `GRANT ${revoke[1] ?? ''} ON ${revoke[2] ?? ''} TO ${revoke[3] ?? ''}`;
}

/** Storage back to the type's own, which only the server knows. */
function resetStorage(statement: string): string {
  const m = new RegExp(`^(ALTER .* (${QUOTED}\\.${QUOTED}) ALTER COLUMN (${QUOTED})) SET STORAGE \\w+$`, 's').exec(statement);
  if (m === null) return statement;
  const [, prefix = '', relation = '', column = ''] = m;
  const storage = `SELECT CASE t.typstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END
    FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = ${quoteLiteral(relation)}::regclass AND a.attname = ${quoteLiteral(column.slice(1, -1).replace(/""/g, '"'))}`;
  return `DO $redb$BEGIN EXECUTE ${quoteLiteral(`${prefix} SET STORAGE `)} || (${storage}); END$redb$`;
}

function resetColumnOption(statement: string): string {
  if (/ SET STORAGE \w+$/.test(statement)) return resetStorage(statement);
  return statement.replace(/ SET COMPRESSION \w+$/, ' SET COMPRESSION DEFAULT').replace(/ SET STATISTICS -?\d+$/, ' SET STATISTICS -1');
}

/** The re-added constraint as the model alone would make it. */
const plainConstraint = (definition: string): string =>
  definition
    .split(';\n')
    .filter((s) => !s.startsWith('COMMENT ON '))
    .map((s) =>
      s
        .replace(/ INCLUDE \((?:[^()"]|"(?:[^"]|"")*")*\)/, '')
        .replace(/ WITH \((?:[^()']|'(?:[^']|'')*')*\)/, '')
        .replace(/ USING INDEX TABLESPACE \S+/, ''),
    )
    .join(';\n');

const TEXT_SEARCH: Readonly<Record<string, string>> = {
  'text search configuration': 'CONFIGURATION',
  'text search dictionary': 'DICTIONARY',
  'text search parser': 'PARSER',
  'text search template': 'TEMPLATE',
};

export function dropExtraNativeSql(n: NativeObject): string | undefined {
  switch (n.type) {
    case 'grant':
      return each(n.definition, ungrant);
    case 'default privileges':
      return each(n.definition, (s) => {
        const m = /^(ALTER DEFAULT PRIVILEGES FOR ROLE .*? )((?:GRANT|REVOKE) .*)$/s.exec(s);
        return m === null ? s : `${m[1] ?? ''}${ungrant(m[2] ?? '')}`;
      });
    case 'tablespace':
      return n.definition.replace(/ SET TABLESPACE .*$/s, ' SET TABLESPACE pg_default');
    case 'table access method':
      return n.definition.replace(/ SET ACCESS METHOD .*$/s, ' SET ACCESS METHOD heap');
    case 'column options':
      return each(n.definition, resetColumnOption);
    case 'identity sequence': {
      const rename = new RegExp(`^ALTER SEQUENCE (${QUOTED})\\.(${QUOTED}) RENAME TO (${QUOTED})$`, 's').exec(n.definition);
      if (rename === null) return undefined;
      return `ALTER SEQUENCE ${rename[1] ?? ''}.${rename[3] ?? ''} RENAME TO ${rename[2] ?? ''}`;
    }
    case 'foreign key on delete':
      return n.definition.replace(/ ON DELETE SET (NULL|DEFAULT) \([^)]*\)/, ' ON DELETE SET $1');
    case 'constraint include':
      return plainConstraint(n.definition);
    case 'constraint storage': {
      const m = /^(ALTER INDEX .*) SET \((.*)\)$/s.exec(n.definition);
      const keys = (m?.[2] ?? '').split(', ').map((o) => o.slice(0, o.indexOf('=')));
      return `${m?.[1] ?? ''} RESET (${keys.join(', ')})`;
    }
    case 'publication':
      return `DROP PUBLICATION ${quoteIdent(n.name)}`;
    case 'access method':
      return `DROP ACCESS METHOD ${quoteIdent(n.name)}`;
    case 'conversion':
      return `DROP CONVERSION ${qname(n)}`;
    case 'foreign data wrapper':
      return `DROP FOREIGN DATA WRAPPER ${quoteIdent(n.name)}`;
    case 'shell type':
      // Gone already when its base type was dropped (which takes the I/O functions with it).
      return `DROP TYPE IF EXISTS ${qname(n)}`;
    case 'base type':
      return `DROP TYPE ${qname(n)} CASCADE`;
    default: {
      const kind = TEXT_SEARCH[n.type];
      return kind === undefined ? undefined : `DROP TEXT SEARCH ${kind} ${qname(n)}`;
    }
  }
}

/** Natives that other objects may need while they are made (columns, defaults, keys): made with the types. */
export const EARLY_EXTRA_NATIVES = [
  'access method',
  'foreign data wrapper',
  'text search configuration',
  'text search dictionary',
  'text search parser',
  'text search template',
  'shell type',
  'base type',
  'constraint include',
];
