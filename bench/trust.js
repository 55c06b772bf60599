// The trust layer's costs (npm run bench -- trust):
// - what signing adds to `redb commit` (Ed25519 SSH signature + ML-DSA-65, key unlocked per run);
// - `redb log --show-signature` over 1,000 signed commits, first run and with the verified cache;
// - Cedar access decisions per second, each one new and as remembered, and what loading it costs.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as nodeFs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, median, printTable, timeOnce } from './lib.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');

async function commitCost(dir, env) {
  const project = join(dir, 'commit');
  nodeFs.mkdirSync(project);
  copyFileSync(join(root, '..', 'shared', 'fixtures', 'chinook', 'Chinook_Sqlite.sqlite'), join(project, 'app.db'));
  const redb = (...args) => execFileSync(process.execPath, [cli, ...args], { cwd: project, env, stdio: 'ignore' });
  redb('init');
  redb('db', 'add', 'app', 'sqlite:app.db');
  redb('pull', 'app');
  redb('commit', '-m', 'initial');
  redb('id');
  const genre = readFileSync(join(project, 'schema', 'tables', 'Genre.yaml'), 'utf8');
  let n = 0;
  // Each run commits a new table, so every commit has something to record.
  const change = () =>
    writeFileSync(join(project, 'schema', 'tables', `T${++n}.yaml`), genre.replace(/^name: Genre$/m, `name: T${n}`).replace('PK_Genre', `PK_T${n}`));
  const runs = 11;
  const times = { plain: [], signed: [] };
  for (let i = 0; i < runs; i++) {
    for (const kind of ['plain', 'signed']) {
      change();
      times[kind].push(timeOnce(process.execPath, [cli, 'commit', ...(kind === 'signed' ? ['-S'] : []), '-m', `c${n}`], { cwd: project, env }));
    }
  }
  return [
    { name: 'redb commit (one new table)', median: median(times.plain), min: Math.min(...times.plain) },
    { name: 'redb commit -S (same change)', median: median(times.signed), min: Math.min(...times.signed) },
  ];
}

async function logCost(dir, env, count) {
  const project = join(dir, 'log');
  nodeFs.mkdirSync(project);
  const redb = (...args) => execFileSync(process.execPath, [cli, ...args], { cwd: project, env, stdio: 'ignore' });
  copyFileSync(join(root, '..', 'shared', 'fixtures', 'chinook', 'Chinook_Sqlite.sqlite'), join(project, 'app.db'));
  redb('init');
  redb('db', 'add', 'app', 'sqlite:app.db');
  redb('pull', 'app');
  redb('commit', '-m', 'initial');
  const id = JSON.parse(execFileSync(process.execPath, [cli, 'id', '--json'], { cwd: project, env, encoding: 'utf8' })).id;
  redb('trust', 'add', 'bench', id, '--role', 'admin');
  // 1,000 signed commits written through the library (the CLI would spend its start-up 1,000 times).
  const { openStore } = await import('../dist/repo/paths.js');
  const { writeCommitObject } = await import('../dist/repo/signed-objects.js');
  const { loadIdentity, objectSigner } = await import('../dist/crypto/index.js');
  const git = (await import('isomorphic-git')).default;
  const store = openStore(nodeFs, project);
  const signer = await objectSigner(await loadIdentity({ env }));
  let parent = await git.resolveRef({ fs: nodeFs, gitdir: store.gitdir, ref: 'HEAD' });
  const { commit } = await git.readCommit({ fs: nodeFs, gitdir: store.gitdir, oid: parent });
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    parent = await writeCommitObject(
      store,
      {
        tree: commit.tree,
        parents: [parent],
        message: `signed ${i}`,
        author: { name: 'bench', email: 'bench@example.com', timestamp: commit.author.timestamp + i + 1, timezoneOffset: 0 },
      },
      signer,
    );
  }
  await git.writeRef({ fs: nodeFs, gitdir: store.gitdir, ref: 'refs/heads/main', value: parent, force: true });
  const signMs = (performance.now() - started) / count;
  const cache = join(project, '.redb', 'state', 'signatures.json');
  const logArgs = [cli, 'log', '--oneline'];
  const plain = timeOnce(process.execPath, logArgs, { cwd: project, env });
  const cold = [];
  const warm = [];
  for (let i = 0; i < 3; i++) {
    rmSync(cache, { force: true });
    cold.push(timeOnce(process.execPath, [...logArgs, '--show-signature'], { cwd: project, env }));
    warm.push(timeOnce(process.execPath, [...logArgs, '--show-signature'], { cwd: project, env }));
  }
  // The signature checks alone, in process: every commit checked, then every commit from the cache.
  const { signatureVerifier } = await import('../dist/ops/signatures.js');
  const ids = [];
  for (let oid = parent, i = 0; i < count; i++) {
    ids.push(oid);
    oid = (await git.readCommit({ fs: nodeFs, gitdir: store.gitdir, oid })).commit.parent[0];
  }
  rmSync(cache, { force: true });
  let t = performance.now();
  let verifier = await signatureVerifier(store, env);
  for (const oid of ids) if ((await verifier.check(oid)).status !== 'verified') throw new Error(`${oid} is not verified`);
  await verifier.done();
  const checkCold = performance.now() - t;
  t = performance.now();
  verifier = await signatureVerifier(store, env);
  for (const oid of ids) await verifier.check(oid);
  const checkWarm = performance.now() - t;
  return {
    signMs,
    checkCold,
    checkWarm,
    rows: [
      { name: `redb log --oneline (${count + 1} commits)`, median: plain, min: plain },
      { name: '  --show-signature, nothing cached', median: median(cold), min: Math.min(...cold) },
      { name: '  --show-signature, verified cache', median: median(warm), min: Math.min(...warm) },
    ],
  };
}

async function policyCost() {
  const t0 = performance.now();
  const { parseAccessPolicy } = await import('../dist/policy/access-policy.js');
  const policyText = `
permit(principal in Role::"admin", action, resource);
permit(principal in Role::"analyst", action in [Action::"readTable", Action::"readColumnMasked", Action::"sample"], resource in Database::"app");
permit(principal == Token::"tok-ops", action in [Action::"readTable", Action::"readColumnClear"], resource in Table::"app/customer");
forbid(principal, action in [Action::"readTable", Action::"sample"], resource == Table::"app/payroll");
forbid(principal is Token, action, resource) unless { context.via == "mcp" };
`;
  const policy = await parseAccessPolicy(policyText, 'bench.cedar');
  const loadMs = performance.now() - t0;
  const analyst = { kind: 'token', id: 'tok-bi', name: 'bi', roles: ['analyst'] };
  // Every request different: what Cedar itself costs.
  let n = 0;
  let start = performance.now();
  while (performance.now() - start < 3000) {
    policy.column(analyst, 'app', `t${n}`, `c${n}`, 'mcp');
    n++;
  }
  const fresh = (n * 3) / ((performance.now() - start) / 1000); // table + clear + masked per column
  // The same requests again: remembered.
  let m = 0;
  start = performance.now();
  while (performance.now() - start < 1000) {
    policy.column(analyst, 'app', `t${m % n}`, `c${m % n}`, 'mcp');
    m++;
  }
  const remembered = m / ((performance.now() - start) / 1000);
  return { loadMs, fresh, remembered };
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'redb-bench-trust-'));
  const env = {
    ...process.env,
    REDB_CONFIG_HOME: join(dir, 'home'),
    REDB_PASSPHRASE: undefined,
    NO_COLOR: '1',
    REDB_AUTHOR_NAME: 'bench',
    REDB_AUTHOR_EMAIL: 'bench@example.com',
  };
  delete env.REDB_PASSPHRASE;
  try {
    console.log(`machine: ${machine()}`);
    printTable('signing a commit (wall time per invocation, 11 interleaved runs)', await commitCost(dir, env), 'redb commit (one new table)');
    const log = await logCost(dir, env, 1000);
    printTable('log over 1,000 hybrid-signed commits (median of 3)', log.rows, log.rows[0].name);
    console.log(`  (writing one signed commit through the library: ${log.signMs.toFixed(1)} ms)`);
    console.log(
      `  checking the 1,000 signatures alone, in process: ${log.checkCold.toFixed(0)} ms (${(log.checkCold / 1000).toFixed(2)} ms each); from the cache: ${log.checkWarm.toFixed(0)} ms`,
    );
    const p = await policyCost();
    console.log('\naccess decisions (Cedar 4.13 WASM, in process)');
    console.log(`  load (import WASM, parse, validate, prepare): ${p.loadMs.toFixed(0)} ms`);
    console.log(`  new decisions: ${Math.round(p.fresh)} /s; remembered: ${Math.round(p.remembered)} /s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
