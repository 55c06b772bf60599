import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { branchCreate, commit, tagCreate } from '../../src/ops/index.js';
import { sqliteEngine, tempDir, type ScratchDb } from '../support/scratch.js';
import { accessLog, bothTransports, call, project, promptText, readResourceText, startHttp, type Project, type Served } from './support.js';

/** A value only the server's environment holds: it must never reach the client. */
const SECRET = 'zq7-server-only-hostname';
const SECRET_VAR = 'REDB_TEST_SERVER_SECRET';

interface Attempt {
  readonly what: string;
  /** The raw client input that must be in the access log. */
  readonly input: string;
  readonly code: string;
  run(s: Served): Promise<{ text: string; isError: boolean }>;
}

describe('the MCP server reaches only what the project bound (stdio and HTTP)', () => {
  let db: ScratchDb;
  let other: ScratchDb;
  let p: Project;
  const outside = tempDir('redb-mcp-outside-');

  beforeAll(async () => {
    [db, other] = await Promise.all([sqliteEngine.create(), sqliteEngine.create()]);
    await db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    await other.exec('CREATE TABLE unbound_marker (id INTEGER PRIMARY KEY)');
    p = await project({ app: db.url }, { [SECRET_VAR]: SECRET });
    await branchCreate({ cwd: p.dir, name: 'feature' });
    await tagCreate({ cwd: p.dir, name: 'v1' });
    // A second commit, so that HEAD~1 names something.
    const file = join(p.dir, 'schema', 'tables', 'notes.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  - name: body\n    type: {kind: text, native: TEXT}\n    nullable: true\n', ''));
    await commit({ cwd: p.dir, env: p.env, message: 'notes loses body' });
    mkdirSync(join(outside.path, 'tables'), { recursive: true });
    writeFileSync(join(outside.path, 'tables', 'outside_marker.yaml'), 'name: outside_marker\ncolumns: []\n');
  });
  afterAll(async () => {
    p.cleanup();
    outside.cleanup();
    await Promise.all([db.drop(), other.drop()]);
  });

  const badRefs: [string, string][] = [
    ['dir:/etc', 'REDB_MCP_REF_REFUSED'],
    [`dir:${'${outside}'}`, 'REDB_MCP_REF_REFUSED'],
    ['dir:../', 'REDB_MCP_REF_REFUSED'],
    [`db:postgres://u@\${${SECRET_VAR}}:5432/x`, 'REDB_MCP_REF_REFUSED'],
    [`db:mysql://u@\${${SECRET_VAR}}/x`, 'REDB_MCP_REF_REFUSED'],
    [`db:sqlite:\${${SECRET_VAR}}`, 'REDB_MCP_REF_REFUSED'],
    [`db:\${${SECRET_VAR}}`, 'REDB_MCP_REF_REFUSED'],
    [`\${${SECRET_VAR}}`, 'REDB_MCP_REF_REFUSED'],
    ['../../../../../etc/hostname', 'REDB_MCP_REF_REFUSED'],
    ['db:__proto__', 'REDB_DB_NOT_FOUND'],
  ];
  const badDatabases: [string, string][] = [
    [`postgres://u@\${${SECRET_VAR}}:5432/x`, 'REDB_MCP_REF_REFUSED'],
    [`\${${SECRET_VAR}}`, 'REDB_MCP_REF_REFUSED'],
    ['__proto__', 'REDB_DB_NOT_FOUND'],
    ['constructor', 'REDB_DB_NOT_FOUND'],
  ];

  /** Every tool argument, resource and prompt that names a ref or a database, tried with each bad value. */
  function attempts(): Attempt[] {
    const fill = (ref: string) => ref.replace('${outside}', outside.path);
    const refs = [...badRefs.map(([r, c]) => [fill(r), c] as const), [`db:${other.url}`, 'REDB_MCP_REF_REFUSED'] as const];
    const dbs = [...badDatabases, [other.url, 'REDB_MCP_REF_REFUSED'] as const];
    const tool = (name: string, args: Record<string, unknown>) => (s: Served) => call(s.client, name, args);
    const out: Attempt[] = [];
    for (const [ref, code] of refs) {
      const add = (what: string, run: Attempt['run']) => out.push({ what: `${what} ${ref}`, input: ref, code, run });
      add('describe_schema ref', tool('describe_schema', { ref }));
      add('history ref', tool('history', { ref }));
      add('diff from', tool('diff', { from: ref, to: 'HEAD' }));
      add('diff to', tool('diff', { from: 'HEAD', to: ref }));
      add('plan_migration to', tool('plan_migration', { database: 'app', to: ref }));
      add('lint from', tool('lint', { from: ref, to: 'HEAD' }));
      add('lint to', tool('lint', { from: 'HEAD', to: ref }));
      add('resource schema', (s) => readResourceText(s.client, `redb://schema/${encodeURIComponent(ref)}/notes`));
      add('resource log', (s) => readResourceText(s.client, `redb://log/${encodeURIComponent(ref)}`));
      add('prompt explain_schema', (s) => promptText(s.client, 'explain_schema', { ref }));
    }
    for (const [database, code] of dbs) {
      const add = (what: string, run: Attempt['run']) => out.push({ what: `${what} ${database}`, input: database, code, run });
      add('describe_schema database', tool('describe_schema', { database }));
      add('plan_migration database', tool('plan_migration', { database }));
      add('query database', tool('query', { database, sql: 'SELECT 1' }));
      add('sample_rows database', tool('sample_rows', { database, table: 'notes' }));
    }
    return out;
  }

  it('refuses dir:, db:<URL>, ${...} and paths with a coded error that expands nothing, and logs each refusal with its input', async () => {
    const served = await bothTransports(p);
    try {
      // Dealt out over the transports in turn: every attempt is made once, each transport carries its share.
      const list = attempts();
      const share = (k: number) => list.filter((_, i) => i % served.length === k);
      await Promise.all(
        served.map(async (s, k) => {
          for (const a of share(k)) {
            const r = await a.run(s);
            expect(r.isError, `${s.transport}: ${a.what}`).toBe(true);
            expect(r.text, `${s.transport}: ${a.what}`).toContain(`error[${a.code}]`);
            expect(r.text, `${s.transport}: ${a.what}`).not.toContain(SECRET);
            expect(r.text, `${s.transport}: ${a.what}`).not.toMatch(/unbound_marker|outside_marker|REDB_INTERNAL|root:x:/);
          }
        }),
      );
      const log = accessLog(p);
      expect(JSON.stringify(log)).not.toContain(SECRET);
      for (const [k, s] of served.entries()) {
        const caller = s.transport === 'stdio' ? (e: Record<string, unknown>) => e.token === 'stdio' : (e: Record<string, unknown>) => e.token !== 'stdio';
        const refused = log.filter((e) => caller(e) && e.outcome === 'error');
        for (const a of share(k)) {
          const logged = refused.some((e) => e.code === a.code && (e.database === a.input || (Array.isArray(e.refs) && e.refs.includes(a.input))));
          expect(logged, `${s.transport}: ${a.what} is in the access log`).toBe(true);
        }
      }
    } finally {
      await Promise.all(served.map((s) => s.close()));
    }
  });

  it('still reads commits, branches, tags, HEAD~n, working and db:<bound name>, and logs the refs asked for', async () => {
    const served = await bothTransports(p);
    try {
      for (const s of served) {
        for (const ref of ['HEAD', 'HEAD~1', 'feature', 'v1', 'working', 'db:app']) {
          const r = await call(s.client, 'describe_schema', { ref, object: 'notes' });
          expect(r.isError, `${s.transport} ${ref}: ${r.text}`).toBe(false);
        }
        const d = (await call(s.client, 'diff', { from: 'feature', to: 'db:app' })).json<{ from: string; to: string }>();
        expect(d.to).toBe('db:app');
        expect((await readResourceText(s.client, 'redb://schema/v1/notes')).isError).toBe(false);
        expect((await promptText(s.client, 'explain_schema', { ref: 'HEAD~1' })).text).toContain('table notes');
      }
    } finally {
      await Promise.all(served.map((s) => s.close()));
    }
    const stdio = accessLog(p).filter((e) => e.token === 'stdio' && e.outcome === 'ok');
    expect(stdio).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tool: 'describe_schema', refs: ['HEAD~1'] }),
        expect.objectContaining({ tool: 'diff', refs: ['feature', 'db:app'] }),
        expect.objectContaining({ tool: 'resource:schema', refs: ['v1'] }),
        expect.objectContaining({ tool: 'prompt:explain_schema', refs: ['HEAD~1'] }),
      ]),
    );
  });

  it('logs a request refused for want of a valid token', async () => {
    const { child, url } = await startHttp(p);
    try {
      const before = accessLog(p).length;
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer redb_forged' }, body: '{}' });
      expect(res.status).toBe(401);
      // Idle connections outlive the client's (a server closing first races the client's next call).
      expect(res.headers.get('keep-alive')).toBe('timeout=65');
      expect(accessLog(p).slice(before)).toEqual([expect.objectContaining({ token: '-', tool: 'http', outcome: 'error', code: 'REDB_MCP_UNAUTHORIZED' })]);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
