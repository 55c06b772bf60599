import { createRequire } from 'node:module';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chinookCopy, redb, redbOk } from '../support/cli.js';
import { tempDir } from '../support/scratch.js';

const require = createRequire(import.meta.url);
// The official SARIF 2.1.0 schema is draft-04 JSON Schema, which needs ajv's draft-04 build.
const sarifSchema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as object;
const Ajv = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

describe('lint: CI checks with exit codes and reports', () => {
  let dir: ReturnType<typeof tempDir>;
  const edit = (object: string, change: (t: string) => string) => {
    const path = join(dir.path, 'schema', object);
    writeFileSync(path, change(readFileSync(path, 'utf8')));
  };
  const dropColumn = (t: string) => t.replace(/ {2}- name: Composer\n.*\n.*\n/, '');

  beforeEach(() => {
    dir = tempDir();
    chinookCopy(dir.path);
    redbOk(dir.path, ['init']);
    redbOk(dir.path, ['pull', 'sqlite:chinook.db']);
    redbOk(dir.path, ['commit', '-m', 'initial']);
  });
  afterEach(() => dir.cleanup());

  it('exits 0 when nothing changed', () => {
    const r = redb(dir.path, ['lint']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('clean');
  });

  it('exits 2 for changes with nothing blocking', () => {
    edit('tables/Genre.yaml', (t) => `${t}indexes:\n  - name: genre_name\n    unique: false\n    keys:\n      - {column: Name}\n`);
    const r = redb(dir.path, ['lint']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('changes, nothing blocking');
  });

  it('exits 3 for a hazard that is not allowed, and 2 once it is', () => {
    edit('tables/Track.yaml', dropColumn);
    const r = redb(dir.path, ['lint', '--format', 'json']);
    expect(r.code).toBe(3);
    const result = JSON.parse(r.stdout) as { findings: { rule: string; blocking: boolean; file: string }[] };
    expect(result.findings).toContainEqual(expect.objectContaining({ rule: 'drops-data', blocking: true, file: 'schema/tables/Track.yaml' }));
    expect(redb(dir.path, ['lint', '--allow', 'drops-data,breaks-compatibility,rewrites-table']).code).toBe(2);
  });

  it('writes SARIF 2.1.0 that validates against the official schema, one rule per hazard', () => {
    edit('tables/Track.yaml', dropColumn);
    const r = redb(dir.path, ['lint', '--format', 'sarif']);
    expect(r.code).toBe(3);
    const log = JSON.parse(r.stdout) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; locations: unknown[] }[] }[] };
    const ajv = new Ajv({ strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(sarifSchema);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const rules = log.runs[0]?.tool.driver.rules.map((x) => x.id);
    expect(rules).toEqual(expect.arrayContaining(['drops-data', 'data-dependent', 'rewrites-table', 'blocking-lock', 'breaks-compatibility']));
    expect(log.runs[0]?.results.map((x) => x.ruleId)).toContain('drops-data');
  });

  it('writes GitHub workflow annotations', () => {
    edit('tables/Track.yaml', dropColumn);
    const r = redb(dir.path, ['lint', '--format', 'github']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^::error file=schema\/tables\/Track\.yaml,line=1,title=redb drops-data::drops column Track\.Composer/m);
  });

  it('checks a branch against where it left main when the tree is clean', () => {
    redbOk(dir.path, ['switch', '-c', 'feature']);
    edit('tables/Track.yaml', dropColumn);
    redbOk(dir.path, ['commit', '-m', 'drop composer']);
    const r = redb(dir.path, ['lint', '--json']);
    expect(r.code).toBe(3);
    expect((JSON.parse(r.stdout) as { to: string }).to).toMatch(/^HEAD/);
  });

  it('compares with a folder of schema files, as CI does with the base branch checked out', () => {
    cpSync(join(dir.path, 'schema'), join(dir.path, 'base-schema'), { recursive: true });
    edit('tables/Track.yaml', dropColumn);
    const r = redb(dir.path, ['lint', 'dir:base-schema', 'working', '--json']);
    expect(r.code).toBe(3);
    expect((JSON.parse(r.stdout) as { changes: { id: string }[] }).changes.map((c) => c.id)).toEqual(['Track.Composer']);
    expect(redb(dir.path, ['diff', 'dir:base-schema', 'HEAD', '--exit-code']).code).toBe(0);
    expect(redb(dir.path, ['lint', 'dir:nowhere']).stderr).toContain('REDB_REF_NOT_FOUND');
  });

  it('rejects an unknown format', () => {
    expect(redb(dir.path, ['lint', '--format', 'xml']).stderr).toContain('REDB_USAGE');
  });
});
