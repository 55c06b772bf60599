import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, redbOk } from '../support/cli.js';
import { pgProxy } from '../support/pg-proxy.js';
import { postgresEngine } from '../support/postgres.js';
import { tempDir, type ScratchDb } from '../support/scratch.js';

// A pull's wall time is mostly the server answering its catalog read: every round trip after the
// last row is waited for with nothing else to do. The whole read (the snapshot, the catalog queries,
// the index keys' decorations, the end of the snapshot) goes to the server as one message.

/** A TCP proxy in front of the server that records the type of each message a client sends after start-up. */
async function messageRecorder(url: string): Promise<{ url: string; sent: () => string[]; close: () => Promise<void> }> {
  const sent: string[] = [];
  const proxy = await pgProxy(url, () => {
    let pending = Buffer.alloc(0);
    let started = false;
    return {
      fromClient(chunk) {
        pending = Buffer.concat([pending, chunk]);
        // The start-up message has no type byte; every later one is a type, a length, then its body.
        for (;;) {
          const at = started ? 1 : 0;
          if (pending.length < at + 4) break;
          const end = at + pending.readUInt32BE(at);
          if (pending.length < end) break;
          if (started) sent.push(String.fromCharCode(pending[0] as number));
          started = true;
          pending = pending.subarray(end);
        }
      },
    };
  });
  return { url: proxy.url, sent: () => [...sent], close: () => proxy.close() };
}

describe('a PostgreSQL pull (real server)', () => {
  let db: ScratchDb;
  const dir = tempDir();
  const project = join(dir.path, 'project');

  beforeAll(async () => {
    db = await postgresEngine.create();
    // Keys whose operator class and collation the server prints: the decorations must still be read.
    await db.exec(`CREATE TABLE t (id integer PRIMARY KEY, name text, code varchar(20));
      CREATE INDEX t_name ON t (name text_pattern_ops);
      CREATE INDEX t_code ON t (code COLLATE "C" DESC)`);
    redbOk(dir.path, ['init', project]);
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
    dir.cleanup();
  });

  it('reads the catalog in one message to the server, index key decorations included', async () => {
    const proxy = await messageRecorder(db.url);
    try {
      const password = new URL(db.url).password;
      const bound = password === '' ? proxy.url : proxy.url.replace(`:${password}@`, ':${REDB_TEST_PW}@');
      const env = { ...process.env, NO_COLOR: '1', REDB_DEBUG: '', REDB_TEST_PW: password };
      redbOk(project, ['db', 'add', 'app', bound], { REDB_TEST_PW: password });
      // Not spawnSync: the proxy answers from this process.
      await promisify(execFile)(process.execPath, [CLI, 'pull', 'app'], { cwd: project, env });
      // Queries (Q) only, no extended-protocol round trip (Parse, Bind, Sync), then the goodbye (X).
      const queries = proxy.sent().filter((type) => type !== 'p' && type !== 'X');
      expect(queries).toEqual(['Q']);
      const table = readFileSync(join(project, 'schema', 'tables', 'public.t.yaml'), 'utf8');
      expect(table).toMatch(/opclass: text_pattern_ops/);
      expect(table).toMatch(/collation: C/);
    } finally {
      await proxy.close();
    }
  }, 120_000);
});
