import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { errors } from '../errors.js';
import { readJson, writeJson, type Store } from '../repo/index.js';
import { findStore, type OpContext } from './context.js';

/** `.redb/state/mcp-tokens.json`: bearer tokens of `redb mcp --http`, as sha256 hashes only. */
const Tokens = z
  .object({
    version: z.literal(1),
    tokens: z.array(
      z
        .object({
          id: z.string(),
          name: z.string(),
          sha256: z.string().regex(/^[0-9a-f]{64}$/),
          created: z.string(),
          /** Roles the access policy knows the token by (`principal in Role::"analyst"`). */
          roles: z.array(z.string().min(1)).optional(),
        })
        .strict(),
    ),
  })
  .strict();
type Tokens = z.infer<typeof Tokens>;

/** Last use is written by the server alone, apart from the tokens, so it never races a create or revoke. */
const Usage = z.record(z.string(), z.string());

const TOKENS_FILE = join('state', 'mcp-tokens.json');
const USAGE_FILE = join('state', 'mcp-token-usage.json');

export interface McpToken {
  readonly id: string;
  readonly name: string;
  readonly created: string;
  readonly roles?: readonly string[] | undefined;
  readonly lastUsed?: string | undefined;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const readTokens = (store: Store): Promise<Tokens> => readJson(store, TOKENS_FILE, Tokens, { version: 1, tokens: [] });

/** A new token; its secret is in the result and nowhere else. */
export async function mcpTokenCreate(ctx: OpContext & { name?: string; roles?: readonly string[] }): Promise<McpToken & { token: string }> {
  const store = findStore(ctx);
  const roles = ctx.roles === undefined || ctx.roles.length === 0 ? undefined : [...new Set(ctx.roles)];
  const bad = roles?.find((r) => !/^[A-Za-z0-9_.-]+$/.test(r));
  if (bad !== undefined) throw errors.usage(`'${bad}' is not a role name`, 'roles are words: letters, digits, _ . -');
  const tokens = await readTokens(store);
  const id = randomBytes(4).toString('hex');
  const token = `redb_${randomBytes(32).toString('base64url')}`;
  const record = { id, name: ctx.name ?? 'default', sha256: sha256(token), created: new Date().toISOString(), ...(roles === undefined ? {} : { roles }) };
  await writeJson(store, TOKENS_FILE, { ...tokens, tokens: [...tokens.tokens, record] });
  return { id, name: record.name, created: record.created, roles, token };
}

export async function mcpTokenList(ctx: OpContext): Promise<McpToken[]> {
  const store = findStore(ctx);
  const [tokens, usage] = await Promise.all([readTokens(store), readJson(store, USAGE_FILE, Usage, {})]);
  return tokens.tokens.map((t) => ({ id: t.id, name: t.name, created: t.created, roles: t.roles, lastUsed: usage[t.id] }));
}

export async function mcpTokenRevoke(ctx: OpContext & { id: string }): Promise<McpToken> {
  const store = findStore(ctx);
  const tokens = await readTokens(store);
  const found = tokens.tokens.find((t) => t.id === ctx.id);
  if (found === undefined) throw errors.mcpTokenNotFound(ctx.id);
  await writeJson(store, TOKENS_FILE, { ...tokens, tokens: tokens.tokens.filter((t) => t !== found) });
  return { id: found.id, name: found.name, created: found.created };
}

/** The token a bearer presents, read afresh so a revoke takes effect at once; undefined when it matches none. */
export async function mcpTokenCheck(store: Store, presented: string): Promise<McpToken | undefined> {
  const digest = Buffer.from(sha256(presented), 'hex');
  const match = (await readTokens(store)).tokens.find((t) => timingSafeEqual(Buffer.from(t.sha256, 'hex'), digest));
  if (match === undefined) return undefined;
  const usage = await readJson(store, USAGE_FILE, Usage, {});
  // Concurrent requests may race on this file; a lost last-used time is harmless, a failed request is not.
  await writeJson(store, USAGE_FILE, { ...usage, [match.id]: new Date().toISOString() }).catch(() => undefined);
  return { id: match.id, name: match.name, created: match.created, roles: match.roles };
}
