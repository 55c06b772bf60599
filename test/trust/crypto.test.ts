import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mlDsaKeyPair, mlDsaSign, mlDsaVerify } from '../../src/crypto/ml-dsa.js';
import { ed25519PublicFromSeed } from '../../src/crypto/ed25519.js';
import { cardOf, checkCard, didKeyOf, ed25519OfDidKey, newSecretKeys } from '../../src/crypto/identity.js';
import { base58Decode, base58Encode } from '../../src/crypto/base58.js';
import { sshPublicKeyLine, sshSign, sshVerify } from '../../src/crypto/sshsig.js';

const seed = (byte: number) => new Uint8Array(32).fill(byte);
const text = (s: string) => new TextEncoder().encode(s);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('ML-DSA-65 through the pinned @noble/post-quantum', () => {
  it('derives the same key pair from a seed as the FIPS 204 reference (key sizes and a pinned digest)', async () => {
    const { publicKey, secretKey } = await mlDsaKeyPair(seed(7));
    expect(publicKey.length).toBe(1952);
    expect(secretKey.length).toBe(4032);
    // Pinned: a library update that changes key derivation (or argument order) changes this digest.
    expect(sha256(publicKey)).toBe(KEYGEN_DIGEST);
  });

  it('verifies what it signed, and nothing else: other message, other key, other use, flipped bit', async () => {
    const a = await mlDsaKeyPair(seed(1));
    const b = await mlDsaKeyPair(seed(2));
    const msg = text('tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n');
    const sig = await mlDsaSign(a.secretKey, msg, 'redb/object');
    expect(sig.length).toBe(3309);
    expect(await mlDsaVerify(a.publicKey, msg, sig, 'redb/object')).toBe(true);
    expect(await mlDsaVerify(a.publicKey, text('tree 0000\n'), sig, 'redb/object')).toBe(false);
    expect(await mlDsaVerify(b.publicKey, msg, sig, 'redb/object')).toBe(false);
    expect(await mlDsaVerify(a.publicKey, msg, sig, 'redb/trust')).toBe(false);
    const flipped = Uint8Array.from(sig);
    flipped[100] = (flipped[100] as number) ^ 1;
    expect(await mlDsaVerify(a.publicKey, msg, flipped, 'redb/object')).toBe(false);
    expect(await mlDsaVerify(a.publicKey, msg, sig.subarray(1), 'redb/object')).toBe(false);
  });
});

describe('identities', () => {
  it('names an Ed25519 key as a did:key and reads it back', () => {
    const pub = ed25519PublicFromSeed(seed(3));
    const id = didKeyOf(pub);
    expect(id).toMatch(/^did:key:z6Mk/);
    expect(Buffer.from(ed25519OfDidKey(id) as Uint8Array).equals(Buffer.from(pub))).toBe(true);
    expect(ed25519OfDidKey('did:key:z6Mk0OIl')).toBeUndefined();
    expect(base58Decode(base58Encode(Uint8Array.of(0, 0, 1, 2, 255)))).toEqual(Uint8Array.of(0, 0, 1, 2, 255));
  });

  it('makes a card both keys sign, and refuses one whose post-quantum key was swapped', async () => {
    const [alice, mallory] = [await cardOf(await newSecretKeys()), await cardOf(await newSecretKeys())];
    expect(await checkCard(alice)).toBeUndefined();
    expect(await checkCard({ ...alice, mldsa65: mallory.mldsa65 })).toMatch(/self-signature/);
    expect(await checkCard({ ...alice, recipient: mallory.recipient })).toMatch(/self-signature/);
    expect(await checkCard({ ...alice, ssh: mallory.ssh })).toMatch(/ssh key/);
  });
});

describe('SSH signatures, checked against OpenSSH itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redb-sshsig-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ssh-keygen -Y verify accepts what redb signs, and redb accepts what ssh-keygen signs', () => {
    const pub = ed25519PublicFromSeed(seed(9));
    const message = text('payload as git passes it\n');
    writeFileSync(join(dir, 'msg'), message);
    writeFileSync(join(dir, 'allowed'), `ada namespaces="git" ${sshPublicKeyLine(pub)}\n`);
    writeFileSync(join(dir, 'sig'), sshSign(seed(9), pub, message, 'git'));
    const check = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', join(dir, 'allowed'), '-I', 'ada', '-n', 'git', '-s', join(dir, 'sig')], { input: message });
    expect(check.status, String(check.stderr)).toBe(0);
    const tampered = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', join(dir, 'allowed'), '-I', 'ada', '-n', 'git', '-s', join(dir, 'sig')], {
      input: text('payload as git passes it!\n'),
    });
    expect(tampered.status).not.toBe(0);

    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
    const signed = spawnSync('ssh-keygen', ['-Y', 'sign', '-f', join(dir, 'key'), '-n', 'git'], { input: message });
    expect(signed.status, String(signed.stderr)).toBe(0);
    const armored = String(signed.stdout);
    expect(sshVerify(armored, message, 'git').ok).toBe(true);
    expect(sshVerify(armored, text('other'), 'git').ok).toBe(false);
    expect(sshVerify(armored, message, 'file').ok).toBe(false);
  });
});

// sha256 of the ML-DSA-65 public key from seed 0x07 × 32, as @noble/post-quantum 0.7.1 derives it (FIPS 204 keygen is deterministic).
const KEYGEN_DIGEST = 'd3a1e51ecf491b79ca7691bd269271f8d8e8d94313a6abcc6c8ae8bc34b5f9aa';
