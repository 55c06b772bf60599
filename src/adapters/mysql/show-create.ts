/**
 * The SHOW CREATE reads of the MySQL introspector: one statement per rare object whose full text
 * information_schema does not hold. Databases without such objects pay a fixed number of queries.
 */
import type { Query, RawIndexColumn, RawRoutine, RawTable } from './catalog-queries.js';
import { quoteIdent } from './sql-text.js';

export interface RawEvent {
  name: string;
  ddl: string;
  sqlMode: string;
  timeZone: string;
}

export interface ShownCreate {
  readonly events: RawEvent[];
  /** Partitioned and system-versioned tables, and tables with a FULLTEXT index where parser plugins exist. */
  readonly tableDdl: Map<string, string>;
  /** Oracle-mode routines and packages, by `ROUTINE_TYPE:name` (`PACKAGE BODY:pkg`). */
  readonly routineDdl: Map<string, string>;
}

/** Oracle-mode code has its own CREATE syntax, and packages exist only there: their text is read as the server shows it. */
export const shownAsWritten = (r: Pick<RawRoutine, 'type' | 'sqlMode'>): boolean => r.type.startsWith('PACKAGE') || /\bORACLE\b/.test(r.sqlMode);

async function showCreate(query: Query, what: string, db: string, name: string, column: string): Promise<string> {
  const [row] = await query<Record<string, string>>(`SHOW CREATE ${what} ${quoteIdent(db)}.${quoteIdent(name)}`);
  return row?.[column] ?? '';
}

export async function readShowCreate(
  query: Query,
  db: string,
  catalog: { tables: readonly RawTable[]; indexColumns: readonly RawIndexColumn[]; routines: readonly RawRoutine[] },
): Promise<ShownCreate> {
  const eventRows = await query<Omit<RawEvent, 'ddl'>>(
    `SELECT EVENT_NAME AS name, SQL_MODE AS sqlMode, TIME_ZONE AS timeZone
       FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY EVENT_NAME`,
    [db],
  );
  const events: RawEvent[] = [];
  for (const e of eventRows) events.push({ ...e, ddl: await showCreate(query, 'EVENT', db, e.name, 'Create Event') });

  // A FULLTEXT parser (WITH PARSER) appears only in SHOW CREATE TABLE, and only where a parser plugin is loaded.
  const [plugins] = await query<{ n: number | string }>(
    `SELECT COUNT(*) AS n FROM information_schema.PLUGINS WHERE PLUGIN_TYPE = 'FTPARSER' AND PLUGIN_STATUS = 'ACTIVE'`,
  );
  const fulltext = new Set(
    Number(plugins?.n ?? 0) === 0 ? [] : catalog.indexColumns.filter((i) => i.type.toUpperCase() === 'FULLTEXT').map((i) => i.tableName),
  );
  const tableDdl = new Map<string, string>();
  for (const t of catalog.tables) {
    if (t.type === 'SYSTEM VERSIONED' || /\bpartitioned\b/.test(t.createOptions ?? '') || fulltext.has(t.name)) {
      tableDdl.set(t.name, await showCreate(query, 'TABLE', db, t.name, 'Create Table'));
    }
  }

  const routineDdl = new Map<string, string>();
  for (const r of catalog.routines.filter(shownAsWritten)) {
    const column = `Create ${r.type.toLowerCase().replace(/(^|\s)\w/g, (c) => c.toUpperCase())}`;
    routineDdl.set(`${r.type}:${r.name}`, await showCreate(query, r.type, db, r.name, column));
  }
  return { events, tableDdl, routineDdl };
}
