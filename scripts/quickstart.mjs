// The quick start: a sample SQLite database versioned, changed, diffed and migrated with redb.
// Every line printed after "$" is a real redb command, run as a user would run it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const demo = resolve(process.argv[2] ?? join(root, 'quickstart-demo'));

if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
rmSync(demo, { recursive: true, force: true });
mkdirSync(demo, { recursive: true });

const tty = process.stdout.isTTY === true;
const dim = (text) => (tty ? `\u001b[2m${text}\u001b[22m` : text);
const bold = (text) => (tty ? `\u001b[1m${text}\u001b[22m` : text);
const say = (text) => process.stdout.write(`\n${dim(`# ${text}`)}\n`);
function redb(...args) {
  process.stdout.write(`${bold(`$ redb ${args.map((a) => (/[\s"']/.test(a) ? `'${a}'` : a)).join(' ')}`)}\n`);
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: demo, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: tty ? '1' : '0' } });
  if (r.status !== 0) {
    process.stderr.write(`quickstart: 'redb ${args.join(' ')}' exited ${r.status}\n`);
    process.exit(1);
  }
}

say(`a sample shop database: ${join(demo, 'shop.db')}`);
const db = new Sqlite(join(demo, 'shop.db'));
db.exec(readFileSync(join(root, 'fixtures', 'quickstart', 'shop.sql'), 'utf8'));
db.close();

redb('init');
redb('db', 'add', 'shop', 'sqlite:shop.db');
redb('pull', 'shop');
redb('commit', '-m', 'Shop schema as pulled from the live database');

say('a developer edits schema/tables/customer.yaml: a phone column and an index on name');
const file = join(demo, 'schema', 'tables', 'customer.yaml');
const text = readFileSync(file, 'utf8')
  .replace('primaryKey:', '  - name: phone\n    type: {kind: text, native: VARCHAR(24), length: 24}\n    nullable: true\nprimaryKey:')
  .concat('indexes:\n  - name: customer_name\n    unique: false\n    keys:\n      - {column: name}\n');
writeFileSync(file, text);

redb('status');
redb('diff');
redb('commit', '-m', 'Customers get a phone number; search by name');
redb('migrate', 'shop', '--dry-run');
redb('migrate', 'shop', '--yes');
redb('status');
redb('log');
say(`done: explore it with  cd ${demo} && node ${cli} log   (or npm link, then just redb)`);
