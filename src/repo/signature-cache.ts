import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { keyPaths } from '../crypto/keystore.js';
import type { Store } from './paths.js';
import { SIGNATURE_STATUSES, type SignatureCheck } from './signature-check.js';

/**
 * Verified results, kept in `.redb/state/signatures.json` keyed by object id and trust revision,
 * so `log --show-signature` over a long history checks each commit once. Anyone who can write
 * `.redb` could write this file too, so it is authenticated with a key in the user's config
 * folder (outside every repository): an entry redb did not write itself is never believed.
 */
const FILE = join('state', 'signatures.json');
const Entry = z.object({ status: z.enum(SIGNATURE_STATUSES), signer: z.string().optional(), name: z.string().optional(), reason: z.string() }).strict();
const CacheFile = z.object({ version: z.literal(1), mac: z.string(), entries: z.record(z.string(), Entry) }).strict();

export interface SignatureCache {
  get(key: string): SignatureCheck | undefined;
  set(key: string, check: SignatureCheck): void;
  save(): Promise<void>;
}

function macKey(store: Store, env: NodeJS.ProcessEnv): Buffer | undefined {
  const { dir } = keyPaths(env);
  const file = join(dir, 'cache.key');
  const fs = store.fs;
  try {
    return fs.readFileSync(file);
  } catch {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
      return fs.readFileSync(file);
    } catch {
      return undefined;
    }
  }
}

/** Keys sorted at every level: the MAC must not depend on the order a parser rebuilt the objects in. */
const canonical = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canonical).join(',')}]`
    : typeof v === 'object' && v !== null
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(v);

const macOf = (key: Buffer, entries: Record<string, unknown>): Buffer => createHmac('sha256', key).update(canonical(entries)).digest();

export async function openSignatureCache(store: Store, env: NodeJS.ProcessEnv): Promise<SignatureCache> {
  const key = macKey(store, env);
  const path = join(store.gitdir, FILE);
  let entries: Record<string, SignatureCheck> = {};
  if (key !== undefined) {
    try {
      const parsed = CacheFile.safeParse(JSON.parse(await store.fs.promises.readFile(path, 'utf8')));
      if (parsed.success) {
        const mac = Buffer.from(parsed.data.mac, 'hex');
        const want = macOf(key, parsed.data.entries);
        if (mac.length === want.length && timingSafeEqual(mac, want)) entries = parsed.data.entries;
      }
    } catch {
      // No cache, or one redb cannot read: start afresh.
    }
  }
  let dirty = false;
  return {
    get: (k) => entries[k],
    set: (k, check) => {
      entries[k] = {
        status: check.status,
        reason: check.reason,
        ...(check.signer === undefined ? {} : { signer: check.signer }),
        ...(check.name === undefined ? {} : { name: check.name }),
      };
      dirty = true;
    },
    async save() {
      if (!dirty || key === undefined) return;
      const body = { version: 1, mac: macOf(key, entries).toString('hex'), entries };
      try {
        await store.fs.promises.mkdir(join(path, '..'), { recursive: true });
        await store.fs.promises.writeFile(`${path}.tmp`, JSON.stringify(body));
        await store.fs.promises.rename(`${path}.tmp`, path);
      } catch {
        // A read-only checkout verifies every time; nothing else is lost.
      }
    },
  };
}
