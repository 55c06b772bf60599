import { describe, expect, it } from 'vitest';
import { parseDbUrl, redactUrl, resolveUrl } from '../../src/adapters/url.js';
import { RedbError } from '../../src/errors.js';

/** The error a parse throws: its code and everything it would show (message, hint, data). */
const failure = (url: string): { code: string; shown: string } | undefined => {
  try {
    parseDbUrl(url);
  } catch (e) {
    if (!(e instanceof RedbError)) throw e;
    return { code: e.code, shown: JSON.stringify(e.toJSON()) };
  }
  return undefined;
};

const SECRET = 'Hunter2Secret';

describe('no plaintext password by any spelling', () => {
  // Every place the drivers read a password from (pg-connection-string copies every query parameter
  // into the connection options; mysql2 reads password1..3, passwordSha1 and an ssl JSON object).
  it.each([
    ['userinfo', `postgres://app:${SECRET}@db/app`],
    ['userinfo with an @ in the password', `postgres://app:x@${SECRET}@db/app`],
    ['userinfo without a user', `postgres://:${SECRET}@db/app`],
    ['?password=', `postgres://app@db/app?password=${SECRET}`],
    ['?user=&password=', `postgresql://db/app?user=app&password=${SECRET}`],
    ['a later &password= after an env one', `postgres://db/app?password=\${PW}&password=${SECRET}`],
    ['percent-encoded parameter name', `postgres://db/app?pass%77ord=${SECRET}`],
    ['PASSWORD in capitals', `postgres://db/app?PASSWORD=${SECRET}`],
    ['libpq sslpassword', `postgres://app@db/app?sslmode=require&sslpassword=${SECRET}`],
    ['mysql userinfo', `mysql://app:${SECRET}@db/app`],
    ['mysql ?password=', `mysql://app@db/app?password=${SECRET}`],
    ['mysql2 password1', `mariadb://app@db/app?password1=${SECRET}`],
    ['mysql2 password2', `mysql://app@db/app?password2=${SECRET}`],
    ['mysql2 password3', `mysql://app@db/app?password3=${SECRET}`],
    ['mysql2 passwordSha1', `mysql://app@db/app?passwordSha1=${SECRET}`],
    ['mysql2 ssl passphrase', `mysql://app@db/app?ssl=${encodeURIComponent(JSON.stringify({ passphrase: SECRET }))}`],
    ['mysql2 ssl private key', `mysql://app@db/app?ssl={"key":"${SECRET}"}`],
    ['mongodb tlsCertificateKeyFilePassword', `mongodb://db/app?tlsCertificateKeyFilePassword=${SECRET}`],
  ])('refuses %s, and the error does not repeat it', (_what, url) => {
    const f = failure(url);
    expect(f?.code).toBe('REDB_PLAIN_PASSWORD');
    expect(f?.shown).not.toContain(SECRET);
    expect(redactUrl(url)).not.toContain(SECRET);
  });

  it.each([
    ['userinfo', 'postgres://app:${PGPASSWORD}@db/app'],
    ['?password=', 'postgres://app@db/app?password=${PGPASSWORD}'],
    ['sslpassword', 'postgres://app@db/app?sslpassword=${KEYPASS}'],
    ['mysql2 password1', 'mysql://app@db/app?password1=${PW}'],
    ['ssl JSON with the passphrase from the environment', 'mysql://app@db/app?ssl={"passphrase":"${PW}"}'],
  ])('accepts a ${VAR} reference in the place of %s and fills it in only at use', (_what, url) => {
    expect(parseDbUrl(url).url).toBe(url);
    expect(redactUrl(url)).toBe(url);
    expect(resolveUrl(url, 'prod', { PGPASSWORD: 'a&b', KEYPASS: 'k', PW: 'p' })).not.toContain('${');
  });

  it('keeps what is not a secret: passfile (a path), sslkey (a path), sslmode', () => {
    const url = 'postgres://app@db/app?sslmode=require&sslkey=/etc/key.pem&passfile=/home/me/.pgpass';
    expect(parseDbUrl(url).url).toBe(url);
    expect(redactUrl(url)).toBe(url);
  });

  it.each([
    ['a libpq key=value string', `host=db dbname=app user=app password=${SECRET}`],
    ['a quoted key=value password', `host=db password='${SECRET} two'`],
    ['an unknown scheme with a password', `oracle://app:${SECRET}@db/x`],
    ['a password with a / that does not parse', `postgres://app:ab/${SECRET}@db/app`],
  ])('REDB_INVALID_URL does not echo the password of %s', (_what, url) => {
    const f = failure(url);
    expect(f?.code).toBe('REDB_INVALID_URL');
    expect(f?.shown).not.toContain(SECRET);
  });
});
