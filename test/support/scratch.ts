import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Engine } from '../../src/unified/index.js';

/** A throwaway, empty database of one engine, with a way to run setup SQL on it. */
export interface ScratchDb {
  readonly url: string;
  exec(sql: string): Promise<void>;
  drop(): Promise<void>;
}

export interface TestEngine {
  readonly engine: Engine;
  create(): Promise<ScratchDb>;
}

export function tempDir(prefix = 'redb-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export const sqliteEngine: TestEngine = {
  engine: 'sqlite',
  async create() {
    const dir = tempDir('redb-sqlite-');
    const file = join(dir.path, 'db.sqlite');
    new Sqlite(file).close();
    return {
      url: `sqlite:${file}`,
      async exec(sql) {
        const db = new Sqlite(file);
        try {
          db.exec(sql);
        } finally {
          db.close();
        }
      },
      async drop() {
        dir.cleanup();
      },
    };
  },
};

/**
 * The URL of a test server started by scripts/test-servers.sh. Tests that need a server fail
 * without one: they never skip.
 */
export function serverUrl(variable: 'REDB_TEST_PG_URL' | 'REDB_TEST_MYSQL_URL'): string {
  const url = process.env[variable];
  if (url === undefined || url === '') {
    throw new Error(`${variable} is not set: run the tests with \`npm test\`, or \`eval "$(scripts/test-servers.sh start)"\` first`);
  }
  return url;
}
