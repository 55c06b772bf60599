import { gitLib } from './git-lib.js';
import { errors } from '../errors.js';
import type { ObjectSigner } from '../crypto/object-signer.js';
import type { Store } from './paths.js';
import { gitFs } from './git-fs.js';

/**
 * Commits and tags signed the hybrid way, written byte for byte here (isomorphic-git's onSign
 * cannot add a second header):
 *
 *   tree ... / parent ... / author ... / committer ...
 *   redb-sig-mldsa65 <did:key of the signer>          ML-DSA-65 over the object without either signature
 *    <base64, 76 a line>
 *   gpgsig -----BEGIN SSH SIGNATURE-----              SSHSIG (namespace git) over the object without gpgsig,
 *    ...                                               so the ML-DSA header is inside what git verifies
 *
 * Tags carry the same ML-DSA header after `tagger` (git fsck ignores extra tag headers, as it does
 * for gpgsig-sha256) and the SSH signature appended to the message, where git puts it.
 */
export const MLDSA_HEADER = 'redb-sig-mldsa65';

export interface Person {
  readonly name: string;
  readonly email: string;
  readonly timestamp?: number;
  /** Minutes, as JavaScript's getTimezoneOffset (positive west of UTC). */
  readonly timezoneOffset?: number;
}

function ident(p: Person): string {
  const timestamp = p.timestamp ?? Math.floor(Date.now() / 1000);
  const offset = p.timezoneOffset ?? new Date(timestamp * 1000).getTimezoneOffset();
  const east = -offset;
  const abs = Math.abs(east);
  const tz = `${east < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  return `${p.name} <${p.email}> ${timestamp} ${tz}`;
}

/** Git's message normalisation (as isomorphic-git writes commits): no CR, no leading blank lines, one final newline. */
const normalize = (message: string): string => `${message.replace(/\r/g, '').replace(/^\n+/, '').replace(/\n+$/, '')}\n`;

const indent = (text: string): string =>
  text
    .trim()
    .split('\n')
    .map((l) => ` ${l}`)
    .join('\n');

const mlDsaHeader = (id: string, signature: string): string => `${MLDSA_HEADER} ${id}\n${indent((signature.match(/.{1,76}/g) ?? []).join('\n'))}\n`;

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The whole signed text: the ML-DSA header inserted, then the SSH signature over the result. */
async function hybrid(headers: string, body: string, signer: ObjectSigner, kind: 'commit' | 'tag'): Promise<string> {
  const mlDsa = await signer.mlDsa(enc(`${headers}\n${body}`));
  const withMlDsa = `${headers}${mlDsaHeader(signer.id, mlDsa)}`;
  const ssh = signer.ssh(enc(`${withMlDsa}\n${body}`));
  return kind === 'commit' ? `${withMlDsa}gpgsig${indent(ssh)}\n\n${body}` : `${withMlDsa}\n${body}${ssh}`;
}

export interface CommitFields {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly author: Person;
  readonly committer?: Person;
}

export async function renderCommit(fields: CommitFields, signer?: ObjectSigner): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const author = { timestamp: now, ...fields.author };
  const headers = `tree ${fields.tree}\n${fields.parents.map((p) => `parent ${p}\n`).join('')}author ${ident(author)}\ncommitter ${ident(fields.committer ?? author)}\n`;
  const body = normalize(fields.message);
  return signer === undefined ? `${headers}\n${body}` : hybrid(headers, body, signer, 'commit');
}

/** Write a commit object (signed when a signer is given); moves `ref` when one is named. */
export async function writeCommitObject(store: Store, fields: CommitFields & { ref?: string }, signer?: ObjectSigner): Promise<string> {
  const git = await gitLib();
  const text = await renderCommit(fields, signer);
  const oid = await git.writeObject({ fs: gitFs(store), gitdir: store.gitdir, type: 'commit', object: Buffer.from(text, 'utf8'), format: 'content' });
  if (fields.ref !== undefined) await git.writeRef({ fs: store.fs, gitdir: store.gitdir, ref: fields.ref, value: oid, force: true });
  return oid;
}

export interface TagFields {
  readonly object: string;
  readonly name: string;
  readonly message: string;
  readonly tagger: Person;
}

export async function writeTagObject(store: Store, fields: TagFields, signer?: ObjectSigner): Promise<string> {
  const git = await gitLib();
  const headers = `object ${fields.object}\ntype commit\ntag ${fields.name}\ntagger ${ident({ timestamp: Math.floor(Date.now() / 1000), ...fields.tagger })}\n`;
  const body = normalize(fields.message);
  const text = signer === undefined ? `${headers}\n${body}` : await hybrid(headers, body, signer, 'tag');
  return git.writeObject({ fs: gitFs(store), gitdir: store.gitdir, type: 'tag', object: Buffer.from(text, 'utf8'), format: 'content' });
}

/** What an object says about its signatures, split out for checking (no keys involved yet). */
export interface SignedParts {
  readonly type: 'commit' | 'tag';
  /** Armored SSH signature, if any. */
  readonly ssh?: string | undefined;
  /** What the SSH signature covers: the object without it. */
  readonly sshPayload: Uint8Array;
  readonly mlDsa?: { readonly signer: string; readonly signature: string } | undefined;
  /** What the ML-DSA signature covers: the object without either. */
  readonly mlDsaPayload: Uint8Array;
}

interface Header {
  readonly key: string;
  readonly text: string;
}

function headersOf(head: string): Header[] {
  const out: { key: string; text: string }[] = [];
  for (const line of head.split('\n')) {
    const last = out[out.length - 1];
    if (line.startsWith(' ') && last !== undefined) last.text += `${line}\n`;
    else out.push({ key: line.slice(0, line.indexOf(' ')), text: `${line}\n` });
  }
  return out;
}

const valueOf = (h: Header): string =>
  h.text
    .slice(h.key.length + 1)
    .split('\n')
    .map((l, i) => (i === 0 ? l : l.slice(1)))
    .join('\n')
    .trim();

const SSH_BEGIN = '-----BEGIN SSH SIGNATURE-----';

/** Split a raw commit or tag into its signatures and what each covers. */
export function splitSigned(type: 'commit' | 'tag', raw: string): SignedParts {
  const cut = raw.indexOf('\n\n');
  if (cut < 0) throw errors.corruptObject(type, 'it has no blank line after its headers');
  const headers = headersOf(raw.slice(0, cut));
  let body = raw.slice(cut + 2);
  let ssh: string | undefined;
  if (type === 'commit') {
    const sig = headers.find((h) => h.key === 'gpgsig');
    ssh = sig === undefined ? undefined : `${valueOf(sig)}\n`;
  } else {
    // As git: the signature starts at the last line that begins one.
    const at = body.lastIndexOf(`${SSH_BEGIN}`);
    if (at >= 0 && (at === 0 || body[at - 1] === '\n')) {
      ssh = body.slice(at);
      body = body.slice(0, at);
    }
  }
  const mlHeader = headers.find((h) => h.key === MLDSA_HEADER);
  const render = (skip: (h: Header) => boolean) =>
    enc(
      `${headers
        .filter((h) => !skip(h))
        .map((h) => h.text)
        .join('')}\n${body}`,
    );
  const mlDsa = (() => {
    if (mlHeader === undefined) return undefined;
    const [signer = '', ...lines] = valueOf(mlHeader).split('\n');
    return { signer: signer.trim(), signature: lines.join('') };
  })();
  return {
    type,
    ssh,
    sshPayload: render((h) => h.key === 'gpgsig' || h.key === 'gpgsig-sha256'),
    mlDsa,
    mlDsaPayload: render((h) => h.key === 'gpgsig' || h.key === 'gpgsig-sha256' || h.key === MLDSA_HEADER),
  };
}

/** A commit's or tag's raw text. */
export async function readRawObject(store: Store, oid: string): Promise<{ type: string; text: string }> {
  const git = await gitLib();
  const { type, object } = await git.readObject({ fs: store.fs, gitdir: store.gitdir, oid, format: 'content' });
  return { type, text: Buffer.from(object as Uint8Array).toString('utf8') };
}
