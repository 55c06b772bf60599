/**
 * Masking policies: which tables and columns a clone copies or the MCP server shows, and how each
 * sensitive value is replaced. Pure: this layer imports only src/unified/ and libraries.
 */
export { parsePolicy, loadPolicy, type MaskPolicy, type PolicyRule, type DenyEntry } from './parse-policy.js';
export { checkPolicyNames, compileMasker, type Masker } from './compile-masker.js';
export type { MaskColumn, MaskTable } from './mask-types.js';
export { maskTableOf } from './mask-table.js';
export { columnVerdicts, type ColumnVerdict, type ColumnVerdicts, type RelationName } from './column-verdicts.js';
export { TRANSFORMS, type TransformName } from './policy-schema.js';
export { suggestPolicy, suggestRules, type Suggestion } from './suggest.js';
export { renderPolicy } from './render-policy.js';
// Access policies (Cedar): whether, and masked or clear, per principal. The WASM loads on first use.
export { parseAccessPolicy, loadAccessPolicy, type AccessPolicy } from './access-policy.js';
export type { Principal, Resource, AccessRequest, AccessDecision, ColumnDecision, Via } from './access-request.js';
export { ACCESS_SCHEMA, ACCESS_ACTIONS, type AccessAction } from './access-schema.js';
