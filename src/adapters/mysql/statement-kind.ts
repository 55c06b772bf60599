/**
 * The statement kinds a client may send on MariaDB/MySQL: queries. The server keeps the session
 * read-only and the column grants keep hidden columns out, but a few non-query statements read a
 * table whole for anyone holding any column of it: CHECKSUM TABLE returns a digest of every column,
 * which a short hidden value can be guessed back from. PostgreSQL's cursor and SQLite's reader
 * check play this part there; MariaDB has neither, so the first keyword decides (MariaDB knows a
 * statement's kind by it too). An executable comment (`/*! ... *\/`) is SQL, not a comment: a
 * statement that starts with one is refused.
 */
const QUERIES = new Set(['SELECT', 'WITH', 'VALUES']);

/** The first keyword of a statement, past comments and opening parentheses; undefined when it starts with an executable comment. */
export function leadingKeyword(sql: string): string | undefined {
  let rest = sql;
  for (;;) {
    const trimmed = rest.replace(/^[\s(]+/, '');
    if (/^\/\*[!M]/.test(trimmed)) return undefined;
    const comment = /^(?:--(?:\s[^\n]*)?(?:\n|$)|#[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)/.exec(trimmed);
    if (comment === null) return /^[A-Za-z]+/.exec(trimmed)?.[0].toUpperCase();
    rest = trimmed.slice(comment[0].length);
  }
}

/** Whether a client may send `sql`: one query (SELECT, WITH ... SELECT, VALUES). */
export const isQuery = (sql: string): boolean => QUERIES.has(leadingKeyword(sql) ?? '');
