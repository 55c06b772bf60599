import type { NativeObject, Routine, Sequence, Trigger, View } from '../../unified/index.js';
import type { Catalog, RawParameter, RawRoutine, RawTrigger, ServerDefaults } from './catalog-queries.js';
import { withSettings, type SessionSettings } from './session-settings.js';
import { shownAsWritten } from './show-create.js';
import { quoteIdent, quoteString, stripDefiner, unqualify } from './sql-text.js';

/**
 * Views, triggers, routines, events and sequences, and the native remainder of tables the model cannot
 * express. Stored code is kept as the full CREATE text, built from information_schema, without
 * DEFINER: objects are re-created as the user who applies them (SQL SECURITY DEFINER objects then run
 * with that user's rights). Code created under another sql_mode (or an event in another time_zone)
 * than the server's default records it (session-settings.ts).
 */

const nonEmpty = (s: string | null | undefined): string | undefined => (s === null || s === undefined || s === '' ? undefined : s);

function mapView(v: Catalog['views'][number], db: string): View {
  // Only what differs from the server's defaults, so a plain view has no options at all.
  const options: Record<string, string> = {};
  if (v.algorithm !== 'UNDEFINED') options.algorithm = v.algorithm;
  if (v.security !== 'DEFINER') options.security = v.security;
  if (v.checkOption !== 'NONE') options.check_option = v.checkOption;
  return {
    name: v.name,
    definition: unqualify(v.definition, db),
    options: Object.keys(options).length === 0 ? undefined : options,
    indexes: [],
  };
}

const serverSettings = (d: ServerDefaults): SessionSettings => ({ sql_mode: d.sqlMode, time_zone: d.timeZone });

/** Triggers firing on the same table and event run in ACTION_ORDER: kept as FOLLOWS <previous>. */
function mapTriggers(rows: readonly RawTrigger[], defaults: ServerDefaults): Trigger[] {
  return rows.map((t, i) => {
    const prev = rows[i - 1];
    const follows = Number(t.actionOrder) > 1 && prev !== undefined && prev.tableName === t.tableName && prev.timing === t.timing && prev.event === t.event;
    return {
      table: t.tableName,
      name: t.name,
      definition: withSettings(
        `CREATE TRIGGER ${quoteIdent(t.name)} ${t.timing} ${t.event} ON ${quoteIdent(t.tableName)} FOR EACH ROW ${follows ? `FOLLOWS ${quoteIdent(prev.name)} ` : ''}${t.statement}`,
        { sql_mode: t.sqlMode },
        serverSettings(defaults),
      ),
    };
  });
}

/** A parameter or return type; a character set is written out only where it is not the database's. */
function typeText(type: string, charset: string | null, collation: string | null, databaseCollation: string): string {
  return collation === null || collation === databaseCollation ? type : `${type} CHARSET ${charset ?? ''} COLLATE ${collation}`;
}

/** A string literal as the routine's own sql_mode reads it. */
const literal = (value: string, sqlMode: string): string => (/\bNO_BACKSLASH_ESCAPES\b/.test(sqlMode) ? `'${value.replace(/'/g, "''")}'` : quoteString(value));

function mapRoutine(r: RawRoutine, params: readonly RawParameter[], catalog: Catalog): Routine {
  const kind = r.type === 'FUNCTION' ? 'function' : 'procedure';
  const signature = params.map((p) => p.type).join(', ');
  const definition = (text: string) => withSettings(text, { sql_mode: r.sqlMode }, serverSettings(catalog.defaults));
  // Oracle-mode routines have a syntax of their own: kept as the server shows them.
  if (shownAsWritten(r)) return { name: r.name, kind, signature, definition: definition(stripDefiner(catalog.routineDdl.get(`${r.type}:${r.name}`) ?? '')) };
  const args = params.map((p) => {
    const type = typeText(p.type, p.charset, p.collation, r.databaseCollation);
    return `${kind === 'procedure' ? `${p.mode ?? 'IN'} ` : ''}${quoteIdent(p.name ?? '')} ${type}`;
  });
  // information_schema does not say AGGREGATE, but only an aggregate function may FETCH GROUP NEXT ROW.
  const aggregate = kind === 'function' && /\bFETCH\s+GROUP\s+NEXT\s+ROW\b/i.test(r.body) ? 'AGGREGATE ' : '';
  const lines = [
    `CREATE ${aggregate}${r.type} ${quoteIdent(r.name)}(${args.join(', ')})${kind === 'function' ? ` RETURNS ${typeText(r.returns ?? '', r.returnsCharset, r.returnsCollation, r.databaseCollation)}` : ''}`,
  ];
  if (r.isDeterministic === 'YES') lines.push('DETERMINISTIC');
  if (r.dataAccess !== 'CONTAINS SQL') lines.push(r.dataAccess);
  if (r.security === 'INVOKER') lines.push('SQL SECURITY INVOKER');
  if (r.comment !== '') lines.push(`COMMENT ${literal(r.comment, r.sqlMode)}`);
  lines.push(r.body);
  return { name: r.name, kind, signature, definition: definition(lines.join('\n')) };
}

/** The `PARTITION BY …` tail of SHOW CREATE TABLE, without MySQL's version comment wrapper. */
function partitionClause(ddl: string): string | undefined {
  const at = ddl.search(/(?:\/\*!\d+\s*)?\bPARTITION BY\b/);
  if (at === -1) return undefined;
  return ddl
    .slice(at)
    .replace(/^\/\*!\d+\s*/, '')
    .replace(/\s*\*\/\s*$/, '')
    .trim();
}

function mapNatives(catalog: Catalog): NativeObject[] {
  const defaults = serverSettings(catalog.defaults);
  const natives: NativeObject[] = catalog.events.map((e) => ({
    type: 'event',
    name: e.name,
    definition: withSettings(stripDefiner(e.ddl), { sql_mode: e.sqlMode, time_zone: e.timeZone }, defaults),
    reason: 'events are kept as their CREATE EVENT text',
  }));
  for (const r of catalog.routines.filter((x) => x.type.startsWith('PACKAGE'))) {
    natives.push({
      type: r.type.toLowerCase(),
      name: r.name,
      definition: withSettings(stripDefiner(catalog.routineDdl.get(`${r.type}:${r.name}`) ?? ''), { sql_mode: r.sqlMode }, defaults),
      reason: 'Oracle-mode packages are kept as their CREATE PACKAGE text',
    });
  }
  for (const t of catalog.tables) {
    const ddl = catalog.tableDdl.get(t.name);
    if (ddl === undefined) continue;
    if (t.type === 'SYSTEM VERSIONED') {
      natives.push({ type: 'system versioned table', name: t.name, definition: ddl, reason: 'system-versioned tables are kept as their CREATE TABLE text' });
      continue;
    }
    const clause = partitionClause(ddl);
    if (clause !== undefined) {
      natives.push({
        type: 'partitioning',
        name: t.name,
        definition: `ALTER TABLE ${quoteIdent(t.name)} ${clause}`,
        reason: 'MySQL partitions have no place in the model: kept as the ALTER TABLE that partitions the table',
      });
    }
  }
  return natives;
}

function mapSequences(catalog: Catalog): Sequence[] {
  const comments = new Map(catalog.tables.map((t) => [t.name, nonEmpty(t.comment)]));
  return catalog.sequences.map((s) => ({
    name: s.name,
    start: String(s.start),
    increment: String(s.increment),
    min: String(s.minimum),
    max: String(s.maximum),
    cache: String(s.cache),
    cycle: Number(s.cycle) === 1 || undefined,
    comment: comments.get(s.name),
  }));
}

export function mapCode(catalog: Catalog, db: string) {
  const paramsOf = new Map<string, RawParameter[]>();
  for (const p of catalog.parameters) {
    const key = `${p.routineType}:${p.routineName}`;
    paramsOf.set(key, [...(paramsOf.get(key) ?? []), p]);
  }
  const routines = catalog.routines.filter((r) => r.type === 'FUNCTION' || r.type === 'PROCEDURE');
  return {
    views: catalog.views.map((v) => mapView(v, db)),
    triggers: mapTriggers(catalog.triggers, catalog.defaults),
    routines: routines.map((r) => mapRoutine(r, paramsOf.get(`${r.type}:${r.name}`) ?? [], catalog)),
    sequences: mapSequences(catalog),
    natives: mapNatives(catalog),
  };
}
