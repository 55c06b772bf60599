import { join, resolve } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { z } from 'zod';
import { errors } from '../errors.js';
import { loadPolicy, type AccessPolicy, type MaskPolicy } from '../policy/index.js';
import { projectAccessPolicy } from './access.js';
import type { Store } from '../repo/index.js';

/** Every result the MCP server returns is cut at these. */
export interface McpLimits {
  readonly rows: number;
  readonly bytes: number;
  /** Statement timeout of a query, where the engine has one. */
  readonly timeoutMs: number;
}

export const DEFAULT_MCP_LIMITS: McpLimits = { rows: 200, bytes: 256 * 1024, timeoutMs: 5_000 };

/** `.redb/mcp.yaml`: optional; where the masking policy lives and the result limits. */
const McpFile = z
  .object({
    /** Path of the masking policy, relative to the project. */
    policy: z.string().min(1).optional(),
    limits: z
      .object({ rows: z.number().int().positive(), bytes: z.number().int().positive(), timeoutMs: z.number().int().positive() })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

export interface McpSettings {
  readonly limits: McpLimits;
  /** Absent: values are shown as the read account sees them. */
  readonly policy?: MaskPolicy | undefined;
  /** The project's access policy (`access.policy`): per principal, which tables and columns, clear or masked. */
  readonly access?: AccessPolicy | undefined;
}

const MCP_SETTINGS_FILE = 'mcp.yaml';

/** Read `.redb/mcp.yaml` (if any) and the policy it names (`policyFile`, from --policy, takes precedence), and the project's access policy. */
export async function loadMcpSettings(store: Store, policyFile?: string, options: { access?: boolean } = {}): Promise<McpSettings> {
  const path = join(store.gitdir, MCP_SETTINGS_FILE);
  let file: z.infer<typeof McpFile> = {};
  if (store.fs.existsSync(path)) {
    let raw: unknown;
    try {
      raw = parseYaml(await store.fs.promises.readFile(path, 'utf8')) ?? {};
    } catch (e) {
      throw errors.invalidConfig(`.redb/${MCP_SETTINGS_FILE}`, e instanceof Error ? e.message : String(e));
    }
    const parsed = McpFile.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw errors.invalidConfig(`.redb/${MCP_SETTINGS_FILE}`, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    file = parsed.data;
  }
  const policyPath = policyFile ?? file.policy;
  return {
    limits: { ...DEFAULT_MCP_LIMITS, ...file.limits },
    policy: policyPath === undefined ? undefined : await loadPolicy(resolve(store.root, policyPath)),
    access: options.access === false ? undefined : await projectAccessPolicy(store),
  };
}
