import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ageRecipientOf, isHybridRecipient, newAgeIdentity } from './age.js';
import { base58Decode, base58Encode } from './base58.js';
import { ed25519PublicFromSeed, ed25519Sign, ed25519Verify } from './ed25519.js';
import { ML_DSA65_PUBLIC_KEY_BYTES, mlDsaKeyPair, mlDsaSign, mlDsaVerify, type MlDsaContext } from './ml-dsa.js';
import { parseSshPublicKeyLine, sshPublicKeyLine } from './sshsig.js';

/**
 * A person's (or a machine's) identity: Ed25519 and ML-DSA-65 for signing, a hybrid ML-KEM-768 +
 * X25519 age identity for receiving secrets.
 *
 * The id is the Ed25519 key as a did:key (multicodec 0xed01, multibase base58btc), as Radicle
 * names peers: short enough to read out and paste, stable, and self-certifying. The other public
 * keys travel in an identity *card* that both signing keys sign, so a card cannot pair someone's
 * id with another person's post-quantum key.
 */
export interface SecretKeys {
  readonly ed25519: Uint8Array;
  readonly mldsa65: Uint8Array;
  /** `AGE-SECRET-KEY-PQ-1...` */
  readonly age: string;
}

export const HybridSignature = z.object({ ed25519: z.string().min(1), mldsa65: z.string().min(1) }).strict();
export type HybridSignature = z.infer<typeof HybridSignature>;

export const IdentityCard = z
  .object({
    version: z.literal(1),
    id: z.string().regex(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$/, 'a did:key id (did:key:z6Mk...)'),
    ssh: z.string().startsWith('ssh-ed25519 '),
    mldsa65: z.string().min(1),
    recipient: z.string().refine(isHybridRecipient, 'an age1pq1... recipient'),
    signature: HybridSignature,
  })
  .strict();
export type IdentityCard = z.infer<typeof IdentityCard>;

const ED25519_MULTICODEC = Uint8Array.of(0xed, 0x01);

export const didKeyOf = (ed25519Public: Uint8Array): string => `did:key:z${base58Encode(Uint8Array.from([...ED25519_MULTICODEC, ...ed25519Public]))}`;

/** The Ed25519 key a did:key names; undefined for anything else. */
export function ed25519OfDidKey(id: string): Uint8Array | undefined {
  if (!id.startsWith('did:key:z')) return undefined;
  const bytes = base58Decode(id.slice('did:key:z'.length));
  if (bytes?.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) return undefined;
  return bytes.subarray(2);
}

export const isDidKey = (id: string): boolean => ed25519OfDidKey(id) !== undefined;

/** A short form for listings: the last 8 characters, as ssh shows fingerprints' tails. */
export const shortIdOf = (id: string): string => `…${id.slice(-8)}`;

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const unb64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

export async function newSecretKeys(): Promise<SecretKeys> {
  return { ed25519: new Uint8Array(randomBytes(32)), mldsa65: new Uint8Array(randomBytes(32)), age: await newAgeIdentity() };
}

/** What a card's signatures cover: every public part, in a fixed text form. */
const cardPayload = (c: Pick<IdentityCard, 'id' | 'ssh' | 'mldsa65' | 'recipient'>): Uint8Array =>
  new TextEncoder().encode(`redb identity v1\nid ${c.id}\nssh ${c.ssh}\nmldsa65 ${c.mldsa65}\nrecipient ${c.recipient}\n`);

/** Sign with both keys; a hybrid signature holds only if both parts do. */
export async function hybridSign(keys: SecretKeys, payload: Uint8Array, use: MlDsaContext): Promise<HybridSignature> {
  const { secretKey } = await mlDsaKeyPair(keys.mldsa65);
  // Ed25519 signs the use too, so its half is as domain-separated as ML-DSA's context makes the other.
  const ed = ed25519Sign(keys.ed25519, Uint8Array.from([...new TextEncoder().encode(`${use}\n`), ...payload]));
  return { ed25519: b64(ed), mldsa65: b64(await mlDsaSign(secretKey, payload, use)) };
}

/** Undefined when both halves hold; otherwise why not. */
export async function hybridVerify(
  card: Pick<IdentityCard, 'id' | 'mldsa65'>,
  payload: Uint8Array,
  sig: HybridSignature,
  use: MlDsaContext,
): Promise<string | undefined> {
  const ed = ed25519OfDidKey(card.id);
  if (ed === undefined) return `'${card.id}' is not a did:key id`;
  if (!ed25519Verify(ed, Uint8Array.from([...new TextEncoder().encode(`${use}\n`), ...payload]), unb64(sig.ed25519)))
    return 'the Ed25519 signature does not match';
  if (!(await mlDsaVerify(unb64(card.mldsa65), payload, unb64(sig.mldsa65), use))) return 'the ML-DSA-65 signature does not match';
  return undefined;
}

export async function cardOf(keys: SecretKeys): Promise<IdentityCard> {
  const ed = ed25519PublicFromSeed(keys.ed25519);
  const id = didKeyOf(ed);
  const publicParts = { id, ssh: sshPublicKeyLine(ed), mldsa65: b64((await mlDsaKeyPair(keys.mldsa65)).publicKey), recipient: await ageRecipientOf(keys.age) };
  return { version: 1, ...publicParts, signature: await hybridSign(keys, cardPayload(publicParts), 'redb/identity') };
}

/** Undefined when the card is whole and self-consistent; otherwise why not. */
export async function checkCard(card: IdentityCard): Promise<string | undefined> {
  const ed = ed25519OfDidKey(card.id);
  if (ed === undefined) return `'${card.id}' is not a did:key id`;
  const sshKey = parseSshPublicKeyLine(card.ssh);
  if (sshKey === undefined || Buffer.compare(Buffer.from(sshKey), Buffer.from(ed)) !== 0) return 'its ssh key is not the key its id names';
  if (unb64(card.mldsa65).length !== ML_DSA65_PUBLIC_KEY_BYTES) return 'its ML-DSA-65 key has the wrong length';
  const bad = await hybridVerify(card, cardPayload(card), card.signature, 'redb/identity');
  return bad === undefined ? undefined : `its self-signature does not hold (${bad})`;
}

/** The ML-DSA-65 public key of a card, as bytes. */
export const mlDsaPublicOf = (card: Pick<IdentityCard, 'mldsa65'>): Uint8Array => unb64(card.mldsa65);

export { b64, unb64 };
