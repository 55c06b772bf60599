/**
 * The age format (age-encryption.org/v1) through `age-encryption`, by age's author: secrets are
 * sealed to hybrid `mlkem768x25519` recipients (age1pq1...), so age 1.3+ and SOPS 3.12+ open them,
 * and key files are kept under age's scrypt passphrase encryption. Loaded on first use only.
 */
type Age = typeof import('age-encryption');
let loaded: Promise<Age> | undefined;
const age = (): Promise<Age> => (loaded ??= import('age-encryption'));

/** A new hybrid identity: `AGE-SECRET-KEY-PQ-1...`. */
export const newAgeIdentity = async (): Promise<string> => (await age()).generateHybridIdentity();

export const ageRecipientOf = async (identity: string): Promise<string> => (await age()).identityToRecipient(identity);

export const isHybridRecipient = (recipient: string): boolean => /^age1pq1[02-9ac-hj-np-z]+$/.test(recipient);

/** Encrypt to every recipient; binary age format. */
export async function sealTo(recipients: readonly string[], plaintext: Uint8Array): Promise<Uint8Array> {
  const { Encrypter } = await age();
  const e = new Encrypter();
  for (const r of recipients) e.addRecipient(r);
  return e.encrypt(plaintext);
}

/** Decrypt with one identity; undefined when the file was not sealed to it. */
export async function openWith(identity: string, file: Uint8Array): Promise<Uint8Array | undefined> {
  const { Decrypter } = await age();
  const d = new Decrypter();
  d.addIdentity(identity);
  try {
    return await d.decrypt(file);
  } catch (e) {
    if (e instanceof Error && /no identity matched/.test(e.message)) return undefined;
    throw e;
  }
}

/** The recipients' stanza types of an age file, read from its header (no key needed). */
export function stanzaTypes(file: Uint8Array): string[] {
  const head = Buffer.from(file.subarray(0, Math.min(file.length, 64 * 1024))).toString('latin1');
  return [...head.matchAll(/^-> (\S+)/gm)].map((m) => m[1] as string);
}

/** Passphrase encryption (scrypt), ASCII-armored: what `age -p -a` writes. */
export async function encryptWithPassphrase(text: string, passphrase: string, workFactor?: number): Promise<string> {
  const { Encrypter, armor } = await age();
  const e = new Encrypter();
  e.setPassphrase(passphrase);
  if (workFactor !== undefined) e.setScryptWorkFactor(workFactor);
  return armor.encode(await e.encrypt(text));
}

/** Undefined when the passphrase is wrong. */
export async function decryptWithPassphrase(armored: string, passphrase: string): Promise<string | undefined> {
  const { Decrypter, armor } = await age();
  const d = new Decrypter();
  d.addPassphrase(passphrase);
  try {
    return await d.decrypt(armor.decode(armored), 'text');
  } catch (e) {
    if (e instanceof Error && /no identity matched|incorrect|decrypt|MAC/i.test(e.message)) return undefined;
    throw e;
  }
}

export const isArmoredAge = (text: string): boolean => text.trimStart().startsWith('-----BEGIN AGE ENCRYPTED FILE-----');
