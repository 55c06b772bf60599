import { describe, expect, it } from 'vitest';
import { parseDbUrl, redactUrl, resolveUrl } from '../../src/adapters/url.js';
import { RedbError } from '../../src/errors.js';

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof RedbError ? e.code : 'not a RedbError';
  }
  return undefined;
};

describe('database URLs', () => {
  it.each([
    ['sqlite:app.db', 'sqlite'],
    ['sqlite:///var/data/app.db', 'sqlite'],
    ['duckdb:warehouse.duckdb', 'duckdb'],
    ['postgres://app@127.0.0.1:5432/app', 'postgres'],
    ['postgresql://app@db/app', 'postgres'],
    ['mysql://app@db:3306/app', 'mysql'],
    ['mariadb://app@db/app', 'mysql'],
    ['mongodb://db/app', 'mongodb'],
  ])('%s is %s', (url, engine) => {
    expect(parseDbUrl(url).engine).toBe(engine);
  });

  it('keeps the path of file databases as written', () => {
    expect(parseDbUrl('sqlite:data/app.db').path).toBe('data/app.db');
    expect(parseDbUrl('sqlite:///var/app.db').path).toBe('/var/app.db');
  });

  it('accepts a password that references the environment, and fills it in only at use', () => {
    const url = 'postgres://app:${PGPASSWORD}@127.0.0.1/app';
    expect(parseDbUrl(url).url).toBe(url);
    expect(resolveUrl(url, 'prod', { PGPASSWORD: 'p@ss/word' })).toBe('postgres://app:p%40ss%2Fword@127.0.0.1/app');
    expect(code(() => resolveUrl(url, 'prod', {}))).toBe('REDB_ENV_MISSING');
  });

  it('refuses a plain password and never repeats it', () => {
    expect(code(() => parseDbUrl('postgres://app:hunter2@db/app'))).toBe('REDB_PLAIN_PASSWORD');
    try {
      parseDbUrl('postgres://app:hunter2@db/app');
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('hunter2');
    }
    expect(redactUrl('mysql://u:hunter2@h/d')).toBe('mysql://u:***@h/d');
    expect(redactUrl('mysql://u:${PW}@h/d')).toBe('mysql://u:${PW}@h/d');
  });

  it.each(['app.db', 'ftp://x/y', 'sqlite:', 'postgres:db', 'postgres://', 'mysql://u@/db'])('rejects %s', (url) => {
    expect(code(() => parseDbUrl(url))).toBe('REDB_INVALID_URL');
  });
});
