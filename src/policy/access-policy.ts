import { readFile } from 'node:fs/promises';
import { errors } from '../errors.js';
import {
  describePrincipal,
  describeResource,
  principalEntity,
  resourceEntity,
  type AccessDecision,
  type AccessRequest,
  type ColumnDecision,
  type Principal,
} from './access-request.js';
import { ACCESS_ACTIONS, ACCESS_SCHEMA } from './access-schema.js';

/**
 * Access policies, decided by Cedar (its WASM build, in process): who may read a table, see a
 * column clear or only masked, sample, migrate, replicate or push. The masking policy stays the
 * "how"; this decides "whether, and masked or clear", per principal.
 *
 * - Loaded once per policy text: parsed, validated against ACCESS_SCHEMA (a policy that does not
 *   validate is REDB_ACCESS_POLICY_INVALID naming its line), and pre-parsed for fast decisions.
 * - Cedar denies by default and `forbid` overrides `permit`.
 * - A decision is a pure function of (policies, request): each is computed once per engine and
 *   remembered, so a per-row or per-query caller pays a map lookup after the first.
 * - The WASM (4 MB) loads on first use only, never at start-up.
 */
type Cedar = typeof import('@cedar-policy/cedar-wasm/nodejs');
let cedarModule: Promise<Cedar> | undefined;
const loadCedar = (): Promise<Cedar> => (cedarModule ??= import('@cedar-policy/cedar-wasm/nodejs'));

export interface AccessPolicy {
  readonly source: string;
  /** Labels of the loaded policies (their `@id`, else source:line), in order. */
  readonly policies: readonly string[];
  decide(request: AccessRequest): AccessDecision;
  /** Whether the principal may read the table, and if so each column's view. */
  table(principal: Principal, database: string, table: string, via?: AccessRequest['via']): AccessDecision;
  /** Clear when readColumnClear is permitted, else masked when readColumnMasked is, else denied (also when the table is). */
  column(principal: Principal, database: string, table: string, column: string, via?: AccessRequest['via']): ColumnDecision;
}

interface Located {
  readonly message: string;
  readonly help?: string | null;
  readonly sourceLocations?: readonly { start: number }[];
}

/** 1-based line of a byte offset (Cedar reports byte offsets). */
const lineAt = (text: string, offset: number): number => Buffer.from(text, 'utf8').subarray(0, offset).toString('utf8').split('\n').length;

function refuse(source: string, text: string, e: Located): never {
  const at = e.sourceLocations?.[0]?.start;
  throw errors.accessPolicyInvalid(source, at === undefined ? 0 : lineAt(text, at), `${e.message}${e.help ? ` (${e.help})` : ''}`);
}

let preparsed = 0;
let schemaReady = false;

/** Parse, validate and prepare a policy text; REDB_ACCESS_POLICY_INVALID names the first bad line. */
export async function parseAccessPolicy(text: string, source = 'access policy'): Promise<AccessPolicy> {
  const cedar = await loadCedar();
  const parts = cedar.policySetTextToParts(text);
  if (parts.type === 'failure') refuse(source, text, parts.errors[0] ?? { message: 'it does not parse' });
  const validation = cedar.validate({ schema: ACCESS_SCHEMA, policies: { staticPolicies: text } });
  if (validation.type === 'failure') refuse(source, text, validation.errors[0] ?? { message: 'it does not validate' });
  const invalid = validation.validationErrors[0];
  if (invalid !== undefined) refuse(source, text, invalid.error);

  // Label each policy by its @id or its line, so reasons say where to look.
  const labels: string[] = [];
  const byLabel: Record<string, string> = {};
  let from = 0;
  for (const part of parts.policies) {
    const at = text.indexOf(part, from);
    from = at < 0 ? from : at + part.length;
    const line = at < 0 ? 0 : lineAt(text, Buffer.byteLength(text.slice(0, at)));
    const id = /^\s*@id\(\s*"((?:[^"\\]|\\.)*)"\s*\)/.exec(part)?.[1];
    let label = `${id === undefined ? '' : `${id} `}(${source}${line > 0 ? `:${line}` : ''})`.trim();
    while (byLabel[label] !== undefined) label = `${label}'`;
    labels.push(label);
    byLabel[label] = part;
  }
  const setId = `redb-access-${++preparsed}`;
  const schemaId = 'redb-access-schema';
  const ready = cedar.preparsePolicySet(setId, { staticPolicies: byLabel });
  if (ready.type === 'failure') refuse(source, text, ready.errors[0] ?? { message: 'it does not parse' });
  if (!schemaReady) schemaReady = cedar.preparseSchema(schemaId, ACCESS_SCHEMA).type === 'success';

  const memo = new Map<string, AccessDecision>();
  const decide = (request: AccessRequest): AccessDecision => {
    const key = JSON.stringify([request.principal, request.action, request.resource, request.via ?? 'cli']);
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const principal = principalEntity(request.principal);
    const resource = resourceEntity(request.resource);
    const answer = cedar.statefulIsAuthorized({
      principal: principal.uid,
      action: { type: 'Action', id: ACCESS_ACTIONS[request.action] },
      resource: resource.uid,
      context: { via: request.via ?? 'cli' },
      preparsedPolicySetId: setId,
      preparsedSchemaName: schemaId,
      validateRequest: true,
      entities: [...principal.entities, ...resource.entities],
    });
    let decision: AccessDecision;
    if (answer.type === 'failure') {
      // A request the schema does not allow (an action on the wrong kind of resource) is a denial with its reason.
      decision = { allowed: false, reasons: answer.errors.map((e) => e.message) };
    } else {
      const { decision: effect, diagnostics } = answer.response;
      const errs = diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`);
      const reasons =
        effect === 'allow'
          ? diagnostics.reason.map((p) => `permitted by ${p}`)
          : diagnostics.reason.length > 0
            ? diagnostics.reason.map((p) => `forbidden by ${p}`)
            : [`no policy permits ${describePrincipal(request.principal)} to ${request.action} ${describeResource(request.resource)}`];
      decision = { allowed: effect === 'allow', reasons: [...reasons, ...errs] };
    }
    memo.set(key, decision);
    return decision;
  };

  const table = (principal: Principal, database: string, name: string, via?: AccessRequest['via']): AccessDecision =>
    decide({ principal, action: 'read-table', resource: { kind: 'table', database, table: name }, ...(via === undefined ? {} : { via }) });

  return {
    source,
    policies: labels,
    decide,
    table,
    column(principal, database, tableName, column, via) {
      const t = table(principal, database, tableName, via);
      if (!t.allowed) return { view: 'denied', reasons: t.reasons };
      const resource = { kind: 'column', database, table: tableName, column } as const;
      const clear = decide({ principal, action: 'read-column-clear', resource, ...(via === undefined ? {} : { via }) });
      if (clear.allowed) return { view: 'clear', reasons: clear.reasons };
      const masked = decide({ principal, action: 'read-column-masked', resource, ...(via === undefined ? {} : { via }) });
      if (masked.allowed) return { view: 'masked', reasons: [...masked.reasons, ...clear.reasons] };
      return { view: 'denied', reasons: [...clear.reasons, ...masked.reasons] };
    },
  };
}

/** Read and load a policy file (`.cedar`). */
export async function loadAccessPolicy(path: string, label = path): Promise<AccessPolicy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw errors.accessPolicyInvalid(label, 0, `cannot read it (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseAccessPolicy(text, label);
}
