import { errors } from '../errors.js';
import type { Engine } from '../unified/model.js';

/** A parsed database URL. `url` may still hold `${VAR}` references; `resolveUrl` fills them in. */
export interface DbUrl {
  readonly engine: Engine;
  readonly url: string;
  /** For file engines, the path as written (relative paths are relative to the project). */
  readonly path?: string;
}

const SCHEMES: Readonly<Record<string, Engine>> = {
  sqlite: 'sqlite',
  duckdb: 'duckdb',
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  mongodb: 'mongodb',
  'mongodb+srv': 'mongodb',
};

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
/** A sealed secret, `${secret:name}`: stands where `${VAR}` may, filled in by ops before resolveUrl. */
const SECRET_REF = /\$\{secret:[A-Za-z][A-Za-z0-9_-]{0,63}\}/g;
const ONLY_ENV_REF = /^\$\{(?:[A-Za-z_][A-Za-z0-9_]*|secret:[A-Za-z][A-Za-z0-9_-]{0,63})\}$/;

/** The URL with any plain password replaced by `***`, for messages and listings. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:/@]*):([^@/]*)@/i, (all, head: string, password: string) =>
    ONLY_ENV_REF.test(password) ? all : `${head}:***@`,
  );
}

export function parseDbUrl(url: string): DbUrl {
  const colon = url.indexOf(':');
  const scheme = colon > 0 ? url.slice(0, colon).toLowerCase() : '';
  const engine = SCHEMES[scheme];
  if (engine === undefined) {
    throw errors.invalidUrl(redactUrl(url), scheme === '' ? 'it has no scheme' : `unknown scheme '${scheme}:'`);
  }
  if (engine === 'sqlite' || engine === 'duckdb') {
    let path = url.slice(colon + 1);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw errors.invalidUrl(url, `${scheme}: needs a file path, e.g. ${scheme}:app.db`);
    return { engine, url, path };
  }
  if (!url.slice(colon + 1).startsWith('//')) throw errors.invalidUrl(redactUrl(url), `expected ${scheme}://host/...`);
  const userinfo = /^[a-z+]+:\/\/([^/@]*)@/i.exec(url)?.[1];
  const password = userinfo !== undefined && userinfo.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : undefined;
  if (password !== undefined && password !== '' && !ONLY_ENV_REF.test(password)) throw errors.plainPassword(redactUrl(url));
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

/** Fill in `${VAR}` references from the environment, URL-encoded; a missing variable is an error. */
export function resolveUrl(url: string, dbName: string, env: NodeJS.ProcessEnv = process.env): string {
  return url.replace(ENV_REF, (_all, name: string) => {
    const value = env[name];
    if (value === undefined) throw errors.missingEnv(name, dbName);
    return url.includes('://') ? encodeURIComponent(value) : value;
  });
}
