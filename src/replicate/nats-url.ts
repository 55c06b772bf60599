import { plainSecrets, redactUrl, resolveUrl } from '../adapters/url.js';
import { errors } from '../errors.js';

/**
 * `nats://[user:${VAR}@]host:port/<stream>`: a JetStream stream as a replication source or target.
 * Not a database, so not an engine: ops/replicate.ts tells it apart before a database URL is parsed.
 */

export interface NatsAddress {
  /** As given (`${VAR}` kept), for records and the target's position table. */
  readonly url: string;
  /** For messages: passwords hidden. */
  readonly name: string;
  /** `host:port`, for the client. */
  readonly server: string;
  readonly user?: string | undefined;
  readonly pass?: string | undefined;
  readonly stream: string;
}

/** Stream names are subject tokens too (`<stream>.<schema>.<table>`): no dots, wildcards or spaces. */
const STREAM = /^[A-Za-z0-9_-]{1,64}$/;

export const isNatsUrl = (text: string): boolean => /^nats:\/\//i.test(text);

export function parseNatsUrl(url: string, env: NodeJS.ProcessEnv = process.env): NatsAddress {
  const name = redactUrl(url);
  if (plainSecrets(url).length > 0) throw errors.plainPassword(name, plainSecrets(url));
  let parsed: URL;
  try {
    parsed = new URL(resolveUrl(url, name, env));
  } catch {
    throw errors.invalidUrl(name, 'it does not parse as a URL');
  }
  if (parsed.hostname === '') throw errors.invalidUrl(name, 'it names no host');
  const stream = decodeURIComponent(parsed.pathname.replace(/^\/+|\/+$/g, ''));
  if (stream === '') throw errors.invalidUrl(name, 'it names no stream: nats://host:port/<stream>');
  if (!STREAM.test(stream)) throw errors.invalidUrl(name, `'${stream}' is no stream name: letters, digits, _ and - only`);
  return {
    url,
    name,
    server: `${parsed.hostname}:${parsed.port === '' ? '4222' : parsed.port}`,
    user: parsed.username === '' ? undefined : decodeURIComponent(parsed.username),
    pass: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
    stream,
  };
}
