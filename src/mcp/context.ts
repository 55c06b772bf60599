import { errors, RedbError } from '../errors.js';
import type { OpContext, Store } from '../ops/context.js';
import { appendAccess, type AccessInput } from '../ops/mcp-access-log.js';
import type { McpSettings } from '../ops/mcp-settings.js';

/** What one server instance serves: the project, the settings, and who is asking. */
export interface McpContext extends OpContext {
  readonly store: Store;
  readonly settings: McpSettings;
  /** The bearer token's id over HTTP, `stdio` locally; written to the access log. */
  readonly caller: string;
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

/**
 * Run a call and log it with what the client asked for. Errors the user can act on go back to the
 * assistant as a tool error with their code and hint; anything else is reported as internal without
 * its stack.
 */
export async function answer(ctx: McpContext, tool: string, input: AccessInput, work: () => Promise<unknown>): Promise<Answer> {
  const log = (outcome: 'ok' | 'error', code?: string) =>
    appendAccess(ctx.store, { time: new Date().toISOString(), token: ctx.caller, tool, ...input, outcome, code }).catch(() => undefined);
  try {
    const value = await work();
    await log('ok');
    return { content: [{ type: 'text', text: text(value) }] };
  } catch (e) {
    const error = e instanceof RedbError ? e : errors.internal(e instanceof Error ? e.message : String(e));
    await log('error', error.code);
    return { content: [{ type: 'text', text: `error[${error.code}]: ${error.message}${error.hint === undefined ? '' : ` (${error.hint})`}` }], isError: true };
  }
}
