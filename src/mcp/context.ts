import { errors, RedbError } from '../errors.js';
import { accessScope, LOCAL_USER, type AccessScope } from '../ops/access.js';
import type { OpContext, Store } from '../ops/context.js';
import { appendAccess, type AccessInput } from '../ops/mcp-access-log.js';
import type { McpSettings } from '../ops/mcp-settings.js';
import type { Principal } from '../policy/index.js';

/** What one server instance serves: the project, the settings, and who is asking. */
export interface McpContext extends OpContext {
  readonly store: Store;
  readonly settings: McpSettings;
  /** The bearer token's id over HTTP, `stdio` locally; written to the access log. */
  readonly caller: string;
  /** Who the access policy judges: the bearer token over HTTP; the local user over stdio (the default). */
  readonly principal?: Principal | undefined;
}

/** One call: the server's context and, under an access policy, the caller's scope (refusals gather there for the log). */
export interface McpCall extends McpContext {
  readonly access?: AccessScope | undefined;
}

/** A tool's or resource's answer in the shape MCP wants. */
export interface Answer {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  isError?: boolean;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

/** The refs of a call, in argument order, the absent ones left out. */
export const refsOf = (...refs: (string | undefined)[]): string[] => refs.filter((r): r is string => r !== undefined);

/** Refusals a call ends with: their message joins what the access policy refused on the way. */
const REFUSALS = new Set(['REDB_ACCESS_DENIED', 'REDB_ACCESS_MASK_MISSING', 'REDB_MCP_DENIED', 'REDB_MCP_COLUMN_WITHHELD', 'REDB_MCP_NOT_GRANTED']);

/** The call's context: under an access policy, a fresh scope for the caller. */
export const callOf = (ctx: McpContext): McpCall =>
  ctx.settings.access === undefined ? ctx : { ...ctx, access: accessScope(ctx.settings.access, ctx.principal ?? LOCAL_USER, 'mcp') };

/** Run a call and log it with what the client asked for and what the access policy refused; errors pass on, as RedbErrors. */
export async function logged<T>(ctx: McpContext, tool: string, input: AccessInput, work: (call: McpCall) => Promise<T>): Promise<T> {
  const call = callOf(ctx);
  const refused = () => (call.access === undefined || call.access.refused.length === 0 ? undefined : call.access.refused);
  const log = (outcome: 'ok' | 'error', code?: string) =>
    appendAccess(ctx.store, { time: new Date().toISOString(), token: ctx.caller, tool, ...input, outcome, code, refused: refused() }).catch(() => undefined);
  try {
    const value = await work(call);
    await log('ok');
    return value;
  } catch (e) {
    const error = e instanceof RedbError ? e : errors.internal(e instanceof Error ? e.message : String(e));
    if (call.access !== undefined && REFUSALS.has(error.code) && !call.access.refused.includes(error.message)) call.access.refused.push(error.message);
    await log('error', error.code);
    throw error;
  }
}

/**
 * Run a call through `logged`. Errors the user can act on go back to the assistant as a tool error
 * with their code and hint; anything else is reported as internal without its stack.
 */
export async function answer(ctx: McpContext, tool: string, input: AccessInput, work: (call: McpCall) => Promise<unknown>): Promise<Answer> {
  try {
    return { content: [{ type: 'text', text: text(await logged(ctx, tool, input, work)) }] };
  } catch (e) {
    const error = e as RedbError;
    return { content: [{ type: 'text', text: `error[${error.code}]: ${error.message}${error.hint === undefined ? '' : ` (${error.hint})`}` }], isError: true };
  }
}
