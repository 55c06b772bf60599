import { createHash } from 'node:crypto';
import { ed25519Sign, ed25519Verify } from './ed25519.js';

/**
 * OpenSSH's signature format (PROTOCOL.sshsig), Ed25519 only: what `git commit -S` writes with
 * gpg.format=ssh and what `ssh-keygen -Y verify` checks. Namespace `git` for commits and tags.
 */
const MAGIC = Buffer.from('SSHSIG');
const KEY_TYPE = 'ssh-ed25519';
const HASH = 'sha512';
const BEGIN = '-----BEGIN SSH SIGNATURE-----';
const END = '-----END SSH SIGNATURE-----';

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const sshString = (data: Uint8Array | string): Buffer => {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  return Buffer.concat([u32(bytes.length), bytes]);
};

/** The SSH wire encoding of an Ed25519 public key. */
export const sshPublicKeyBlob = (publicKey: Uint8Array): Buffer => Buffer.concat([sshString(KEY_TYPE), sshString(publicKey)]);

/** `ssh-ed25519 AAAA... comment`, as in authorized_keys and git's allowed-signers file. */
export const sshPublicKeyLine = (publicKey: Uint8Array, comment?: string): string =>
  `${KEY_TYPE} ${sshPublicKeyBlob(publicKey).toString('base64')}${comment === undefined ? '' : ` ${comment}`}`;

/** The Ed25519 key of an `ssh-ed25519 AAAA...` line; undefined for anything else. */
export function parseSshPublicKeyLine(line: string): Uint8Array | undefined {
  const [type, b64] = line.trim().split(/\s+/);
  if (type !== KEY_TYPE || b64 === undefined) return undefined;
  const r = reader(Buffer.from(b64, 'base64'));
  const t = r.string()?.toString('utf8');
  const key = r.string();
  return t === KEY_TYPE && key?.length === 32 && r.done() ? new Uint8Array(key) : undefined;
}

function reader(buf: Buffer) {
  let at = 0;
  return {
    bytes(n: number): Buffer | undefined {
      if (at + n > buf.length) return undefined;
      const out = buf.subarray(at, at + n);
      at += n;
      return out;
    },
    u32(): number | undefined {
      const b = this.bytes(4);
      return b === undefined ? undefined : b.readUInt32BE();
    },
    string(): Buffer | undefined {
      const n = this.u32();
      return n === undefined ? undefined : this.bytes(n);
    },
    done: () => at === buf.length,
  };
}

const signedData = (namespace: string, message: Uint8Array): Buffer =>
  Buffer.concat([MAGIC, sshString(namespace), sshString(''), sshString(HASH), sshString(createHash('sha512').update(message).digest())]);

/** An armored SSH signature of `message`, as `ssh-keygen -Y sign -n <namespace>` makes it. */
export function sshSign(seed: Uint8Array, publicKey: Uint8Array, message: Uint8Array, namespace = 'git'): string {
  const sig = ed25519Sign(seed, signedData(namespace, message));
  const blob = Buffer.concat([
    MAGIC,
    u32(1),
    sshString(sshPublicKeyBlob(publicKey)),
    sshString(namespace),
    sshString(''),
    sshString(HASH),
    sshString(Buffer.concat([sshString(KEY_TYPE), sshString(sig)])),
  ]);
  const b64 = blob.toString('base64');
  const lines = b64.match(/.{1,70}/g) ?? [];
  return `${BEGIN}\n${lines.join('\n')}\n${END}\n`;
}

export type SshVerification =
  | { readonly ok: true; readonly publicKey: Uint8Array }
  | { readonly ok: false; readonly publicKey?: Uint8Array; readonly reason: string };

/** Check an armored SSH signature over `message`; says which Ed25519 key made it. */
export function sshVerify(armored: string, message: Uint8Array, namespace = 'git'): SshVerification {
  const text = armored.trim();
  if (!text.startsWith(BEGIN) || !text.endsWith(END)) return { ok: false, reason: 'not an SSH signature' };
  const blob = Buffer.from(text.slice(BEGIN.length, -END.length).replace(/\s+/g, ''), 'base64');
  const r = reader(blob);
  const magic = r.bytes(6);
  if (magic === undefined || !magic.equals(MAGIC) || r.u32() !== 1) return { ok: false, reason: 'not an SSHSIG version 1 signature' };
  const keyBlob = r.string();
  const ns = r.string()?.toString('utf8');
  r.string();
  const hash = r.string()?.toString('utf8');
  const sigBlob = r.string();
  if (keyBlob === undefined || sigBlob === undefined || !r.done()) return { ok: false, reason: 'truncated SSH signature' };
  const k = reader(keyBlob);
  const keyType = k.string()?.toString('utf8');
  const publicKey = k.string();
  if (keyType !== KEY_TYPE || publicKey?.length !== 32) return { ok: false, reason: `signed with a ${keyType ?? 'unknown'} key; redb checks ssh-ed25519 keys` };
  const key = new Uint8Array(publicKey);
  if (ns !== namespace) return { ok: false, publicKey: key, reason: `signature namespace '${ns ?? ''}' is not '${namespace}'` };
  if (hash !== 'sha512' && hash !== 'sha256') return { ok: false, publicKey: key, reason: `unknown hash ${hash ?? ''}` };
  const s = reader(sigBlob);
  const sigType = s.string()?.toString('utf8');
  const sig = s.string();
  if (sigType !== KEY_TYPE || sig === undefined) return { ok: false, publicKey: key, reason: 'malformed Ed25519 signature' };
  const data = Buffer.concat([MAGIC, sshString(namespace), sshString(''), sshString(hash), sshString(createHash(hash).update(message).digest())]);
  return ed25519Verify(key, data, sig)
    ? { ok: true, publicKey: key }
    : { ok: false, publicKey: key, reason: 'the Ed25519 signature does not match the content' };
}
