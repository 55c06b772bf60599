import { describe, expect, it } from 'vitest';
import { parseDbUrl, plainSecrets, redactUrl, resolveUrl } from '../../src/adapters/url.js';

/** `${secret:name}` stands wherever `${VAR}` may: a reference, never a plain password. */
describe('sealed secrets in database URLs', () => {
  it('are accepted as the password and in password parameters, shown as written, and left for the secret store to fill', () => {
    for (const url of [
      'postgres://app:${secret:prod-password}@db/app',
      'mysql://app@db/app?password=${secret:pw}',
      'postgresql://db/app?user=app&password=${secret:pw_2}',
    ]) {
      expect(parseDbUrl(url).url).toBe(url);
      expect(plainSecrets(url)).toEqual([]);
      expect(redactUrl(url)).toBe(url);
      // resolveUrl fills environment variables only; ops fill the secrets (bound databases only).
      expect(resolveUrl(url, 'prod', {})).toContain('${secret:');
    }
  });

  it('a malformed reference is a plain password, refused', () => {
    expect(() => parseDbUrl('postgres://app:${secret:}@db/app')).toThrow(/plain text/);
    expect(() => parseDbUrl('postgres://app:${secret:a b}@db/app')).toThrow();
  });
});
