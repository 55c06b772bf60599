import git from 'isomorphic-git';
import { z } from 'zod';
import { errors } from '../errors.js';
import type { ObjectSigner } from '../crypto/object-signer.js';
import type { Store } from './paths.js';
import { writeCommitObject } from './signed-objects.js';

/**
 * Sealed secrets live in the repository on `refs/redb/secrets`: each commit's tree holds one age
 * file per secret (`<name>.age`, binary age format, mlkem768x25519 recipients) and `secrets.json`,
 * which says to whom and under which trust revision each was sealed. Every commit there is signed
 * (hybrid), so a secret is only used when a trusted identity put it there. Only ciphertext is ever
 * written: `git --git-dir .redb show refs/redb/secrets:<name>.age | age -d -i key` opens one.
 */
export const SECRETS_REF = 'refs/redb/secrets';
export const SECRET_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const MANIFEST = 'secrets.json';

export const SecretManifest = z
  .object({
    version: z.literal(1),
    secrets: z.record(
      z.string().regex(SECRET_NAME),
      z
        .object({
          /** did:key ids of the identities it is sealed to. */
          recipients: z.array(z.string()).min(1),
          /** The trust revision whose members those were; null when there was no trust document. */
          trust: z.string().nullable(),
          updated: z.string(),
          by: z.string(),
        })
        .strict(),
    ),
  })
  .strict();
export type SecretManifest = z.infer<typeof SecretManifest>;

export interface SecretSet {
  readonly head?: string | undefined;
  readonly manifest: SecretManifest;
  /** name → blob id of its age file. */
  readonly files: ReadonlyMap<string, string>;
}

export async function readSecretSet(store: Store): Promise<SecretSet> {
  const { fs, gitdir } = store;
  let head: string;
  try {
    head = await git.resolveRef({ fs, gitdir, ref: SECRETS_REF });
  } catch {
    return { manifest: { version: 1, secrets: {} }, files: new Map() };
  }
  const fail = (detail: string) => errors.corruptObject(`${SECRETS_REF} (${head.slice(0, 7)})`, detail);
  const { commit } = await git.readCommit({ fs, gitdir, oid: head });
  const { tree } = await git.readTree({ fs, gitdir, oid: commit.tree });
  const files = new Map<string, string>();
  let manifest: SecretManifest | undefined;
  for (const entry of tree) {
    if (entry.path === MANIFEST) {
      const { blob } = await git.readBlob({ fs, gitdir, oid: entry.oid });
      let raw: unknown;
      try {
        raw = JSON.parse(Buffer.from(blob).toString('utf8'));
      } catch {
        throw fail(`${MANIFEST} is not JSON`);
      }
      const parsed = SecretManifest.safeParse(raw);
      if (!parsed.success) throw fail(`${MANIFEST}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      manifest = parsed.data;
    } else if (entry.path.endsWith('.age')) {
      files.set(entry.path.slice(0, -4), entry.oid);
    }
  }
  if (manifest === undefined) throw fail(`it has no ${MANIFEST}`);
  for (const name of Object.keys(manifest.secrets)) if (!files.has(name)) throw fail(`${name}.age is missing`);
  return { head, manifest, files };
}

export async function readSealed(store: Store, oid: string): Promise<Uint8Array> {
  return (await git.readBlob({ fs: store.fs, gitdir: store.gitdir, oid })).blob;
}

/** Write the next state of the secrets as one signed commit and move the ref to it. */
export async function writeSecretSet(
  store: Store,
  next: {
    manifest: SecretManifest;
    files: ReadonlyMap<string, string | Uint8Array>;
    parent: string | undefined;
    message: string;
    author: { name: string; email: string };
  },
  signer: ObjectSigner,
): Promise<string> {
  const { fs, gitdir } = store;
  const entries: { mode: string; path: string; oid: string; type: 'blob' }[] = [];
  for (const [name, content] of next.files) {
    const oid = typeof content === 'string' ? content : await git.writeBlob({ fs, gitdir, blob: content });
    entries.push({ mode: '100644', path: `${name}.age`, oid, type: 'blob' });
  }
  entries.push({
    mode: '100644',
    path: MANIFEST,
    oid: await git.writeBlob({ fs, gitdir, blob: Buffer.from(`${JSON.stringify(next.manifest, null, 2)}\n`) }),
    type: 'blob',
  });
  entries.sort((a, b) => (a.path < b.path ? -1 : 1));
  const tree = await git.writeTree({ fs, gitdir, tree: entries });
  return writeCommitObject(
    store,
    { tree, parents: next.parent === undefined ? [] : [next.parent], message: next.message, author: next.author, ref: SECRETS_REF },
    signer,
  );
}
