import * as nodeFs from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { errors } from '../errors.js';
import { decryptWithPassphrase, encryptWithPassphrase, isArmoredAge } from './age.js';
import { ed25519PublicFromSeed } from './ed25519.js';
import { b64, cardOf, checkCard, didKeyOf, IdentityCard, newSecretKeys, unb64, type SecretKeys } from './identity.js';

/**
 * Where this user's keys live: outside every repository, in the user's config folder
 * ($REDB_CONFIG_HOME, else $XDG_CONFIG_HOME/redb, else ~/.config/redb), as ssh keeps ~/.ssh:
 * `identity` holds the private keys (owner-only, refused otherwise, optionally under a passphrase
 * with age's scrypt encryption) and `identity.pub.json` the public card, so showing the id never
 * asks for the passphrase.
 */
export interface KeyOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly fs?: typeof nodeFs;
  /** Asks a person for a passphrase (no echo); absent where nobody can be asked. The core never prompts by itself. */
  readonly prompt?: (question: string) => Promise<string>;
}

export interface Identity {
  readonly card: IdentityCard;
  readonly keys: SecretKeys;
}

const KeyFile = z
  .object({ version: z.literal(1), ed25519: z.string().length(44), mldsa65: z.string().length(44), age: z.string().startsWith('AGE-SECRET-KEY-PQ-1') })
  .strict();

export function configHome(env: NodeJS.ProcessEnv): string {
  if (env.REDB_CONFIG_HOME !== undefined && env.REDB_CONFIG_HOME !== '') return env.REDB_CONFIG_HOME;
  if (env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '') return join(env.XDG_CONFIG_HOME, 'redb');
  return join(homedir(), '.config', 'redb');
}

export const keyPaths = (env: NodeJS.ProcessEnv) => {
  const dir = configHome(env);
  return { dir, secret: join(dir, 'identity'), card: join(dir, 'identity.pub.json') };
};

/** ssh's rule: a private key others can read, or someone else owns, is not used. */
function checkPrivate(fs: typeof nodeFs, file: string): void {
  if (process.platform === 'win32') return;
  const st = fs.statSync(file);
  if ((st.mode & 0o077) !== 0) throw errors.keyPermissions(file, `0${(st.mode & 0o777).toString(8)}`);
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) throw errors.keyPermissions(file, `owned by uid ${st.uid}`);
}

/** This user's public card, without unlocking anything; undefined before the identity exists. */
export function readCard(opts: KeyOptions): IdentityCard | undefined {
  const fs = opts.fs ?? nodeFs;
  const { card } = keyPaths(opts.env);
  let text: string;
  try {
    text = fs.readFileSync(card, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = (() => {
    try {
      return IdentityCard.safeParse(JSON.parse(text));
    } catch {
      return undefined;
    }
  })();
  if (parsed?.success !== true) throw errors.keyFileInvalid(card, 'not an identity card');
  return parsed.data;
}

function serialize(keys: SecretKeys): string {
  return `${JSON.stringify({ version: 1, ed25519: b64(keys.ed25519), mldsa65: b64(keys.mldsa65), age: keys.age })}\n`;
}

/** Write a file whole, with `mode`, never over an existing one; false when one was there first. */
function writeNew(fs: typeof nodeFs, file: string, text: string, mode: number): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    fs.unlinkSync(tmp);
  }
}

async function newPassphrase(opts: KeyOptions): Promise<string> {
  if (opts.env.REDB_PASSPHRASE !== undefined) return opts.env.REDB_PASSPHRASE;
  if (opts.prompt === undefined) return '';
  const first = await opts.prompt('Passphrase for the new key (empty for none): ');
  if (first === '') return '';
  const again = await opts.prompt('Same passphrase again: ');
  if (again !== first) throw errors.usage('the passphrases do not match; no key was created', 'run the command again');
  return first;
}

/** Create this user's identity if there is none yet; returns it unlocked. */
async function create(opts: KeyOptions): Promise<Identity & { created: boolean }> {
  const fs = opts.fs ?? nodeFs;
  const paths = keyPaths(opts.env);
  const passphrase = await newPassphrase(opts);
  const keys = await newSecretKeys();
  const card = await cardOf(keys);
  fs.mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const secret = passphrase === '' ? serialize(keys) : await encryptWithPassphrase(serialize(keys), passphrase);
  if (!writeNew(fs, paths.secret, secret, 0o600)) return { ...(await unlock(opts)), created: false };
  fs.writeFileSync(paths.card, `${JSON.stringify(card, null, 2)}\n`, { mode: 0o644 });
  return { card, keys, created: true };
}

async function unlock(opts: KeyOptions): Promise<Identity> {
  const fs = opts.fs ?? nodeFs;
  const paths = keyPaths(opts.env);
  checkPrivate(fs, paths.secret);
  let text = fs.readFileSync(paths.secret, 'utf8');
  if (isArmoredAge(text)) {
    const passphrase = opts.env.REDB_PASSPHRASE ?? (opts.prompt === undefined ? undefined : await opts.prompt(`Passphrase for ${paths.secret}: `));
    if (passphrase === undefined) throw errors.passphraseRequired(paths.secret);
    const plain = await decryptWithPassphrase(text, passphrase);
    if (plain === undefined) throw errors.wrongPassphrase(paths.secret);
    text = plain;
  }
  const parsed = (() => {
    try {
      return KeyFile.safeParse(JSON.parse(text));
    } catch {
      return undefined;
    }
  })();
  if (parsed?.success !== true) throw errors.keyFileInvalid(paths.secret, 'not a redb key file');
  const keys: SecretKeys = { ed25519: unb64(parsed.data.ed25519), mldsa65: unb64(parsed.data.mldsa65), age: parsed.data.age };
  // The card beside the key is this user's own (same folder, same owner): when it names this key,
  // it is used as it is, which spares loading age and a second ML-DSA signature on every unlock.
  const stored = readCardQuietly(opts);
  if (stored?.id === didKeyOf(ed25519PublicFromSeed(keys.ed25519))) return { card: stored, keys };
  // Missing or stale: derived again from the keys and rewritten.
  const card = await cardOf(keys);
  fs.writeFileSync(paths.card, `${JSON.stringify(card, null, 2)}\n`, { mode: 0o644 });
  return { card, keys };
}

function readCardQuietly(opts: KeyOptions): IdentityCard | undefined {
  try {
    return readCard(opts);
  } catch {
    return undefined;
  }
}

/** This user's identity, unlocked; created on first use when `create` is set, REDB_IDENTITY_MISSING otherwise. */
export async function loadIdentity(opts: KeyOptions & { create?: boolean }): Promise<Identity & { created: boolean }> {
  const fs = opts.fs ?? nodeFs;
  const paths = keyPaths(opts.env);
  if (!fs.existsSync(paths.secret)) {
    if (fs.existsSync(paths.card)) throw errors.identityMissing(paths.secret, 'its public card is there but the private key file is gone');
    if (opts.create !== true) throw errors.identityMissing(paths.dir, 'this user has no identity yet');
    return create(opts);
  }
  return { ...(await unlock(opts)), created: false };
}

/** The public card, creating the identity on first use (unlocking only when the card must be rebuilt). */
export async function ensureCard(opts: KeyOptions): Promise<{ card: IdentityCard; created: boolean; file: string }> {
  const fs = opts.fs ?? nodeFs;
  const paths = keyPaths(opts.env);
  if (fs.existsSync(paths.secret)) {
    checkPrivate(fs, paths.secret);
    const card = readCardQuietly(opts);
    if (card !== undefined && (await checkCard(card)) === undefined) return { card, created: false, file: paths.secret };
  }
  const { card, created } = await loadIdentity({ ...opts, create: true });
  return { card, created, file: paths.secret };
}

/** Whether the key file is under a passphrase. */
export function isProtected(opts: KeyOptions): boolean {
  const fs = opts.fs ?? nodeFs;
  try {
    return isArmoredAge(fs.readFileSync(keyPaths(opts.env).secret, 'utf8'));
  } catch {
    return false;
  }
}
