import { errors } from '../errors.js';
import type { Engine } from '../unified/model.js';
import { engineOfScheme, manifestOf } from './registry.js';

/** A parsed database URL. `url` may still hold `${VAR}` references; `resolveUrl` fills them in. */
export interface DbUrl {
  readonly engine: Engine;
  readonly url: string;
  /** For file engines, the path as written (relative paths are relative to the project). */
  readonly path?: string;
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
/** A sealed secret, `${secret:name}`: stands where `${VAR}` may, filled in by ops before resolveUrl. */
const SECRET_REF = /\$\{secret:[A-Za-z][A-Za-z0-9_-]{0,63}\}/g;
const ONLY_ENV_REF = /^\$\{(?:[A-Za-z_][A-Za-z0-9_]*|secret:[A-Za-z][A-Za-z0-9_-]{0,63})\}$/;

/**
 * Query parameters a driver (or a tool the user may hand the same URL to) reads a secret from:
 * pg takes every parameter as a connection option (`password`; libpq adds `sslpassword`), mysql2
 * `password`, `password1`..`password3`, `passwordSha1` and an `ssl` JSON object with `key`,
 * `passphrase` or `pfx`, MongoDB `tlsCertificateKeyFilePassword`. Matched without regard to case,
 * so a spelling a driver ignores today is not stored either.
 */
const SECRET_PARAM = /pass(word|phrase)|^pwd$/i;
const SECRET_JSON_KEY = /pass(word|phrase)|^pwd$|^key$|^pfx$/i;

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
};

/** Whether a parameter's value (decoded) holds a secret in plain text. */
function secretValue(name: string, value: string): boolean {
  if (value === '' || ONLY_ENV_REF.test(value)) return false;
  if (SECRET_PARAM.test(name)) return true;
  // mysql2 parses each value as JSON first: `ssl={"passphrase":"..."}`.
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return false;
  }
  const walk = (v: unknown): boolean =>
    typeof v === 'object' &&
    v !== null &&
    Object.entries(v).some(([k, x]) => (SECRET_JSON_KEY.test(k) && !(typeof x === 'string' && (x === '' || ONLY_ENV_REF.test(x)))) || walk(x));
  return walk(json);
}

/**
 * Where the userinfo ends: the last `@` of the authority, as WHATWG URL reads it; `loose` takes the
 * last `@` before the query instead, for messages about a URL that does not parse (a password with a
 * `/` in it).
 */
function userinfoOf(url: string, loose: boolean): { start: number; end: number } | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (m === null) return undefined;
  const start = m[0].length;
  const q = url.slice(start).search(loose ? /[?#]/ : /[/?#\\]/);
  const stop = q < 0 ? url.length : start + q;
  const at = url.lastIndexOf('@', stop - 1);
  return at < start ? undefined : { start, end: at };
}

/** The plain password in a URL's userinfo, if there is one. */
function userinfoPassword(url: string, loose = false): { from: number; to: number; value: string } | undefined {
  const info = userinfoOf(url, loose);
  if (info === undefined) return undefined;
  const colon = url.indexOf(':', info.start);
  if (colon < 0 || colon > info.end) return undefined;
  return { from: colon + 1, to: info.end, value: url.slice(colon + 1, info.end) };
}

/** `name=value` pairs of a URL query or of a libpq key=value string, with where each value sits. */
function* pairs(text: string): Generator<{ name: string; value: string; from: number; to: number }> {
  // URL query: ?a=1&b=2 (also ; as some drivers split on it).
  const query = text.search(/\?/);
  if (/^[a-z][a-z0-9+.-]*:/i.test(text) && query >= 0) {
    const re = /([?&;])([^=&;#]*)=([^&;#]*)/g;
    re.lastIndex = query;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const from = m.index + 1 + (m[2] ?? '').length + 1;
      yield { name: decode(m[2] ?? ''), value: decode(m[3] ?? ''), from, to: from + (m[3] ?? '').length };
    }
  }
  // key=value strings (`host=h password='x y'`), wherever they appear.
  const kv = /(^|\s)([A-Za-z_][A-Za-z0-9_]*)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s'&?]*)/g;
  for (let m = kv.exec(text); m !== null; m = kv.exec(text)) {
    const raw = m[3] ?? '';
    const from = m.index + m[0].length - raw.length;
    yield { name: m[2] ?? '', value: raw.replace(/^'|'$/g, ''), from, to: from + raw.length };
  }
}

const parses = (url: string): boolean => {
  try {
    new URL(url.replace(ENV_REF, 'x').replace(SECRET_REF, 'x'));
    return true;
  } catch {
    return false;
  }
};

/** The names of the places in `url` where a password sits in plain text. */
export function plainSecrets(url: string): string[] {
  const found: string[] = [];
  const pw = userinfoPassword(url);
  if (pw !== undefined && pw.value !== '' && !ONLY_ENV_REF.test(pw.value)) found.push('the password after user:');
  for (const p of pairs(url)) if (secretValue(p.name, p.value)) found.push(p.name);
  return found;
}

/** The URL (or key=value string) with every plain password replaced by `***`, for messages and listings. */
export function redactUrl(url: string): string {
  const spans: { from: number; to: number }[] = [];
  const pw = userinfoPassword(url, !parses(url));
  if (pw !== undefined && pw.value !== '' && !ONLY_ENV_REF.test(pw.value)) spans.push(pw);
  for (const p of pairs(url)) if (secretValue(p.name, p.value)) spans.push(p);
  let out = url;
  for (const s of spans.sort((a, b) => b.from - a.from)) out = `${out.slice(0, s.from)}***${out.slice(s.to)}`;
  return out;
}

/** The engine a URL's scheme names, without checking the rest (for listing what is stored). */
export function engineOfUrl(url: string): Engine | undefined {
  const colon = url.indexOf(':');
  return colon > 0 ? engineOfScheme(url.slice(0, colon)) : undefined;
}

export function parseDbUrl(url: string): DbUrl {
  const colon = url.indexOf(':');
  const scheme = colon > 0 ? url.slice(0, colon).toLowerCase() : '';
  const engine = scheme === '' ? undefined : engineOfScheme(scheme);
  if (engine === undefined) {
    const detail = scheme === '' ? 'it has no scheme' : `unknown scheme '${scheme}:'`;
    throw errors.invalidUrl(redactUrl(url), plainSecrets(url).length > 0 ? `${detail} (and it carries a password in plain text)` : detail);
  }
  if (manifestOf(engine).storage === 'file') {
    let path = url.slice(colon + 1);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw errors.invalidUrl(url, `${scheme}: needs a file path, e.g. ${scheme}:app.db`);
    return { engine, url, path };
  }
  if (!url.slice(colon + 1).startsWith('//')) throw errors.invalidUrl(redactUrl(url), `expected ${scheme}://host/...`);
  const secrets = plainSecrets(url);
  if (secrets.length > 0) throw errors.plainPassword(redactUrl(url), secrets);
  let parsed: URL;
  try {
    // Placeholders are not URL-safe; stand them in with a neutral word to check the rest.
    parsed = new URL(url.replace(ENV_REF, 'x').replace(SECRET_REF, 'x'));
  } catch {
    throw errors.invalidUrl(redactUrl(url), 'it does not parse as a URL');
  }
  if (parsed.hostname === '') throw errors.invalidUrl(redactUrl(url), 'it names no host');
  return { engine, url };
}

/** The URL without query parameters that carry an account's name or password (`user`, `password`, ...). */
export function withoutAccountParams(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const end = hash < 0 ? url.length : hash;
  const kept = url
    .slice(q + 1, end)
    .split('&')
    .filter((p) => {
      const name = decode(p.split('=')[0] ?? '');
      return !(SECRET_PARAM.test(name) || /^user$/i.test(name));
    });
  return `${url.slice(0, q)}${kept.length > 0 ? `?${kept.join('&')}` : ''}${url.slice(end)}`;
}

/** Fill in `${VAR}` references from the environment, URL-encoded; a missing variable is an error. */
export function resolveUrl(url: string, dbName: string, env: NodeJS.ProcessEnv = process.env): string {
  return url.replace(ENV_REF, (_all, name: string) => {
    const value = env[name];
    if (value === undefined) throw errors.missingEnv(name, dbName);
    return url.includes('://') ? encodeURIComponent(value) : value;
  });
}
