import { createHash } from 'node:crypto';
import { z } from 'zod';
import { HybridSignature, IdentityCard } from '../crypto/identity.js';

/**
 * The trust document: who the team is, like Radicle's identity document. Each revision lists the
 * members (name → card and roles) and how many admins must sign the next change (threshold). A
 * revision is valid when signed by at least `threshold` admins of the revision before it; the first
 * by `threshold` admins of itself (its creator). Revocation is a revision without the member.
 */
export const MEMBER_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
export const ROLE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
export const ADMIN = 'admin';

export const TrustDocument = z
  .object({
    version: z.literal(1),
    threshold: z.number().int().min(1),
    members: z.record(
      z.string().regex(MEMBER_NAME, 'a member name: a letter, then letters, digits, _ . -'),
      z.object({ roles: z.array(z.string().regex(ROLE_NAME, 'a role: lower-case letters, digits, _ -')).min(1), card: IdentityCard }).strict(),
    ),
  })
  .strict();
export type TrustDocument = z.infer<typeof TrustDocument>;

/** Signatures of one revision, by signer id. */
export const TrustSignatures = z.record(z.string(), HybridSignature);
export type TrustSignatures = z.infer<typeof TrustSignatures>;

export const TRUST_FILE = 'trust.json';
export const SIGNATURES_FILE = 'signatures.json';

/** The document's bytes as stored: canonical (sorted keys), so that its hash is its identity. */
export function documentText(doc: TrustDocument): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  return `${JSON.stringify(sorted(doc), null, 2)}\n`;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** What admins sign for a revision: the previous document's hash and this one's. */
export const revisionPayload = (previousText: string | undefined, text: string): Uint8Array =>
  new TextEncoder().encode(`redb trust revision v1\nprevious ${previousText === undefined ? 'none' : sha256(previousText)}\ndocument ${sha256(text)}\n`);

export const admins = (doc: TrustDocument): { name: string; card: IdentityCard }[] =>
  Object.entries(doc.members)
    .filter(([, m]) => m.roles.includes(ADMIN))
    .map(([name, m]) => ({ name, card: m.card }));

export const memberById = (doc: TrustDocument, id: string): { name: string; roles: readonly string[]; card: IdentityCard } | undefined => {
  const hit = Object.entries(doc.members).find(([, m]) => m.card.id === id);
  return hit === undefined ? undefined : { name: hit[0], roles: hit[1].roles, card: hit[1].card };
};

/** The rules every revision keeps; undefined when it does, else what is wrong. */
export function ruleProblem(doc: TrustDocument): string | undefined {
  const ids = Object.values(doc.members).map((m) => m.card.id);
  if (new Set(ids).size !== ids.length) return 'one identity is listed under two names';
  const adminCount = admins(doc).length;
  if (adminCount === 0) return 'it has no admin';
  if (doc.threshold > adminCount) return `its threshold (${doc.threshold}) is more than its admins (${adminCount})`;
  return undefined;
}
