import git from 'isomorphic-git';
import { errors } from '../errors.js';
import { resolveCommit, writeRef, type Store } from '../repo/index.js';
import { writeTagObject } from '../repo/signed-objects.js';
import { author } from './commit.js';
import { findStore, type OpContext } from './find-store.js';
import type { ObjectSigner } from '../crypto/object-signer.js';
import { signatureVerifier, type KeyContext, type VerifyResult } from './signatures.js';

/** An annotated tag (`tag -m`), signed the hybrid way with `-s` or when commit.sign is on. */
export async function annotatedTag(
  store: Store,
  ctx: KeyContext & { name: string; ref?: string; message?: string },
  signer: ObjectSigner | undefined,
): Promise<{ name: string; id: string; tag: string; signed: boolean }> {
  const id = await resolveCommit(store, ctx.ref ?? 'HEAD');
  const tag = await writeTagObject(
    store,
    { object: id, name: ctx.name, message: ctx.message ?? ctx.name, tagger: await author(store, ctx.env ?? process.env) },
    signer,
  );
  await writeRef(store, `refs/tags/${ctx.name}`, tag);
  return { name: ctx.name, id, tag, signed: signer !== undefined };
}

/** `redb verify-tag <name>`: the tag object's own signature (a lightweight tag has none). */
export async function verifyTag(ctx: OpContext & { name: string }): Promise<VerifyResult> {
  const store = findStore(ctx);
  let oid: string;
  try {
    oid = await git.resolveRef({ fs: store.fs, gitdir: store.gitdir, ref: `refs/tags/${ctx.name}` });
  } catch {
    throw errors.refNotFound(ctx.name);
  }
  const verifier = await signatureVerifier(store, ctx.env ?? process.env);
  const check = await verifier.check(oid);
  await verifier.done();
  return { id: oid, ...check };
}
